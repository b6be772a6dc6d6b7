// The agent's HTTP endpoint on 127.0.0.1: `GET /<target id>` answers container credentials to the
// holder of that target's token; `/_agent/*` is the control API for the user's own rolehop
// commands, authorized by the secret in the state file. Same checks as `serve`: loopback Host only
// (DNS rebinding), constant-time token comparison, no secret in any log line.

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Credentials } from '../util/credentials.ts';
import { NetworkError, RolehopError, SignInRequiredError } from '../util/errors.ts';
import { redactText } from '../util/redact.ts';
import { secretsEqual } from '../util/secret-compare.ts';
import type { AgentTargetRecord } from './agent-state.ts';
import { tokenMatchesHash } from './agent-state.ts';
import { containerResponseBody, isLoopbackHostHeader } from './credential-server.ts';

export interface AgentServerOptions {
  /** The port to try first (the one old shells point at); 0 or taken: any free port. */
  preferredPort: number;
  secret: string;
  findTarget(id: string): AgentTargetRecord | undefined;
  getCredentials(target: AgentTargetRecord): Promise<Credentials>;
  /** Control requests; each returns the JSON to answer. */
  control: {
    status(): object;
    register(body: unknown): Promise<object>;
    stop(): object;
  };
  onRequest?: (entry: { method: string; path: string; status: number }) => void;
  onError?: (error: unknown, target: AgentTargetRecord) => void;
}

export interface AgentServer {
  port: number;
  close(): Promise<void>;
}

/** Largest control body accepted: a Plan with a few hops is well under this. */
const MAX_BODY_BYTES = 64 * 1024;

function send(res: http.ServerResponse, status: number, body: object | string): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/**
 * An error answer both SDK families show: botocore puts the body text in its error, the JS SDK's
 * fromHttp copies `Code` and `Message` onto its error; `message` matches serve's answers.
 */
function errorBody(code: string, message: string): object {
  return { Code: code, Message: message, message };
}

/** What a failed fetch answers: short, never a secret; the sign-in case names its fix. */
export function agentFailureOf(error: unknown): { status: number; body: object } {
  if (error instanceof SignInRequiredError) {
    const hint = error.hint ? ` (${error.hint})` : ' (run rolehop login)';
    return { status: 503, body: errorBody('SignInRequired', `rolehop: sign-in needed${hint}`) };
  }
  if (error instanceof NetworkError)
    return {
      status: 503,
      body: errorBody('ServiceUnavailable', 'rolehop: credentials temporarily unavailable'),
    };
  if (error instanceof RolehopError)
    return {
      status: 500,
      body: errorBody('RolehopError', `rolehop: ${redactText(error.message).slice(0, 300)}`),
    };
  return {
    status: 500,
    body: errorBody('InternalError', 'rolehop: internal error while getting credentials'),
  };
}

function readBody(req: http.IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

async function handleControl(
  options: AgentServerOptions,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  route: string,
): Promise<void> {
  const presented = req.headers.authorization;
  if (presented === undefined || !secretsEqual(presented, options.secret))
    return send(res, 403, errorBody('Forbidden', 'wrong control secret'));
  if (route === 'status' && req.method === 'GET') return send(res, 200, options.control.status());
  if (route === 'stop' && req.method === 'POST') return send(res, 200, options.control.stop());
  if (route === 'targets' && req.method === 'POST') {
    let body: unknown;
    try {
      body = await readBody(req);
    } catch {
      return send(res, 400, errorBody('BadRequest', 'malformed body'));
    }
    return send(res, 200, await options.control.register(body));
  }
  return send(res, 404, errorBody('NotFound', 'no such control request'));
}

async function handle(
  options: AgentServerOptions,
  port: number,
  req: http.IncomingMessage,
  res: http.ServerResponse,
) {
  if (!isLoopbackHostHeader(req.headers.host, port))
    return send(res, 403, errorBody('Forbidden', 'forbidden host'));
  const raw = (req.url ?? '/').split('?')[0]!;
  const control = /^\/_agent\/([a-z]+)$/.exec(raw);
  if (control) return handleControl(options, req, res, control[1]!);
  const presented = req.headers.authorization;
  if (presented === undefined)
    return send(res, 401, errorBody('Unauthorized', 'missing Authorization token'));
  const id = /^\/([A-Za-z0-9_-]{1,64})$/.exec(raw)?.[1];
  const target = id === undefined ? undefined : options.findTarget(id);
  if (!target) {
    return send(
      res,
      404,
      errorBody('NotFound', 'rolehop agent: no such target; run eval "$(rolehop env PROFILE --agent)" again'),
    );
  }
  if (!tokenMatchesHash(presented, target.tokenSha256))
    return send(res, 403, errorBody('Forbidden', 'wrong Authorization token for this target'));
  if (req.method !== 'GET') return send(res, 405, errorBody('MethodNotAllowed', 'only GET is allowed'));
  let creds: Credentials;
  try {
    creds = await options.getCredentials(target);
  } catch (error) {
    options.onError?.(error, target);
    const { status, body } = agentFailureOf(error);
    return send(res, status, body);
  }
  send(res, 200, containerResponseBody(creds));
}

function listen(server: http.Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function startAgentServer(options: AgentServerOptions): Promise<AgentServer> {
  let port = 0;
  const server = http.createServer((req, res) => {
    if (options.onRequest) {
      const method = req.method ?? '?';
      const path = (req.url ?? '/').split('?')[0]!.slice(0, 100);
      res.once('finish', () => options.onRequest?.({ method, path, status: res.statusCode }));
    }
    handle(options, port, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, errorBody('InternalError', 'internal error'));
      else res.destroy();
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 60_000;
  server.keepAliveTimeout = 5_000;
  try {
    await listen(server, options.preferredPort);
  } catch (error) {
    // Old shells point at the preferred port; when another program took it they must re-export.
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || options.preferredPort === 0) throw error;
    await listen(server, 0);
  }
  port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
