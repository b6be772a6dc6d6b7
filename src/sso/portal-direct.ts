import type { ClientSettings } from '../config/endpoints.ts';

// GetRoleCredentials without the SDK client, for the first attempt of a cold SSO call: loading and
// running the SDK's client is most of such a call beyond Node's start (bench/RESULTS.md, seventh
// round). It is one unsigned GET with a bearer header (aws-protocols.md §2): nothing to sign, so no
// clock to correct. The SDK stays the judge of everything but a plain success: portal.ts hands any
// other answer to the SDK client's own deserialiser, a failed exchange ends in the same Node errors
// the SDK's HTTP handler throws, later attempts are the SDK's, and so is any endpoint but an explicit
// one or the commercial partition's standard one (FIPS, dual-stack, China, GovCloud, ISO).

/** The `aws` partition's region pattern in the SDK's partitions data; other partitions' names fail it. */
const COMMERCIAL_REGION = /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/;
/** An explicit endpoint the SDK would use as it is: scheme, host, optional path; no query or user. */
const PLAIN_ENDPOINT = /^https?:\/\/[^/?#@\s]+(\/[^?#\s]*)?$/i;

/**
 * Where rolehop may call the portal itself (the URL the SDK's endpoint rules give, a test compares
 * them), or undefined: then every call goes through the SDK client.
 */
export function directPortalUrl(
  region: string,
  settings: Pick<ClientSettings, 'endpoint' | 'useFipsEndpoint' | 'useDualstackEndpoint'>,
): string | undefined {
  if (settings.endpoint !== undefined) {
    return PLAIN_ENDPOINT.test(settings.endpoint) ? settings.endpoint : undefined;
  }
  if (settings.useFipsEndpoint || settings.useDualstackEndpoint || !COMMERCIAL_REGION.test(region)) {
    return undefined;
  }
  return `https://portal.sso.${region}.amazonaws.com`;
}

/** A portal answer as the SDK's handler gives it to the deserialiser (header values joined by commas). */
export interface PortalAnswer {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
}

export interface DirectCallOptions {
  /** Until connected, and until the whole answer is in (the SDK's handler settings of the call). */
  connectionTimeout: number;
  requestTimeout: number;
  /** The SDK's app id setting, added to the User-Agent as the SDK adds it. */
  userAgentAppId: string;
  signal?: AbortSignal;
  /** Called once the request is written, for work that can run while the answer travels. */
  onSent?: () => void;
}

/** The SDK's User-Agent escaping: anything outside an HTTP token's characters becomes '-'. */
const uaToken = (text: string) => text.replace(/[^!#$%&'*+\-.^_`|~\w]/g, '-');

/** An error as the SDK's handler makes it, so retries and messages treat both alike. */
const handlerError = (message: string, name: string, code?: string) =>
  Object.assign(new Error(message), { name, ...(code ? { code } : {}) });

/** One GetRoleCredentials exchange; resolves with whatever the portal answered. */
export async function requestRoleCredentials(
  base: string,
  call: { accessToken: string; accountId: string; roleName: string },
  options: DirectCallOptions,
): Promise<PortalAnswer> {
  const url = new URL(
    `${base}/federation/credentials?role_name=${encodeURIComponent(call.roleName)}&account_id=${encodeURIComponent(call.accountId)}`,
  );
  // Only the scheme in use is loaded: https brings tls with it.
  const transport = url.protocol === 'https:' ? await import('node:https') : await import('node:http');
  const appId = options.userAgentAppId ? ` app/${uaToken(options.userAgentAppId)}` : '';
  return new Promise<PortalAnswer>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(handlerError('Request aborted', 'AbortError'));
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const fail = (error: Error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      req.destroy();
      reject(error);
    };
    const onAbort = () => fail(handlerError('Request aborted', 'AbortError'));
    const req = transport.request(
      url,
      {
        method: 'GET',
        // A one-off connection, as the SDK's own agent would not be reused by this process either.
        agent: false,
        headers: {
          'x-amz-sso_bearer_token': call.accessToken,
          'user-agent': `rolehop md/nodejs#${uaToken(process.versions.node)} api/sso${appId}`,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', onAbort);
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
          }
          resolve({ statusCode: res.statusCode ?? -1, headers, body: Buffer.concat(chunks) });
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      // The SDK's handler renames these so, and rolehop's retries read either name.
      fail(
        ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(error.code ?? '')
          ? Object.assign(error, { name: 'TimeoutError' })
          : error,
      ),
    );
    req.on('socket', (socket) => {
      if (!socket.connecting) return;
      const connecting = setTimeout(
        () =>
          fail(
            handlerError(
              `the request socket did not establish a connection with the server within the configured timeout of ${options.connectionTimeout} ms.`,
              'TimeoutError',
            ),
          ),
        options.connectionTimeout,
      );
      socket.once('connect', () => clearTimeout(connecting));
      socket.once('close', () => clearTimeout(connecting));
    });
    timer = setTimeout(
      () =>
        fail(
          handlerError(
            `a request has exceeded the configured ${options.requestTimeout} ms requestTimeout.`,
            'TimeoutError',
            'ETIMEDOUT',
          ),
        ),
      options.requestTimeout,
    );
    options.signal?.addEventListener('abort', onAbort, { once: true });
    if (options.onSent) req.once('finish', options.onSent);
    req.end();
  });
}

/** What GetRoleCredentials returns, as the SDK client's output carries it. */
export interface RoleCredentialsOutput {
  roleCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: number };
}

/**
 * The output of a plain success: status 200 and JSON whose four fields have the portal's types.
 * Anything else is undefined, for the SDK's deserialiser to read as it would have.
 */
export function plainSuccess(answer: PortalAnswer): RoleCredentialsOutput | undefined {
  if (answer.statusCode !== 200) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body.toString('utf8'));
  } catch {
    return undefined;
  }
  const c = (parsed as { roleCredentials?: Record<string, unknown> } | null)?.roleCredentials;
  if (
    typeof c !== 'object' ||
    c === null ||
    typeof c.accessKeyId !== 'string' ||
    typeof c.secretAccessKey !== 'string' ||
    typeof c.sessionToken !== 'string' ||
    typeof c.expiration !== 'number'
  ) {
    return undefined;
  }
  return {
    roleCredentials: {
      accessKeyId: c.accessKeyId,
      secretAccessKey: c.secretAccessKey,
      sessionToken: c.sessionToken,
      expiration: c.expiration,
    },
  };
}
