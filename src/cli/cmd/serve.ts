import { SERVE_MIN_TTL_SECONDS } from '../../server/credential-server.ts';
import {
  containerCredentialsEnv,
  type ServedCredentials,
  startCredentialServer,
} from '../../server/index.ts';
import { UsageError } from '../../util/errors.ts';
import { runChild } from '../child.ts';
import {
  type CredentialInput,
  credentialsOf,
  isTerminal,
  parseCredentialInput,
  targetOf,
} from '../command-target.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, textOf } from '../spec.ts';

/** Credentials for the server's target, fetched again (through the cache) on every request. */
export type CredentialsFor = () => Promise<ServedCredentials>;

export interface ServeRequest {
  /** 0: any free port. */
  port: number;
  /** Empty: print the variables to export and serve until Ctrl-C. */
  command: string[];
  /** What is served, for messages (`profile prod`, `the selected role`). */
  label: string;
}

/** `--port`: a whole number 0–65535 (0 = any free port). */
export function parsePort(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65535) {
    throw new UsageError(`invalid --port "${raw}"`, {
      hint: 'give a port number from 1 to 65535, or leave --port out for any free port',
    });
  }
  return Number(raw);
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * The endpoint itself: fails early (before printing or starting anything) when no credentials can
 * be had, then serves them, asking `credentialsFor` on every request so that refreshes happen
 * whenever the cache says the credentials are close to expiry.
 */
export async function serveCredentials(
  request: ServeRequest,
  deps: Deps,
  credentialsFor: CredentialsFor,
): Promise<number> {
  await credentialsFor();
  const server = await startCredentialServer({
    port: request.port,
    getCredentials: async () => {
      const creds = await credentialsFor();
      deps.log.debug(
        `serve: credentials for ${request.label}` +
          (creds.expiration ? `, expiring ${creds.expiration.toISOString()}` : ''),
      );
      return creds;
    },
    onRequest: ({ method, path, status }) => deps.log.debug(`serve: ${method} ${path} -> ${status}`),
    onError: (error) => {
      deps.log.warn(`could not get credentials for ${request.label}: ${(error as Error)?.message ?? error}`);
    },
  });
  try {
    const endpoint = { url: server.url, token: server.token };
    if (request.command.length > 0) {
      deps.log.debug(`serve: ${request.label} on ${server.url} for ${request.command[0]}`);
      // SIGINT is not passed on: Ctrl-C reaches CMD through the terminal already.
      const env = containerCredentialsEnv(deps.env, endpoint);
      return await runChild(request.command, { env, cwd: deps.cwd, forwardSigint: false }, deps);
    }
    // The token is printed on purpose: it is what the user exports. Messages go to stderr.
    deps.stdout.write(
      `export AWS_CONTAINER_CREDENTIALS_FULL_URI=${endpoint.url}\n` +
        `export AWS_CONTAINER_AUTHORIZATION_TOKEN=${endpoint.token}\n`,
    );
    deps.log.info(
      `Serving credentials for ${request.label} on ${server.url}. ` +
        'Unset AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_PROFILE where you export these. Press Ctrl-C to stop.',
    );
    await waitForAbort(deps.signal);
    return 130;
  } finally {
    await server.close();
  }
}

/** What serve acts on, typed: the command line is read once, in parseServeInput. */
export interface ServeInput {
  /** 0: any free port. */
  port: number;
  /** After `--`; empty: print the variables to export and serve until Ctrl-C. */
  command: string[];
  /** --min-ttl defaults to SERVE_MIN_TTL_SECONDS. */
  credentials: CredentialInput;
}

export function parseServeInput(raw: CommandInput): ServeInput {
  const port = parsePort(textOf(raw, 'port'));
  const credentials = parseCredentialInput(raw, 'serve');
  return {
    port,
    command: raw.rest,
    credentials: { ...credentials, minTtlSeconds: credentials.minTtlSeconds ?? SERVE_MIN_TTL_SECONDS },
  };
}

export async function serve(input: ServeInput, deps: Deps): Promise<number> {
  const target = await targetOf(input.credentials, deps, 'serve');
  let started = false;
  // Only the target it was started for: the token is handed to CMD, which must not reach other roles.
  const credentialsFor: CredentialsFor = async () => {
    // Only the first fetch, with the user watching, may open a browser to sign in.
    const allowLogin = !started && isTerminal(deps);
    const creds = await credentialsOf(target, input.credentials, deps, { allowLogin });
    started = true;
    return creds;
  };
  return serveCredentials(
    { port: input.port, command: input.command, label: target.label },
    deps,
    credentialsFor,
  );
}

export const run: CommandRun = (raw, deps) => serve(parseServeInput(raw), deps);
