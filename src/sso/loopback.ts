import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { InterruptedError, SignInRequiredError } from '../util/errors.ts';
import { secretsEqual } from '../util/secret-compare.ts';
import { terminalSafe } from '../util/terminal-text.ts';

// The PKCE redirect target: bound on 127.0.0.1:0 before the browser opens and held until the flow
// ends, so no other process can grab the port between bind and use.

export interface LoopbackOptions {
  state: string;
  timeoutMs: number;
  signal?: AbortSignal;
  /** For messages: `rolehop login --sso-session X`. */
  retryCommand: string;
}

export interface LoopbackListener {
  port: number;
  redirectUri: string;
  /** Resolves with the authorization code; rejects on error, denial, timeout or interruption. */
  code: Promise<string>;
  close(): Promise<void>;
}

const PAGE_STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}h1{font-size:1.4rem}';

function page(title: string, text: string): string {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html><html><head><meta charset="utf-8"><title>${esc(title)}</title><style>${PAGE_STYLE}</style></head><body><h1>${esc(title)}</h1><p>${esc(text)}</p></body></html>`;
}

/** Callback text for the terminal: no controls, and short (it is only a reason, not a page). */
function callbackText(value: string | null): string {
  return terminalSafe(value ?? '').slice(0, 200);
}

function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

export async function startLoopbackListener(options: LoopbackOptions): Promise<LoopbackListener> {
  let settle!: { resolve: (code: string) => void; reject: (e: Error) => void };
  const code = new Promise<string>((resolve, reject) => {
    settle = { resolve, reject };
  });
  code.catch(() => {}); // handled by the awaiting caller; avoid an unhandled rejection before then
  let done = false;
  const finish = (result: { code: string } | { error: Error }) => {
    if (done) return;
    done = true;
    if ('code' in result) settle.resolve(result.code);
    else settle.reject(result.error);
  };

  const server = http.createServer((req, res) => {
    const send = (status: number, title: string, text: string) => {
      res.writeHead(status, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'close',
      });
      res.end(page(title, text));
    };
    const port = (server.address() as AddressInfo).port;
    if (req.method !== 'GET' || !isLoopbackHost(req.headers.host, port)) return send(400, 'Bad request', '');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname !== '/oauth/callback') return send(404, 'Not found', '');
    const q = url.searchParams;
    if (done)
      return send(400, 'Already used', 'This sign-in link was already used. Return to your terminal.');
    const state = q.get('state');
    // A callback without our state is not from our sign-in (another local user can find the port):
    // refuse it, success or error alike, and keep waiting for the real one.
    if (state === null || !secretsEqual(state, options.state))
      return send(400, 'Sign-in failed', 'The state did not match.');
    if (q.has('error')) {
      const reason = callbackText(q.get('error')) || 'error';
      const description = callbackText(q.get('error_description'));
      send(200, 'Sign-in failed', `Sign-in did not complete (${reason}). You can close this tab.`);
      const denied = reason === 'access_denied';
      return finish({
        error: new SignInRequiredError(
          denied
            ? 'sign-in was denied in the browser'
            : `sign-in failed in the browser: ${reason}${description ? ` (${description})` : ''}`,
          { hint: `to try again, run: ${options.retryCommand}` },
        ),
      });
    }
    const got = q.get('code');
    if (!got) return send(400, 'Bad request', 'Missing code.');
    send(
      200,
      'Signed in',
      'You are signed in to rolehop. You can close this tab and return to your terminal.',
    );
    finish({ code: got });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const timer = setTimeout(() => {
    finish({
      error: new SignInRequiredError(
        `timed out after ${Math.round(options.timeoutMs / 1000)}s waiting for the browser sign-in`,
        { hint: `run ${options.retryCommand} again (or add --device-code)` },
      ),
    });
  }, options.timeoutMs);
  const onAbort = () => finish({ error: new InterruptedError('sign-in interrupted') });
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();

  return {
    port,
    redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    code,
    close: () =>
      new Promise<void>((resolve) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        finish({ error: new InterruptedError('sign-in listener closed') });
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
