import { type Partition, partitionOfRegion, signinEndpoint } from '../config/endpoints.ts';
import type { Credentials } from '../util/credentials.ts';
import type { Env } from '../util/env.ts';
import { AccessDeniedError, NetworkError, UsageError } from '../util/errors.ts';

// Console sign-in through the federation endpoint (aws-protocols.md §7).

export type FederationCredentials = Omit<Credentials, 'expiration'>;

const CONSOLE_HOST: Record<Partition, string> = {
  aws: 'console.aws.amazon.com',
  'aws-cn': 'console.amazonaws.cn',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
};

const DEFAULT_REGION: Record<Partition, string> = {
  aws: 'us-east-1',
  'aws-cn': 'cn-north-1',
  'aws-us-gov': 'us-gov-west-1',
};

/** A console URL from a full URL or a service name (`s3`, `cloudwatch`, `ec2`…). */
export function consoleDestination(
  destination: string | undefined,
  partition: Partition,
  region?: string,
): string {
  const host = CONSOLE_HOST[partition];
  if (destination && /^https:\/\//.test(destination)) return destination;
  if (destination && !/^[a-z0-9-]+(\/[\w\-./#?=&]*)?$/i.test(destination)) {
    throw new UsageError(`invalid --destination "${destination}"`, {
      hint: 'give a console URL (https://…) or a service name such as s3, ec2, cloudwatch',
    });
  }
  const r = region ?? DEFAULT_REGION[partition];
  if (!destination) return `https://${r}.${host}/console/home?region=${r}`;
  const [service, ...rest] = destination.split('/');
  const suffix = rest.length > 0 ? rest.join('/') : `home?region=${r}`;
  return `https://${r}.${host}/${service!.toLowerCase()}/${suffix}`;
}

export interface ConsoleUrlOptions {
  credentials: FederationCredentials;
  partition?: Partition;
  region?: string;
  destination?: string;
  /** Only for credentials not obtained by role chaining: the federation endpoint refuses it otherwise. */
  sessionDurationSeconds?: number;
  issuer?: string;
  env: Env;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

/** Exchanges the credentials for a sign-in token and returns the console login URL. */
export async function consoleSigninUrl(options: ConsoleUrlOptions): Promise<string> {
  const region = options.region;
  const partition = options.partition ?? (region ? partitionOfRegion(region) : 'aws');
  const endpointRegion = region ?? DEFAULT_REGION[partition];
  const base = `${signinEndpoint(endpointRegion, options.env)}/federation`;
  const { credentials } = options;
  if (!credentials.sessionToken) {
    throw new UsageError('the console needs temporary credentials (with a session token)', {
      hint: 'use an SSO or assume-role profile rather than long-term access keys',
    });
  }
  const duration = options.sessionDurationSeconds;
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 900 || duration > 43200)) {
    throw new UsageError(`console session duration must be 900–43200 seconds, not ${duration}`);
  }
  const session = JSON.stringify({
    sessionId: credentials.accessKeyId,
    sessionKey: credentials.secretAccessKey,
    sessionToken: credentials.sessionToken,
  });
  const query = new URLSearchParams({ Action: 'getSigninToken' });
  if (duration !== undefined) query.set('SessionDuration', String(duration));
  query.set('Session', session);
  let response: Response;
  try {
    response = await (options.fetchImpl ?? fetch)(`${base}?${query}`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
  } catch (error) {
    throw new NetworkError(`could not reach the AWS sign-in endpoint ${new URL(base).origin}`, {
      cause: error,
    });
  }
  const body = await response.text();
  if (response.status >= 500) throw new NetworkError(`the AWS sign-in endpoint answered ${response.status}`);
  let token: unknown;
  try {
    token = (JSON.parse(body) as { SigninToken?: unknown }).SigninToken;
  } catch {
    token = undefined;
  }
  if (!response.ok || typeof token !== 'string' || token === '') {
    throw new AccessDeniedError(
      `the AWS sign-in endpoint refused these credentials (HTTP ${response.status})`,
      {
        hint: 'role-chained credentials cannot be used with a session duration; check that the role may sign in',
      },
    );
  }
  const login = new URLSearchParams({
    Action: 'login',
    Issuer: options.issuer ?? 'rolehop',
    Destination: consoleDestination(options.destination, partition, region),
    SigninToken: token,
  });
  return `${base}?${login}`;
}
