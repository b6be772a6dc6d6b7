import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import { runCli, runInProcess } from '../harness/cli.ts';
import { type Moto, startMoto } from '../harness/moto.ts';
import { missing, requires } from '../harness/requires.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// login_session profiles (`aws login`, AWS CLI 2.32+) run through the SDK's login provider: cached keys
// from ~/.aws/login/cache are used while fresh; near expiry they are refreshed with the sign-in service
// (a stand-in here, through AWS_ENDPOINT_URL_SIGNIN) and the cache file is rewritten; a role hop on top
// goes to moto.

let moto: Moto;
before(async () => {
  if (!missing('moto')) moto = await startMoto();
});
after(() => moto?.stop());

const SESSION = 'arn:aws:iam::123456789012:user/alice';
const ROLE = 'arn:aws:iam::123456789012:role/FromLogin';

function loginCacheFile(home: string): string {
  const name = crypto.createHash('sha256').update(SESSION).digest('hex');
  return path.join(home, '.aws', 'login', 'cache', `${name}.json`);
}

/** A cache file as `aws login` writes it, with keys valid for `lifetimeMs`. */
function writeLoginCache(home: string, lifetimeMs: number): void {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFile(
    loginCacheFile(home),
    JSON.stringify({
      accessToken: {
        accessKeyId: 'ASIALOGINCACHED00001',
        secretAccessKey: 'login-cached-secret-xxxxxxxxxxxxxxxx',
        sessionToken: 'login-cached-session-token-xxxxxxxxxxxx',
        accountId: '123456789012',
        expiresAt: new Date(Date.now() + lifetimeMs).toISOString(),
      },
      tokenType: 'aws_sigv4',
      clientId: 'arn:aws:signin:::devtools/same-device',
      refreshToken: 'login-refresh-token-1',
      idToken: 'id-token',
      dpopKey: privateKey.export({ type: 'sec1', format: 'pem' }),
    }),
  );
}

function profiles(home: ReturnType<typeof tempHome>): void {
  writeFile(
    home.configFile,
    `[profile console]\nlogin_session = ${SESSION}\nregion = us-east-1\n\n` +
      `[profile deploy]\nrole_arn = ${ROLE}\nsource_profile = console\nrole_session_name = from-login\n`,
  );
}

async function signinStandIn(t: TestContext) {
  const asked: { path: string; body: Record<string, unknown>; dpop: boolean }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      asked.push({ path: req.url ?? '', body: JSON.parse(body || '{}'), dpop: Boolean(req.headers.dpop) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          accessToken: {
            accessKeyId: 'ASIALOGINREFRESHED01',
            secretAccessKey: 'login-refreshed-secret-xxxxxxxxxxxxx',
            sessionToken: 'login-refreshed-session-token-xxxxxxx',
          },
          tokenType: 'aws_sigv4',
          expiresIn: 900,
          refreshToken: 'login-refresh-token-2',
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, asked };
}

test('a login_session profile serves the aws login keys, and a role chains from it', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  profiles(home);
  writeLoginCache(home.home, 3600_000);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: moto.url };
  const direct = await runCli(['credential-process', 'console'], { env });
  assert.equal(direct.code, 0, direct.stderr);
  assert.equal(JSON.parse(direct.stdout).AccessKeyId, 'ASIALOGINCACHED00001');
  const chained = await runCli(['whoami', 'deploy', '--json'], { env });
  assert.equal(chained.code, 0, chained.stderr);
  assert.equal(JSON.parse(chained.stdout).Arn, 'arn:aws:sts::123456789012:assumed-role/FromLogin/from-login');
});

test('near expiry the keys are refreshed with a DPoP proof and the rotated refresh token is saved', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  profiles(home);
  writeLoginCache(home.home, 60_000);
  const signin = await signinStandIn(t);
  const env = { ...home.env, AWS_ENDPOINT_URL_SIGNIN: signin.url };
  const r = await runCli(['credential-process', 'console'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).AccessKeyId, 'ASIALOGINREFRESHED01');
  assert.equal(signin.asked.length, 1);
  assert.equal(signin.asked[0]?.path, '/v1/token');
  assert.deepEqual(
    { grantType: signin.asked[0]?.body.grantType, refreshToken: signin.asked[0]?.body.refreshToken },
    { grantType: 'refresh_token', refreshToken: 'login-refresh-token-1' },
  );
  assert.equal(signin.asked[0]?.dpop, true);
  const saved = JSON.parse(fs.readFileSync(loginCacheFile(home.home), 'utf8'));
  assert.equal(saved.refreshToken, 'login-refresh-token-2');
  assert.equal(saved.accessToken.accessKeyId, 'ASIALOGINREFRESHED01');
});

test('no aws login sign-in is exit 3 with the command that makes one', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  profiles(home);
  const r = await runInProcess(['env', 'console'], home.env);
  assert.equal(r.code, 3);
  assert.match(
    r.stderr,
    /uses login_session, but there is no aws login sign-in for it .*\n {2}hint: run 'aws login --profile console'/,
  );
});
