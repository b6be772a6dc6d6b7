import {
  type ClientSettings,
  clientEndpointUrl,
  clientSettings,
  requestHandlerSettings,
} from '../config/endpoints.ts';
import type { AssumeRoleHop } from '../config/plan.ts';
import type { Credentials } from '../util/credentials.ts';
import { registerSecret } from '../util/redact.ts';
import { defaultRegionFor, parseRoleArn } from './role-arn.ts';
import { mapStsError } from './sts-errors.ts';
import { validateHopInput } from './validate.ts';

/** Keys as STS takes and returns them (same shape as src/creds' Credentials). */
export type StsCredentials = Credentials;

export interface StsCallOptions {
  /**
   * How to reach STS and the profile's SDK settings, resolved by the caller (config/endpoints.ts
   * clientSettings); default the SDK's regional endpoint and defaults.
   */
  client?: ClientSettings;
  signal?: AbortSignal;
  /** Per-attempt timeout (default 10 s); a hanging server counts as a network failure. */
  requestTimeoutMs?: number;
  /** Attempts including the first (default 4); throttling, 5xx and network errors are retried. */
  maxAttempts?: number;
}

export interface AssumeRoleParams {
  source: StsCredentials;
  hop: AssumeRoleHop;
  /** Session name and duration after defaults and role-chaining clamping. */
  sessionName: string;
  durationSeconds?: number;
  /** MFA code for hop.mfaSerial. */
  tokenCode?: string;
  /** Default: the role partition's first region. */
  region?: string;
  /** How errors name this hop ("AssumeRole hop 2 of prod-deploy (dev -> Deploy)"); default its ARN. */
  label?: string;
}

export interface CallerIdentity {
  account: string;
  arn: string;
  userId: string;
}

/** The SDK's regional endpoint and its defaults: no variable, no profile. */
const REGIONAL_DEFAULT = clientSettings('STS', {});

/** The STS client settings; exported so a test can compare the URL they reach with the plain SDK's. */
export function stsClientConfig(creds: StsCredentials, region: string, options: StsCallOptions) {
  return {
    region,
    ...(options.client ?? REGIONAL_DEFAULT),
    credentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
    },
    ...stsRequestSettings(options),
  };
}

/** Retries and time-outs of every STS call (AssumeRole, GetCallerIdentity, web identity). */
export function stsRequestSettings(options: Pick<StsCallOptions, 'maxAttempts' | 'requestTimeoutMs'>) {
  return {
    maxAttempts: options.maxAttempts ?? 4,
    retryMode: 'standard',
    requestHandler: requestHandlerSettings(
      options.requestTimeoutMs ?? 10_000,
      options.requestTimeoutMs ?? 10_000,
    ),
  };
}

async function stsClient(creds: StsCredentials, region: string, options: StsCallOptions) {
  // Never a static import: cache hits must not load the SDK (design.md principle 5).
  const sdk = await import('../sdk/clients.ts');
  const client = new sdk.STSClient(stsClientConfig(creds, region, options));
  const endpoint = clientEndpointUrl(client, 'STS', region, () =>
    sdk.endpointUrlOf(client, region, options.client ?? REGIONAL_DEFAULT),
  );
  return { sdk, client, endpoint };
}

/** One AssumeRole call. Input is validated first: nothing malformed reaches the network. */
export async function assumeRole(
  params: AssumeRoleParams,
  options: StsCallOptions = {},
): Promise<StsCredentials> {
  const { hop } = params;
  const arn = parseRoleArn(hop.roleArn);
  validateHopInput(
    { ...hop, sessionName: params.sessionName, durationSeconds: params.durationSeconds },
    params.tokenCode,
    params.label,
  );
  const region = params.region || defaultRegionFor(arn.partition);
  const { sdk, client, endpoint } = await stsClient(params.source, region, options);
  const tags = Object.entries(hop.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  try {
    const out = await client.send(
      new sdk.AssumeRoleCommand({
        RoleArn: hop.roleArn,
        RoleSessionName: params.sessionName,
        DurationSeconds: params.durationSeconds,
        ExternalId: hop.externalId,
        SerialNumber: hop.mfaSerial,
        TokenCode: hop.mfaSerial ? params.tokenCode : undefined,
        SourceIdentity: hop.sourceIdentity,
        Tags: tags.length > 0 ? tags : undefined,
      }),
      { abortSignal: options.signal },
    );
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) {
      throw new Error('the AssumeRole response carried no credentials');
    }
    registerSecret(c.SecretAccessKey);
    registerSecret(c.SessionToken);
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration ? new Date(c.Expiration) : undefined,
    };
  } catch (error) {
    throw mapStsError(error, {
      action: 'AssumeRole',
      roleArn: hop.roleArn,
      profile: hop.profile,
      endpoint,
      ...(params.label !== undefined ? { label: params.label } : {}),
    });
  } finally {
    client.destroy();
  }
}

/** STS GetCallerIdentity with the given keys. */
export async function getCallerIdentity(
  creds: StsCredentials,
  region: string,
  options: StsCallOptions = {},
): Promise<CallerIdentity> {
  const { sdk, client, endpoint } = await stsClient(creds, region, options);
  try {
    const out = await client.send(new sdk.GetCallerIdentityCommand({}), { abortSignal: options.signal });
    return { account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? '' };
  } catch (error) {
    throw mapStsError(error, { action: 'GetCallerIdentity', endpoint });
  } finally {
    client.destroy();
  }
}
