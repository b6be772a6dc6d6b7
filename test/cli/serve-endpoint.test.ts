import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { type CredentialsFor, parsePort, serveCredentials } from '../../src/cli/cmd/serve.ts';
import type { Deps } from '../../src/cli/deps.ts';
import type { ServedCredentials } from '../../src/server/index.ts';
import { SignInRequiredError, UsageError } from '../../src/util/errors.ts';
import { createLogger } from '../../src/util/log.ts';
import { get } from '../harness/http.ts';
import { waitFor } from '../harness/poll.ts';
import { tempHome } from '../harness/temp-home.ts';

// The serve command's endpoint in-process, with an injected credential source: what it prints, what
// it refuses, where it listens, and that every request asks the source again (so refreshes show).

function sink() {
  let text = '';
  return {
    write: (s: string) => {
      text += s;
      return true;
    },
    text: () => text,
  };
}

function testDeps(t: TestContext, env: Record<string, string>) {
  const stdout = sink();
  const stderr = sink();
  const controller = new AbortController();
  t.after(() => controller.abort());
  const deps: Deps = {
    env,
    stdout,
    stderr,
    stdin: process.stdin,
    log: createLogger(stderr, { debug: true }),
    now: () => Date.now(),
    cwd: process.cwd(),
    color: false,
    signal: controller.signal,
  };
  return { deps, stdout, stderr, abort: () => controller.abort() };
}

let serial = 0;
function freshCredentials(): ServedCredentials {
  serial += 1;
  return {
    accessKeyId: `ASIASERVE${String(serial).padStart(11, '0')}`,
    secretAccessKey: `serveSecret${serial}EXAMPLEserveSecretEXAMPLEserve`.slice(0, 40),
    sessionToken: `IQoJserveSessionToken${serial}EXAMPLE+/=`,
    expiration: new Date(Date.now() + 3600_000),
  };
}

/** Starts `serve` without CMD and waits for the two exports on stdout. */
async function serveInBackground(t: TestContext, credentialsFor: CredentialsFor) {
  const home = tempHome(t);
  const io = testDeps(t, home.env);
  const done = serveCredentials({ port: 0, command: [], label: 'profile test' }, io.deps, credentialsFor);
  done.catch(() => {});
  const exports = await waitFor('the exports', () => {
    const m =
      /^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(http:\/\/127\.0\.0\.1:(\d+)\/)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=([\w-]+)\n$/.exec(
        io.stdout.text(),
      );
    return m ? { url: m[1]!, port: Number(m[2]), token: m[3]! } : undefined;
  });
  return { ...io, ...exports, done };
}

/** Local addresses of LISTEN sockets on `port`, from /proc/net/tcp{,6} (hex, as the kernel shows them). */
function listenersOn(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const out: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 4 || cols[3] !== '0A') continue;
      const [addr, p] = cols[1]!.split(':');
      if (p === hexPort) out.push(addr!);
    }
  }
  return out;
}

