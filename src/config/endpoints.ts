import type { ConfigView } from './model.ts';

// Endpoint precedence shared by all AWS SDKs (aws-protocols.md §5):
// AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > [services X] named by the profile > profile endpoint_url.

export type ServiceId = 'SSO' | 'SSO_OIDC' | 'STS' | 'SIGNIN';
type Env = Readonly<Record<string, string | undefined>>;

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

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export function partitionOfRegion(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

function dnsSuffix(region: string): string {
  return partitionOfRegion(region) === 'aws-cn' ? 'amazonaws.com.cn' : 'amazonaws.com';
}

/** The service's endpoint in a region, honouring overrides. */
export function endpointFor(
  service: ServiceId,
  region: string,
  env: Env,
  view?: ConfigView,
  profileName?: string,
): string {
  const override = endpointOverride(service, env, view, profileName);
  if (override) return override.replace(/\/+$/, '');
  switch (service) {
    case 'SSO':
      return `https://portal.sso.${region}.${dnsSuffix(region)}`;
    case 'SSO_OIDC':
      return `https://oidc.${region}.${dnsSuffix(region)}`;
    case 'STS':
      return `https://sts.${region}.${dnsSuffix(region)}`;
    case 'SIGNIN': {
      const partition = partitionOfRegion(region);
      if (partition === 'aws-cn') return 'https://signin.amazonaws.cn';
      if (partition === 'aws-us-gov') return 'https://signin.amazonaws-us-gov.com';
      return 'https://signin.aws.amazon.com';
    }
  }
}
