import { NetworkError, RolehopError } from '../util/errors.ts';

// What the sso layer needs to know about an AWS SDK error, without importing the SDK.

export interface SdkErrorInfo {
  /** Modelled exception name (`UnauthorizedException`) or the Node error code. */
  name: string;
  status?: number;
  message: string;
}

export function sdkErrorInfo(error: unknown): SdkErrorInfo {
  const e = error as {
    name?: string;
    code?: string;
    message?: string;
    error?: string;
    $metadata?: { httpStatusCode?: number };
    $response?: { statusCode?: number };
  };
  const status = e?.$metadata?.httpStatusCode ?? e?.$response?.statusCode;
  return {
    name: e?.name && e.name !== 'Error' ? e.name : (e?.code ?? 'Error'),
    ...(status ? { status } : {}),
    message: e?.message ?? String(error),
  };
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
]);

/** No answer at all (connection refused, DNS, timeout): the network is down or the endpoint wrong. */
export function isNetworkFailure(error: unknown): boolean {
  if (error instanceof RolehopError) return false;
  const e = error as {
    name?: string;
    code?: string;
    $metadata?: { httpStatusCode?: number };
    cause?: unknown;
  };
  if (e?.$metadata?.httpStatusCode) return false;
  if (NETWORK_CODES.has(e?.code ?? '') || NETWORK_CODES.has(e?.name ?? '')) return true;
  return e?.cause !== undefined && e.cause !== error ? isNetworkFailure(e.cause) : false;
}

export function networkError(what: string, endpoint: string, error: unknown): NetworkError {
  const info = sdkErrorInfo(error);
  return new NetworkError(`${what} failed: could not reach ${endpoint} (${info.name}: ${info.message})`, {
    hint: 'check the network connection and any AWS_ENDPOINT_URL_* overrides',
    cause: error,
  });
}
