import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as http from 'node:http';
import * as net from 'node:net';
import { test } from 'node:test';
import {
  CONFLICTING_VARIABLES,
  containerCredentialsEnv,
  isLoopbackHostHeader,
  type ServedCredentials,
  startCredentialServer,
} from '../../src/server/index.ts';
import { ConfigError, RolehopError, SignInRequiredError, UsageError } from '../../src/util/errors.ts';
import { requires } from '../harness/requires.ts';
import { tempHome } from '../harness/temp-home.ts';

// Children resolve @aws-sdk/* from the repository's node_modules.
const repoRoot = new URL('../..', import.meta.url);

const served: ServedCredentials = {
  accessKeyId: 'ASIASERVEDEXAMPLE001',
  secretAccessKey: 'servedSecretKeyEXAMPLEservedSecretKeyEXA',
  sessionToken: 'IQoJservedSessionTokenEXAMPLE//+==',
  expiration: new Date(Date.UTC(2099, 0, 2, 3, 4, 5, 678)),
};

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  port: number,
  opts: { path?: string; method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: opts.path ?? '/',
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function startServer(t: import('node:test').TestContext, getCredentials = async () => served) {
  const calls: string[] = [];
  const server = await startCredentialServer({
    getCredentials: () => {
      calls.push('/');
      return getCredentials();
    },
  });
  t.after(() => server.close());
  return { server, calls };
}

function run(
  cmd: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

test('listens on 127.0.0.1 only, on a free port, with a fresh 32-byte token each time', async (t) => {
  const { server } = await startServer(t);
  const { server: other } = await startServer(t);
  const address = server.address();
  assert.equal(address.address, '127.0.0.1');
  assert.equal(address.family, 'IPv4');
  assert.ok(address.port > 0);
  assert.equal(server.url, `http://127.0.0.1:${server.port}/`);
  assert.match(server.token, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(Buffer.from(server.token, 'base64url').length, 32);
  assert.notEqual(server.token, other.token);
});

/** A port free on every interface right now. */
async function freePort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '0.0.0.0', resolve));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

test('a non-loopback host option is refused and nothing listens', async () => {
  const port = await freePort();
  for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com', '']) {
    await assert.rejects(
      startCredentialServer({ host, port, getCredentials: async () => served }),
      (e: unknown) => e instanceof UsageError && /loopback only/.test(e.message),
    );
  }
  // Nothing was left listening: the port can still be taken on every interface.
  const after = net.createServer();
  await new Promise<void>((resolve, reject) => {
    after.once('error', reject);
    after.listen(port, '0.0.0.0', resolve);
  });
  await new Promise((resolve) => after.close(resolve));
});

test('a port in use or out of range is a clear error', async (t) => {
  const { server } = await startServer(t);
  await assert.rejects(
    startCredentialServer({ port: server.port, getCredentials: async () => served }),
    (e: unknown) =>
      e instanceof RolehopError &&
      e.message === `port ${server.port} on 127.0.0.1 is already in use` &&
      /--port/.test(e.hint!),
  );
  for (const port of [-1, 65536, 1.5, Number.NaN]) {
    await assert.rejects(
      startCredentialServer({ port, getCredentials: async () => served }),
      (e: unknown) => e instanceof UsageError && /invalid port/.test(e.message),
    );
  }
});

test('GET / with the token answers the container JSON, no-store; every other path is 404', async (t) => {
  const { server, calls } = await startServer(t);
  const auth = { Authorization: server.token };
  const reply = await request(server.port, { headers: auth });
  assert.equal(reply.status, 200);
  assert.equal(reply.headers['cache-control'], 'no-store');
  assert.equal(reply.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(reply.body), {
    AccessKeyId: served.accessKeyId,
    SecretAccessKey: served.secretAccessKey,
    Token: served.sessionToken,
    Expiration: '2099-01-02T03:04:05Z',
  });
  assert.equal((await request(server.port, { path: '/?x=1', headers: auth })).status, 200);
  for (const path of ['/prod-deploy', '/dev%20ops', '//team/app?x=1', '/%E0%A4%A', '/admin/..']) {
    const other = await request(server.port, { path, headers: auth });
    assert.equal(other.status, 404, path);
    assert.deepEqual(JSON.parse(other.body), { message: 'not found' });
  }
  assert.deepEqual(calls, ['/', '/'], 'only `/` reached getCredentials');
});

