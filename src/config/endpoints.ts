import type { Env } from '../util/env.ts';
import { ConfigError } from '../util/errors.ts';
import type { ConfigView } from './model.ts';

// Endpoint precedence shared by all AWS SDKs (aws-protocols.md §5):
// AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > [services X] named by the profile > profile endpoint_url.
// Beside the endpoint, the other settings an SDK client would read from the files on its own.

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
 * How an SDK client reaches a service, and the profile's settings it would otherwise read itself. An
 * explicit endpoint is passed only when one is configured; otherwise the SDK's endpoint rules pick it
 * from the region and the FIPS and dual-stack settings, as they do for the AWS CLI and the SDKs. Every
 * setting a client reads when it sends is set, so the SDK never reads process.env or the files
 * itself: it would read them for its default profile, not the one being resolved, from the process's
 * env, not the one rolehop was given (the library may run with another), and a cold call would load
 * and read the files a second time (~2% of it, measured).
 */
export interface ClientSettings {
  endpoint?: string;
  useFipsEndpoint: boolean;
  useDualstackEndpoint: boolean;
  /** Stops the SDK from looking up AWS_ENDPOINT_URL_* and [services] again on its own. */
  ignoreConfiguredEndpointUrls: true;
  /**
   * AWS_SDK_UA_APP_ID, else the profile's sdk_ua_app_id (or sdk-ua-app-id): added to the User-Agent.
   * Empty for none, which the SDK leaves out as it does an empty variable (undefined would make it look).
   */
  userAgentAppId: string;
  /** AWS_AUTH_SCHEME_PREFERENCE, else auth_scheme_preference: `sigv4a` makes STS sign with SigV4a. */
  authSchemePreference: string[];
  /** AWS_SIGV4A_SIGNING_REGION_SET, else sigv4a_signing_region_set; the SDK's default when unset. */
  sigv4aSigningRegionSet?: string[];
  /** AWS_DISABLE_CLOCK_SKEW_CORRECTION, else disable_clock_skew_correction. */
  disableClockSkewCorrection: boolean;
}

/** The JS SDK's reading of a comma-separated list (its getArrayForCommaSeparatedString). */
function commaList(value: string): string[] {
  return value.length > 0 ? value.split(',').map((item) => item.trim()) : [];
}

/** A string setting: the variable when set at all, else the profile's first key that is set. */
function stringSetting(
  env: Env,
  variable: string,
  profile: Record<string, unknown> | undefined,
  keys: readonly string[],
): string | undefined {
  if (env[variable] !== undefined) return env[variable];
  for (const key of keys) if (typeof profile?.[key] === 'string') return profile[key];
  return undefined;
}

/** The settings the JS SDK's clients read from the env and the profile when they send, read as it reads them. */
function profileSdkSettings(env: Env, profile: Record<string, unknown> | undefined) {
  const appId = stringSetting(env, 'AWS_SDK_UA_APP_ID', profile, ['sdk_ua_app_id', 'sdk-ua-app-id']);
  const preference = stringSetting(env, 'AWS_AUTH_SCHEME_PREFERENCE', profile, ['auth_scheme_preference']);
  // An empty variable is unset here, as in the SDK.
  const regionSet =
    env.AWS_SIGV4A_SIGNING_REGION_SET ||
    (typeof profile?.sigv4a_signing_region_set === 'string' && profile.sigv4a_signing_region_set) ||
    undefined;
  return {
    userAgentAppId: appId ?? '',
    authSchemePreference: preference === undefined ? [] : commaList(preference),
    ...(regionSet ? { sigv4aSigningRegionSet: commaList(regionSet) } : {}),
    disableClockSkewCorrection: flag(
      env,
      'AWS_DISABLE_CLOCK_SKEW_CORRECTION',
      profile,
      'disable_clock_skew_correction',
    ),
  };
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
export function clientSettings(
  service: ServiceId,
  env: Env,
  view?: ConfigView,
  profileName?: string,
): ClientSettings {
  const profile = profileName && view ? view.profiles[profileName] : undefined;
  const override = endpointOverride(service, env, view, profileName);
  if (override) {
    return {
      endpoint: override.replace(/\/+$/, ''),
      useFipsEndpoint: false,
      useDualstackEndpoint: false,
      ignoreConfiguredEndpointUrls: true,
      ...profileSdkSettings(env, profile),
    };
  }
  return {
    useFipsEndpoint: flag(env, 'AWS_USE_FIPS_ENDPOINT', profile, 'use_fips_endpoint'),
    useDualstackEndpoint: flag(env, 'AWS_USE_DUALSTACK_ENDPOINT', profile, 'use_dualstack_endpoint'),
    ignoreConfiguredEndpointUrls: true,
    ...profileSdkSettings(env, profile),
  };
}

/**
 * The SDK HTTP handler's time-outs for one attempt: until connected, and until the answer starts.
 * Without throwOnRequestTimeout the SDK only logs a warning, and a silent server hangs us for ever.
 */
export function requestHandlerSettings(requestTimeout: number, connectionTimeout: number) {
  return { requestTimeout, connectionTimeout, throwOnRequestTimeout: true };
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
