// ECS-compatible credential endpoint on loopback (aws-protocols.md §6): SDKs in child processes
// fetch (and refresh) credentials from it, given AWS_CONTAINER_CREDENTIALS_FULL_URI and the token.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Credentials } from '../util/credentials.ts';
import { NetworkError, RolehopError, SignInRequiredError, UsageError } from '../util/errors.ts';
import { formatIsoSeconds } from '../util/iso-time.ts';
import { redactText, registerSecret } from '../util/redact.ts';
import { secretsEqual } from '../util/secret-compare.ts';
import { newServerToken } from './token.ts';

/** What `getCredentials` resolves to (the shape of src/emit's Credentials). */
export type ServedCredentials = Credentials;

export interface CredentialServerOptions {
  /**
   * Called per authorised request for `/`, the only path served: one server (one token) hands out
   * one set of credentials, so a client that finds the token gets nothing it was not given.
   */
  getCredentials: () => Promise<ServedCredentials>;
  /** 0 or absent: any free port. */
  port?: number;
  /** Only loopback is allowed: `127.0.0.1` (the default) or `localhost`. */
  host?: string;
  /** Told about each failed getCredentials, for logging; the client sees only a short message. */
  onError?: (error: unknown) => void;
  /** Told about each answered request (method, path without query, status), for --debug logs. */
  onRequest?: (entry: { method: string; path: string; status: number }) => void;
}

export interface CredentialServer {
  /** `http://127.0.0.1:<port>/`: the one URL that serves credentials. */
  url: string;
  port: number;
  token: string;
  address(): AddressInfo;
  close(): Promise<void>;
}

/**
 * Served credentials (serve's endpoint, the agent's) are renewed once they have less than this left:
 * above botocore's 15-minute advisory refresh window, so a refreshing SDK is never handed the
 * credentials it is replacing.
 */
export const SERVE_MIN_TTL_SECONDS = 16 * 60;

const LOOPBACK_BIND_HOSTS = new Set(['127.0.0.1', 'localhost']);

/** True when a Host header names this server by a loopback name; anything else may be DNS rebinding. */
export function isLoopbackHostHeader(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return h === `127.0.0.1:${port}` || h === `localhost:${port}` || h === `[::1]:${port}`;
}

export function containerResponseBody(creds: ServedCredentials): string {
  const body: Record<string, string> = {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
  };
  if (creds.sessionToken) body.Token = creds.sessionToken;
  if (creds.expiration) body.Expiration = formatIsoSeconds(creds.expiration.getTime());
  return JSON.stringify(body);
}

function send(
  res: http.ServerResponse,
  status: number,
  body: object | string,
  headers: http.OutgoingHttpHeaders = {},
) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** The client-facing status and message for a failure: short, and never a secret. */
function failureOf(error: unknown): { status: number; message: string } {
  if (error instanceof SignInRequiredError)
    return { status: 503, message: 'sign-in needed: run rolehop login' };
  if (error instanceof NetworkError) return { status: 503, message: 'credentials temporarily unavailable' };
  if (error instanceof RolehopError) return { status: 500, message: redactText(error.message).slice(0, 200) };
  return { status: 500, message: 'internal error while getting credentials' };
}

export async function startCredentialServer(options: CredentialServerOptions): Promise<CredentialServer> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK_BIND_HOSTS.has(host)) {
    throw new UsageError(`the credential server listens on loopback only, not on "${host}"`, {
      hint: 'leave the host out (127.0.0.1 is used)',
    });
  }
  const wanted = options.port ?? 0;
  if (!Number.isInteger(wanted) || wanted < 0 || wanted > 65535) {
    throw new UsageError(`invalid port ${wanted}`, {
      hint: 'use a port from 1 to 65535, or leave it out for any free one',
    });
  }
  const token = newServerToken();
  registerSecret(token);
  let port = 0;

  const server = http.createServer(async (req, res) => {
    if (options.onRequest) {
      const method = req.method ?? '?';
      const path = (req.url ?? '/').split('?')[0]!.slice(0, 200);
      res.once('finish', () => options.onRequest?.({ method, path, status: res.statusCode }));
    }
    try {
      if (!isLoopbackHostHeader(req.headers.host, port)) return send(res, 403, { message: 'forbidden host' });
      const presented = req.headers.authorization;
      if (presented === undefined) return send(res, 401, { message: 'missing Authorization token' });
      if (!secretsEqual(presented, token)) return send(res, 403, { message: 'wrong Authorization token' });
      if (req.method !== 'GET') return send(res, 405, { message: 'only GET is allowed' }, { Allow: 'GET' });
      // ECS clients use AWS_CONTAINER_CREDENTIALS_FULL_URI as given: `/`, perhaps with a query.
      if ((req.url ?? '/').split('?')[0] !== '/') return send(res, 404, { message: 'not found' });
      let creds: ServedCredentials;
      try {
        creds = await options.getCredentials();
      } catch (error) {
        options.onError?.(error);
        const { status, message } = failureOf(error);
        return send(res, status, { message });
      }
      send(res, 200, containerResponseBody(creds));
    } catch {
      if (!res.headersSent) send(res, 500, { message: 'internal error' });
      else res.destroy();
    }
  });
  // Slow or idle clients must not hold the process open.
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        reject(
          new RolehopError(`port ${wanted} on 127.0.0.1 is already in use`, {
            hint: 'choose another with --port, or leave --port out for any free one',
            cause: error,
          }),
        );
      } else if (error.code === 'EACCES') {
        reject(
          new RolehopError(`not allowed to listen on port ${wanted}`, {
            hint: 'use a port above 1023',
            cause: error,
          }),
        );
      } else reject(error);
    };
    server.once('error', fail);
    server.listen({ host: '127.0.0.1', port: wanted, exclusive: true }, () => {
      server.off('error', fail);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  port = address.port;
  const url = `http://127.0.0.1:${port}/`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    address: () => server.address() as AddressInfo,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