test('requests without the token, with a wrong one, from a foreign Host, or not GET are refused', async (t) => {
  const { server, calls } = await startServer(t);
  const port = server.port;
  const noToken = await request(port);
  assert.equal(noToken.status, 401);
  assert.equal(noToken.headers['cache-control'], 'no-store');
  assert.equal((await request(port, { headers: { Authorization: 'x' } })).status, 403);
  const sameLength = server.token.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
  assert.equal((await request(port, { headers: { Authorization: sameLength } })).status, 403);
  assert.equal((await request(port, { headers: { Authorization: `Bearer ${server.token}` } })).status, 403);
  for (const host of [
    'evil.example',
    `evil.example:${port}`,
    `127.0.0.1:${port + 1}`,
    `localhost.evil.example:${port}`,
  ]) {
    const reply = await request(port, { headers: { Authorization: server.token, Host: host } });
    assert.equal(reply.status, 403, host);
    assert.doesNotMatch(reply.body, /ASIA/);
  }
  for (const host of [`localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
    assert.equal(
      (await request(port, { headers: { Authorization: server.token, Host: host } })).status,
      200,
      host,
    );
  }
  const post = await request(port, { method: 'POST', headers: { Authorization: server.token } });
  assert.equal(post.status, 405);
  assert.equal(post.headers.allow, 'GET');
  assert.equal(
    (await request(port, { method: 'PUT', headers: { Authorization: server.token } })).status,
    405,
  );
  assert.equal(calls.length, 3, 'only the three loopback-Host GETs reached getCredentials');
});

test('failures become 503 or 500 with a short message and never a secret', async (t) => {
  const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEAKEDKEY';
  const errors: unknown[] = [];
  const failures: Error[] = [
    new SignInRequiredError('the token for sso-session dev expired'),
    new ConfigError('profile "missing" is not in ~/.aws/config'),
    new Error(`boom with ${secret}`),
  ];
  const server = await startCredentialServer({
    getCredentials: async () => {
      throw failures.shift();
    },
    onError: (e) => errors.push(e),
  });
  t.after(() => server.close());
  const auth = { Authorization: server.token };
  const login = await request(server.port, { headers: auth });
  assert.equal(login.status, 503);
  assert.deepEqual(JSON.parse(login.body), { message: 'sign-in needed: run rolehop login' });
  const missing = await request(server.port, { headers: auth });
  assert.equal(missing.status, 500);
  assert.match(JSON.parse(missing.body).message, /profile "missing" is not in/);
  const boom = await request(server.port, { headers: auth });
  assert.equal(boom.status, 500);
  assert.equal(boom.headers['cache-control'], 'no-store');
  assert.ok(!boom.body.includes(secret) && !boom.body.includes('boom'));
  assert.equal(errors.length, 3);
});

test('close() stops the server even while a client holds a keep-alive connection', async () => {
  const server = await startCredentialServer({ getCredentials: async () => served });
  const agent = new http.Agent({ keepAlive: true });
  await new Promise<void>((resolve, reject) =>
    http
      .get(
        { host: '127.0.0.1', port: server.port, agent, headers: { Authorization: server.token } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      )
      .on('error', reject),
  );
  await server.close();
  await assert.rejects(request(server.port), /ECONNREFUSED/);
  agent.destroy();
});

test('Host header check accepts only loopback names with this port', () => {
  assert.equal(isLoopbackHostHeader('127.0.0.1:8080', 8080), true);
  assert.equal(isLoopbackHostHeader('localhost:8080', 8080), true);
  assert.equal(isLoopbackHostHeader('[::1]:8080', 8080), true);
  assert.equal(isLoopbackHostHeader('127.0.0.1', 8080), false);
  assert.equal(isLoopbackHostHeader('127.0.0.1:80800', 8080), false);
  assert.equal(isLoopbackHostHeader('attacker.example:8080', 8080), false);
  assert.equal(isLoopbackHostHeader(undefined, 8080), false);
});

test('the child environment points at the server and drops what would beat it', () => {
  const base: Record<string, string | undefined> = {
    PATH: '/usr/bin',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIASTATIC',
    AWS_SECRET_ACCESS_KEY: 'static',
    AWS_SESSION_TOKEN: 'static',
    AWS_PROFILE: 'other',
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/credentials/x',
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/tmp/token',
    UNSET: undefined,
  };
  const copy = { ...base };
  const env = containerCredentialsEnv(base, { url: 'http://127.0.0.1:1/p', token: 't' });
  assert.deepEqual(env, {
    PATH: '/usr/bin',
    AWS_REGION: 'eu-west-1',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1/p',
    AWS_CONTAINER_AUTHORIZATION_TOKEN: 't',
  });
  assert.deepEqual(base, copy, 'the input is not changed');
  for (const name of CONFLICTING_VARIABLES) assert.equal(name in env, false);
});

/** An environment with static keys and a profile that the helper must override. */
function childBaseEnv(t: import('node:test').TestContext): Record<string, string> {
  const home = tempHome(t);
  return {
    ...home.env,
    AWS_ACCESS_KEY_ID: 'AKIASTATICSHOULDLOSE',
    AWS_SECRET_ACCESS_KEY: 'static-should-lose',
    AWS_PROFILE: 'does-not-exist',
    AWS_REGION: 'us-east-1',
  };
}

test('the JS SDK container providers and default chain get the credentials from the server', async (t) => {
  const { server, calls } = await startServer(t);
  const env = containerCredentialsEnv(childBaseEnv(t), { url: server.url, token: server.token });
  const script = `
    import { fromContainerMetadata, fromHttp, fromNodeProviderChain } from '@aws-sdk/credential-providers';
    const out = [];
    for (const p of [fromContainerMetadata(), fromHttp(), fromNodeProviderChain()]) {
      const c = await p();
      out.push([c.accessKeyId, c.secretAccessKey, c.sessionToken, c.expiration.toISOString()]);
    }
    console.log(JSON.stringify(out));`;
  const r = await run(process.execPath, ['--input-type=module', '-e', script], env);
  assert.equal(r.code, 0, r.err);
  const want = [served.accessKeyId, served.secretAccessKey, served.sessionToken, '2099-01-02T03:04:05.000Z'];
  assert.deepEqual(JSON.parse(r.out), [want, want, want]);
  assert.deepEqual(calls, ['/', '/', '/']);
});

test('botocore (boto3 default chain) gets the credentials from the server', async (t) => {
  if (!requires(t, 'boto3')) return;
  const { server, calls } = await startServer(t);
  const env = containerCredentialsEnv(childBaseEnv(t), { url: server.url, token: server.token });
  const script = [
    'import boto3, json',
    'c = boto3.Session().get_credentials()',
    'f = c.get_frozen_credentials()',
    'print(json.dumps([c.method, f.access_key, f.secret_key, f.token]))',
  ].join('\n');
  const r = await run('python3', ['-c', script], env);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(JSON.parse(r.out), [
    'container-role',
    served.accessKeyId,
    served.secretAccessKey,
    served.sessionToken,
  ]);
  assert.deepEqual(calls, ['/']);
});
