import type { Env } from '../util/env.ts';
import { ConfigError } from '../util/errors.ts';
import type { ConfigView } from './model.ts';

// Endpoint precedence shared by all AWS SDKs (aws-protocols.md §5):
// AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > [services X] named by the profile > profile endpoint_url.

export type ServiceId = 'SSO' | 'SSO_OIDC' | 'STS' | 'SIGNIN';

function isTrue(value: unknown): boolean {
  return typeof value === 'string' && value.trim().toLowerCase() === 'true';
}

/** A configured endpoint URL for the service, or undefined for the default. */
export function endpointOverride(
  service: ServiceId,
  env: Env,
  view?: ConfigView,
  profileName?: string,
): string | undefined {
  const profile = profileName && view ? view.profiles[profileName] : undefined;
  if (isTrue(env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS) || isTrue(profile?.ignore_configured_endpoint_urls)) {
    return undefined;
  }
  const fromEnv = env[`AWS_ENDPOINT_URL_${service}`] || env.AWS_ENDPOINT_URL;
  if (fromEnv) return fromEnv;
  if (!profile || !view) return undefined;
  const servicesName = profile.services;
  if (typeof servicesName === 'string') {
    const sub = view.services[servicesName]?.[service.toLowerCase()];
    if (sub && typeof sub === 'object' && sub.endpoint_url) return sub.endpoint_url;
  }
  return typeof profile.endpoint_url === 'string' ? profile.endpoint_url : undefined;
}

/**
 * How an SDK client reaches a service. An explicit endpoint is passed only when one is configured;
 * otherwise the SDK's endpoint rules pick it from the region and the FIPS and dual-stack settings, as
 * they do for the AWS CLI and the SDKs. Every field is set, so the SDK never reads process.env or the
 * files itself (the library may run with another env).
 */
export interface ClientEndpoint {
  endpoint?: string;
  useFipsEndpoint: boolean;
  useDualstackEndpoint: boolean;
  /** Stops the SDK from looking up AWS_ENDPOINT_URL_* and [services] again on its own. */
  ignoreConfiguredEndpointUrls: true;
}

/** A boolean setting as the SDKs read it: the variable, else the profile's key; "true"/"false" only. */
function flag(
  env: Env,
  variable: string,
  profile: Record<string, unknown> | undefined,
  key: string,
): boolean {
  const fromEnv = env[variable];
  const [raw, where] =
    fromEnv !== undefined && fromEnv !== '' ? [fromEnv, variable] : [profile?.[key], `the profile's ${key}`];
  if (raw === undefined) return false;
  const value = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ConfigError(`${where} is ${JSON.stringify(raw)}: expected true or false`, {
    hint: `set ${where === variable ? variable : key} to true or false`,
  });
}

/**
 * The endpoint settings for a client of the service in a region. With an endpoint configured, FIPS and
 * dual-stack are off (botocore ignores them then; the JS SDK's rules would refuse the combination).
 */
export function clientEndpoint(
  service: ServiceId,
  env: Env,
  view?: ConfigView,
  profileName?: string,
): ClientEndpoint {
  const override = endpointOverride(service, env, view, profileName);
  if (override) {
    return {
      endpoint: override.replace(/\/+$/, ''),
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      ignoreConfiguredEndpointUrls: true,
    };
  }
  const profile = profileName && view ? view.profiles[profileName] : undefined;
  return {
    useFipsEndpoint: flag(env, 'AWS_USE_FIPS_ENDPOINT', profile, 'use_fips_endpoint'),
    useDualstackEndpoint: flag(env, 'AWS_USE_DUALSTACK_ENDPOINT', profile, 'use_dualstack_endpoint'),
    ignoreConfiguredEndpointUrls: true,
  };
}

/**
 * The URL a new client will call (`resolve` asks the SDK's endpoint rules). When the rules refuse,
 * the client is destroyed and the error says which settings to check.
 */
export function clientEndpointUrl(
  client: { destroy(): void },
  service: ServiceId,
  region: string,
  resolve: () => string,
): string {
  try {
    return resolve();
  } catch (error) {
    client.destroy();
    throw unresolvableEndpoint(service, region, error);
  }
}

/** The endpoint rules refused the settings (say FIPS with dual-stack where a partition has neither). */
function unresolvableEndpoint(service: ServiceId, region: string, error: unknown): ConfigError {
  return new ConfigError(
    `no ${service} endpoint for region ${region} with these settings: ${(error as Error)?.message ?? String(error)}`,
    {
      hint: 'check the region, AWS_USE_FIPS_ENDPOINT / use_fips_endpoint and AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint',
    },
  );
}

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The partition's console sign-in (federation) endpoint, honouring overrides; not an SDK client. */
export function signinEndpoint(region: string, env: Env, view?: ConfigView, profileName?: string): string {
  const override = endpointOverride('SIGNIN', env, view, profileName);
  if (override) return override.replace(/\/+$/, '');
  const partition = partitionOfRegion(region);
  if (partition === 'aws-cn') return 'https://signin.amazonaws.cn';
  if (partition === 'aws-us-gov') return 'https://signin.amazonaws-us-gov.com';
  return 'https://signin.aws.amazon.com';
}
