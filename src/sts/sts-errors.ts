import {
  AccessDeniedError,
  ConfigError,
  InterruptedError,
  NetworkError,
  RolehopError,
  UsageError,
} from '../util/errors.ts';
import { redactText } from '../util/redact.ts';

/** The keys used to call STS were refused: expired, unknown or mistyped. Exit 1. */
export class SourceCredentialsError extends RolehopError {}

interface SdkErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

export interface StsErrorContext {
  action: 'AssumeRole' | 'AssumeRoleWithWebIdentity' | 'GetCallerIdentity';
  /** The web identity token's file, for AssumeRoleWithWebIdentity. */
  tokenFile?: string;
  roleArn?: string;
  profile?: string;
  endpoint: string;
  /** Names the call in full when given: "AssumeRole hop 2 of prod-deploy (dev -> Deploy)". */
  label?: string;
}

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'SlowDown',
]);
const BAD_SOURCE = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'IncompleteSignature',
]);

/** AssumeRoleWithWebIdentity's answers about the token itself. */
const WEB_TOKEN_REFUSED = new Set([
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
  'IDPRejectedClaim',
  'IDPRejectedClaimException',
  'IDPCommunicationError',
  'IDPCommunicationErrorException',
]);

/** Turns an SDK failure into the typed error whose exit code and hint the CLI shows. */
export function mapStsError(error: unknown, ctx: StsErrorContext): Error {
  if (error instanceof RolehopError) return error;
  const e = (error ?? {}) as SdkErrorLike;
  const name = e.name ?? '';
  const detail = redactText(String(e.message ?? error)).split('\n')[0];
  const what =
    ctx.label ??
    (ctx.roleArn
      ? `${ctx.action} ${ctx.roleArn}${ctx.profile ? ` (profile ${ctx.profile})` : ''}`
      : ctx.action);
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  if (name === 'AbortError') return new InterruptedError(`${what} was interrupted`, { cause: error });
  if (name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new AccessDeniedError(`${what} was denied: ${detail}`, {
      hint: `check that the source identity may call sts:AssumeRole on ${ctx.roleArn ?? 'this role'} and that the role trusts it (trust policy, external id, MFA)`,
      cause: error,
    });
  }
  if (ctx.tokenFile !== undefined && WEB_TOKEN_REFUSED.has(name)) {
    return new SourceCredentialsError(`${what}: the web identity token was refused (${name}: ${detail})`, {
      hint: `the token in ${ctx.tokenFile} is expired or not trusted by the role: let the platform write a fresh one (CI job token, EKS projected token), and check the role's trust policy (issuer, audience, subject)`,
      cause: error,
    });
  }
  if (BAD_SOURCE.has(name)) {
    return new SourceCredentialsError(`${what}: the source credentials were refused (${name}: ${detail})`, {
      hint: 'the keys used for this call are expired or invalid: renew them (rolehop login, or fix the static keys / credential source of the profile)',
      cause: error,
    });
  }
  const retriesNote = attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '';
  if (THROTTLING.has(name)) {
    return new NetworkError(`${what}: STS throttled the request${retriesNote} (${detail})`, {
      hint: 'too many calls at once: wait a moment and try again',
      cause: error,
    });
  }
  if (
    name === 'TimeoutError' ||
    (e.code && /^E[A-Z]+$/.test(e.code)) ||
    (status !== undefined && status >= 500)
  ) {
    const why =
      name === 'TimeoutError'
        ? 'no answer in time'
        : status !== undefined && status >= 500
          ? `server error HTTP ${status}`
          : (e.code ?? 'network error');
    return new NetworkError(`${what}: could not reach STS at ${ctx.endpoint}${retriesNote} (${why})`, {
      hint: 'check the network, a proxy, or AWS_ENDPOINT_URL_STS / the profile endpoint_url, then try again',
      cause: error,
    });
  }
  if (name === 'RegionDisabledException') {
    return new ConfigError(`${what}: STS is not activated in this region (${detail})`, {
      hint: 'set a region where STS is active (--region or the profile region), or activate it in IAM account settings',
      cause: error,
    });
  }
  if (name === 'ValidationError' || name === 'MalformedPolicyDocument' || name === 'PackedPolicyTooLarge') {
    return new UsageError(`${what} was refused as invalid: ${detail}`, {
      hint: 'check the hop settings (duration, session name, tags, external id)',
      cause: error,
    });
  }
  return new RolehopError(`${what} failed: ${name ? `${name}: ` : ''}${detail}`, { cause: error });
}
