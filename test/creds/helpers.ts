import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { Credentials, RunPlanDeps, SsoSource } from '../../src/creds/types.ts';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import type { Logger } from '../../src/util/log.ts';

let serial = 0;

/** A stand-in for the sso layer: new credentials per call, counted. */
export function fakeSso(options: { lifetimeMs?: number; now?: () => number } = {}) {
  const calls: SsoSource[] = [];
  return {
    calls,
    getRoleCredentials: async (source: SsoSource): Promise<Credentials> => {
      calls.push(source);
      serial++;
      const now = options.now?.() ?? Date.now();
      return {
        accessKeyId: `ASIAFAKESSO${String(serial).padStart(9, '0')}`,
        secretAccessKey: `fake-sso-secret-${process.pid}-${serial}-xxxxxxxx`,
        sessionToken: `fake-sso-token-${process.pid}-${serial}-xxxxxxxx`,
        expiration: new Date(now + (options.lifetimeMs ?? 3600_000)),
      };
    },
  };
}

/** A logger that keeps what it was told. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    debugEnabled: true,
    debug: (m) => lines.push(`debug: ${m}`),
    info: (m) => lines.push(m),
    warn: (m) => lines.push(`warning: ${m}`),
  };
}

/**
 * The SSO token file a real sign-in leaves: cached SSO credentials are served only while it exists.
 * A fake SSO provider stands for a signed-in session, so it needs one too.
 */
export function writeSignedInToken(env: Record<string, string | undefined>, source: SsoSource): string {
  const file = tokenCachePath(env, {
    ...(source.session ? { name: source.session } : {}),
    startUrl: source.startUrl,
  });
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(file, '{}', { mode: 0o600 });
  }
  return file;
}

export function baseDeps(env: Record<string, string>, extra: Partial<RunPlanDeps> = {}): RunPlanDeps {
  const sso = extra.sso;
  return {
    env,
    now: () => Date.now(),
    log: memoryLogger(),
    ...extra,
    ...(sso
      ? {
          sso: {
            getRoleCredentials: (source, options) => {
              writeSignedInToken(env, source);
              return sso.getRoleCredentials(source, options);
            },
          },
        }
      : {}),
  };
}

/**
 * A proxy in front of moto that counts STS calls per action (moto has no request counter).
 * A call is one SDK invocation (amz-sdk-invocation-id): its retries on a slow machine are not
 * extra calls; `attempts` counts every request.
 */
export async function countingStsProxy(t: TestContext, target: string) {
  const counts: Record<string, number> = {};
  const attempts: Record<string, number> = {};
  const invocations = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const action = /(?:^|&)Action=(\w+)/.exec(body.toString('utf8'))?.[1] ?? 'other';
      attempts[action] = (attempts[action] ?? 0) + 1;
      const invocation = String(req.headers['amz-sdk-invocation-id'] ?? Math.random());
      if (!invocations.has(invocation)) {
        invocations.add(invocation);
        counts[action] = (counts[action] ?? 0) + 1;
      }
      const headers = { ...req.headers } as Record<string, string>;
      delete headers.host;
      delete headers['content-length'];
      const started = Date.now();
      if (process.env.PROXY_DEBUG) process.stderr.write(`proxy ${action} start\n`);
      try {
        const answer = await fetch(`${target}${req.url}`, {
          method: req.method,
          headers,
          body: req.method === 'GET' ? undefined : body,
        });
        res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/xml' });
        res.end(Buffer.from(await answer.arrayBuffer()));
        if (process.env.PROXY_DEBUG)
          process.stderr.write(`proxy ${action} ${answer.status} ${Date.now() - started}ms\n`);
      } catch {
        res.writeHead(502).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, counts, attempts };
}

export function fileMode(file: string): number {
  return fs.statSync(file).mode & 0o777;
}
