import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { request } from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { secretsEqual } from '../../src/util/secret-compare.ts';
import { repoRoot, rolehopBin, runCli } from '../harness/cli.ts';
import { startSandbox } from '../harness/sandbox.ts';
import { writeFile } from '../harness/temp-home.ts';
import { signedIn, waitFor } from './harness.ts';

// Every listener rolehop opens (login callback, serve, sandbox) is bound to loopback only, refuses a
// Host header that is not its own loopback name (DNS rebinding), and compares tokens in constant time.

/** The local addresses listening on a TCP port, from /proc/net/tcp{,6} (hex, as the kernel writes). */
function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue; // 0A = LISTEN
      const [addr, p] = cols[1]!.split(':');
      if (p === hexPort) out.push(addr!);
    }
  }
  return out;
}

const LOOPBACK_V4 = '0100007F';

/** A GET with any Host header; resolves with the status, or the connection error's code. */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<{ status?: number; body?: string; error?: string }> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const req = request(
      { host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers, timeout: 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/** A non-loopback IPv4 address of this machine, if it has one. */
function externalAddress(): string | undefined {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

async function assertLoopbackOnly(port: number): Promise<void> {
  const addrs = listenAddresses(port);
  assert.ok(addrs.length > 0, `something listens on ${port}`);
  assert.deepEqual([...new Set(addrs)], [LOOPBACK_V4], `port ${port} is bound to 127.0.0.1 only`);
  const ext = externalAddress();
  if (ext) {
    const r = await get(`http://${ext}:${port}/`);
    assert.equal(r.error, 'ECONNREFUSED', `${ext}:${port} must refuse`);
  }
}

describe('listeners', { concurrency: true }, () => {
  test('sandbox (rolehop sandbox): loopback only; a foreign Host header is refused', async (t) => {
    const s = await startSandbox(t, { child: true });
    await assertLoopbackOnly(s.port);
    const own = await get(`${s.url}/_sandbox/counts`);
    assert.equal(own.status, 200);
    for (const host of ['evil.example', `evil.example:${s.port}`, `10.0.0.1:${s.port}`, '127.0.0.1.nip.io']) {
      const r = await get(`${s.url}/_sandbox/counts`, { host });
      assert.equal(r.status, 403, host);
    }
  });

  test('login callback: loopback only, foreign Host and wrong state refused, then the real redirect signs in', async (t) => {
    const w = await signedIn(t, { autoApprove: true });
    const child = spawn(process.execPath, [rolehopBin, 'login', '--sso-session', 'dev', '--no-browser'], {
      env: w.env,
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    t.after(() => child.kill('SIGKILL'));
    const authorize = await waitFor(
      'the printed sign-in URL',
      () => /^\s+(http\S+authorize\S+)$/m.exec(stderr)?.[1],
    );
    const redirect = new URL(
      (await fetch(authorize, { redirect: 'manual' })).headers.get('location') ?? 'http://missing',
    );
    const port = Number(redirect.port);
    await assertLoopbackOnly(port);
    for (const host of ['evil.example', `evil.example:${port}`, `192.168.1.10:${port}`]) {
      const r = await get(redirect.href, { host });
      assert.equal(r.status, 400, host);
    }
    const forged = new URL(redirect.href);
    forged.searchParams.set('state', `${redirect.searchParams.get('state')}x`);
    const wrongState = await get(forged.href);
    assert.equal(wrongState.status, 400);
    assert.match(wrongState.body ?? '', /state did not match/);
    const real = await get(redirect.href);
    assert.equal(real.status, 200, 'the genuine redirect still works after the refused ones');
    assert.equal(await exited, 0, stderr);
  });

  test('serve: loopback only; foreign Host, missing or wrong token and other methods are refused', async (t) => {
    const w = await signedIn(t);
    const probe = path.join(w.home.home, 'probe.mjs');
    const results = path.join(w.home.home, 'results.json');
    writeFile(
      probe,
      `import http from 'node:http';
import fs from 'node:fs';
const url = new URL(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI);
const token = process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN;
const get = (headers, method = 'GET') => new Promise((resolve) => {
  const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method, headers }, (res) => {
    res.resume(); res.on('end', () => resolve(res.statusCode));
  });
  req.on('error', (e) => resolve(e.code)); req.end();
});
const wrongSameLength = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
const out = {
  port: Number(url.port),
  ok: await get({ authorization: token }),
  evilHost: await get({ authorization: token, host: 'evil.example:' + url.port }),
  otherPort: await get({ authorization: token, host: '127.0.0.1:1' }),
  noToken: await get({}),
  wrongSameLength: await get({ authorization: wrongSameLength }),
  wrongShort: await get({ authorization: 'x' }),
  post: await get({ authorization: token }, 'POST'),
};
fs.writeFileSync(${JSON.stringify(results)}, JSON.stringify(out));
`,
    );
    const r = await runCli(['serve', 'prod', '--', process.execPath, probe], {
      env: w.env,
      timeoutMs: 30_000,
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(fs.readFileSync(results, 'utf8')) as Record<string, number>;
    assert.deepEqual(
      { ...out, port: 0 },
      {
        port: 0,
        ok: 200,
        evilHost: 403,
        otherPort: 403,
        noToken: 401,
        wrongSameLength: 403,
        wrongShort: 403,
        post: 405,
      },
    );
    // Closed with its command: nothing listens on the port any more.
    assert.deepEqual(listenAddresses(out.port!), []);
  });

  test('serve while running: its port is bound to 127.0.0.1 only', async (t) => {
    const w = await signedIn(t);
    const marker = path.join(w.home.home, 'uri');
    const child = spawn(
      process.execPath,
      [
        rolehopBin,
        'serve',
        'prod',
        '--',
        '/bin/sh',
        '-c',
        `echo "$AWS_CONTAINER_CREDENTIALS_FULL_URI" > ${marker}; sleep 30`,
      ],
      { env: w.env, cwd: repoRoot, stdio: 'ignore' },
    );
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    t.after(async () => {
      child.kill('SIGTERM');
      await exited;
    });
    const uri = await waitFor('the child to see the endpoint', () => {
      const text = fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8').trim() : '';
      return text || undefined;
    });
    await assertLoopbackOnly(Number(new URL(uri).port));
  });

  test('token and state comparisons are constant-time and length-safe', () => {
    // The server token and the PKCE state: hashed then timingSafeEqual (util/secret-compare.ts), so a
    // shorter or longer guess neither throws nor answers faster.
    const token = 'a'.repeat(43);
    assert.equal(secretsEqual(token, token), true);
    assert.equal(secretsEqual('a', token), false);
    assert.equal(secretsEqual(`${token}a`, token), false);
    assert.equal(secretsEqual('', token), false);
    assert.equal(secretsEqual('state-1', 'state-1'), true);
    assert.equal(secretsEqual('state-1', 'state-12'), false);
    assert.equal(secretsEqual('', 'state-1'), false);
    // And the listeners use it rather than ===.
    const server = fs.readFileSync(path.join(repoRoot, 'src/server/credential-server.ts'), 'utf8');
    assert.match(server, /secretsEqual\(presented, token\)/);
    assert.doesNotMatch(server, /presented\s*[!=]==\s*token|token\s*[!=]==\s*presented/);
    const loopback = fs.readFileSync(path.join(repoRoot, 'src/sso/loopback.ts'), 'utf8');
    assert.match(loopback, /secretsEqual\(state, options\.state\)/);
    const compare = fs.readFileSync(path.join(repoRoot, 'src/util/secret-compare.ts'), 'utf8');
    assert.match(compare, /timingSafeEqual/);
  });
});