function connects(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

test('without CMD: prints the two exports and serves ECS-format credentials to the token holder', async (t) => {
  const creds = freshCredentials();
  const s = await serveInBackground(t, async () => creds);
  const ok = await get({ port: s.port }, { Authorization: s.token });
  assert.equal(ok.status, 200);
  assert.deepEqual(JSON.parse(ok.body), {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    Token: creds.sessionToken,
    Expiration: creds.expiration!.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  // Messages on stderr name the URL, never the token or a secret.
  assert.match(s.stderr.text(), /Serving credentials for profile test on http:\/\/127\.0\.0\.1:\d+\//);
  for (const secret of [s.token, creds.secretAccessKey, creds.sessionToken!]) {
    assert.equal(s.stderr.text().includes(secret), false);
  }
  s.abort();
  assert.equal(await s.done, 130);
  assert.equal(await connects('127.0.0.1', s.port), false, 'the port is closed after Ctrl-C');
});

test('no token is 401, a wrong token or a foreign Host is 403, and none of them reaches the source', async (t) => {
  let calls = 0;
  const s = await serveInBackground(t, async () => {
    calls += 1;
    return freshCredentials();
  });
  const before = calls;
  assert.equal((await get({ port: s.port })).status, 401);
  assert.equal((await get({ port: s.port }, { Authorization: `${s.token}x` })).status, 403);
  assert.equal((await get({ port: s.port }, { Authorization: s.token.slice(1) })).status, 403);
  assert.equal((await get({ port: s.port }, { Authorization: '' })).status, 403);
  const rebinding = await get(
    { port: s.port },
    { Authorization: s.token, Host: `attacker.example:${s.port}` },
  );
  assert.equal(rebinding.status, 403);
  assert.equal(
    (await get({ port: s.port }, { Authorization: s.token, Host: `127.0.0.1:${s.port + 1}` })).status,
    403,
  );
  assert.equal(calls, before, 'refused requests never ask for credentials');
  // Each request is logged with --debug, refused ones too, and the token never.
  assert.match(s.stderr.text(), /debug: serve: GET \/ -> 401/);
  assert.match(s.stderr.text(), /debug: serve: GET \/ -> 403/);
  assert.equal(s.stderr.text().includes(s.token), false);
  for (const r of [rebinding]) assert.equal(r.body.includes('ASIA'), false);
  s.abort();
  await s.done;
});

test('the listener is on 127.0.0.1 only: not on ::1, not on any other interface address', async (t) => {
  const s = await serveInBackground(t, async () => freshCredentials());
  assert.deepEqual(listenersOn(s.port), ['0100007F'], 'one LISTEN socket, bound to 127.0.0.1');
  assert.equal(await connects('::1', s.port), false);
  const others = Object.entries(os.networkInterfaces()).flatMap(([name, list]) =>
    (list ?? [])
      .filter((i) => !i.internal)
      .map((i) => (i.family === 'IPv6' && i.address.startsWith('fe80') ? `${i.address}%${name}` : i.address)),
  );
  for (const address of others) {
    assert.equal(await connects(address, s.port), false, `reachable on ${address}`);
  }
  s.abort();
  await s.done;
});

test('each request asks the source again, so refreshed credentials reach the client', async (t) => {
  let asked = 0;
  const s = await serveInBackground(t, async () => {
    asked++;
    return freshCredentials();
  });
  const headers = { Authorization: s.token };
  const first = JSON.parse((await get({ port: s.port }, headers)).body).AccessKeyId;
  const second = JSON.parse((await get({ port: s.port }, headers)).body).AccessKeyId;
  assert.notEqual(first, second);
  assert.equal(asked, 3, 'once at start, once per request');
  s.abort();
  await s.done;
});

test('the token serves only the target it was started for: any other path is 404, the source is not asked', async (t) => {
  const asked: unknown[][] = [];
  const s = await serveInBackground(t, async (...args: unknown[]) => {
    asked.push(args);
    return freshCredentials();
  });
  const headers = { Authorization: s.token };
  for (const other of ['/admin', '/team%20b', '//admin', '/admin/', '/%2Fadmin', '/./admin', '/?x=1/admin']) {
    const r = await get({ port: s.port, path: other }, headers);
    if (other.startsWith('/?')) {
      assert.equal(r.status, 200, 'a query on / is still /');
      continue;
    }
    assert.equal(r.status, 404, other);
    assert.doesNotMatch(r.body, /ASIA|Secret/, other);
  }
  assert.deepEqual(asked, [[], []], 'asked at start and for `/?x=1/admin`, never with a profile');
  s.abort();
  await s.done;
});

test('a source failure is a short 5xx for the client and a warning (no secret) for the user', async (t) => {
  let fail = false;
  const s = await serveInBackground(t, async () => {
    if (fail) throw new SignInRequiredError('the SSO token for sso-session dev has expired');
    return freshCredentials();
  });
  fail = true;
  const r = await get({ port: s.port }, { Authorization: s.token });
  assert.equal(r.status, 503);
  assert.match(r.body, /sign-in needed/);
  assert.match(s.stderr.text(), /warning: could not get credentials for profile test: the SSO token/);
  s.abort();
  await s.done;
});

test('no credentials at start: the error comes before anything is printed or served', async (t) => {
  const home = tempHome(t);
  const io = testDeps(t, home.env);
  await assert.rejects(
    serveCredentials({ port: 0, command: [], label: 'profile test' }, io.deps, async () => {
      throw new SignInRequiredError('no SSO token for sso-session dev');
    }),
    SignInRequiredError,
  );
  assert.equal(io.stdout.text(), '');
});

test('with CMD: the child gets the endpoint, not static keys, and its exit code (or signal) is passed on', async (t) => {
  const home = tempHome(t);
  const out = path.join(home.home, 'child-env.json');
  const io = testDeps(t, {
    ...home.env,
    AWS_ACCESS_KEY_ID: 'AKIASTATICEXAMPLE000',
    AWS_SECRET_ACCESS_KEY: 'staticSecretEXAMPLEstaticSecretEXAMPLEst',
    AWS_SESSION_TOKEN: 'staticSessionTokenEXAMPLE',
    AWS_PROFILE: 'elsewhere',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
  });
  const script = `require('fs').writeFileSync(process.argv[1], JSON.stringify(process.env)); process.exit(7)`;
  const code = await serveCredentials(
    { port: 0, command: [process.execPath, '-e', script, out], label: 'profile test' },
    io.deps,
    async () => freshCredentials(),
  );
  assert.equal(code, 7);
  const env = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, string>;
  assert.match(env.AWS_CONTAINER_CREDENTIALS_FULL_URI!, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.match(env.AWS_CONTAINER_AUTHORIZATION_TOKEN!, /^[\w-]{43}$/);
  for (const gone of [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_PROFILE',
    'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  ]) {
    assert.equal(env[gone], undefined, `${gone} must not reach the child`);
  }
  assert.equal(io.stdout.text(), '', 'with CMD nothing is printed on stdout');
  const port = Number(new URL(env.AWS_CONTAINER_CREDENTIALS_FULL_URI!).port);
  assert.equal(await connects('127.0.0.1', port), false, 'the server stops when CMD exits');

  const killed = await serveCredentials(
    { port: 0, command: [process.execPath, '-e', 'process.kill(process.pid, "SIGTERM")'], label: 'x' },
    io.deps,
    async () => freshCredentials(),
  );
  assert.equal(killed, 128 + os.constants.signals.SIGTERM);
  const missing = await serveCredentials(
    { port: 0, command: ['rolehop-no-such-command-xyz'], label: 'x' },
    io.deps,
    async () => freshCredentials(),
  );
  assert.equal(missing, 127);
  assert.match(io.stderr.text(), /command not found: rolehop-no-such-command-xyz/);
});

test('a port in use is a clear error with a hint, and nothing is printed', async (t) => {
  const busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  t.after(() => busy.close());
  const port = (busy.address() as net.AddressInfo).port;
  const home = tempHome(t);
  const io = testDeps(t, home.env);
  await assert.rejects(
    serveCredentials({ port, command: [], label: 'x' }, io.deps, async () => freshCredentials()),
    (e: Error & { hint?: string }) => /already in use/.test(e.message) && /--port/.test(e.hint ?? ''),
  );
  assert.equal(io.stdout.text(), '');
});

test('--port: 0-65535 accepted, anything else a usage error naming the value', () => {
  assert.equal(parsePort(undefined), 0);
  assert.equal(parsePort('0'), 0);
  assert.equal(parsePort('65535'), 65535);
  for (const bad of ['', 'abc', '65536', '-1', '1.5', '80 ', '0x50', '999999']) {
    assert.throws(
      () => parsePort(bad),
      (e: Error) => e instanceof UsageError && e.message.includes(`"${bad}"`),
    );
  }
});
