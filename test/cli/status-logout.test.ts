import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rolehopCacheDir } from '../../src/config/paths.ts';
import { cacheFileFor } from '../../src/creds/cache-file.ts';
import { writeCacheEntry } from '../../src/creds/cache-write.ts';
import { type SsoToken, serializeToken, tokenCachePath } from '../../src/sso/token-cache.ts';
import { runCli, runInProcess } from '../harness/cli.ts';
import { sandboxWorld, signIn, tokenCacheEntry } from '../harness/sandbox.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { devSession } from '../harness/sso-session.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

const CONFIG =
  `${devSession({ startUrl: 'https://dev.awsapps.com/start', region: 'us-east-1' })}\n` +
  '[sso-session ops]\nsso_start_url = https://ops.awsapps.com/start\nsso_region = eu-west-1\n';

const SECRETS = {
  accessToken: 'status-access-token-1234567890',
  clientSecret: 'status-client-secret-1234567890',
  refreshToken: 'status-refresh-token-1234567890',
};

const CRED_SECRET = 'cached-secret-access-key-1234567890';

/** A credential cache entry as the creds engine writes it, for a role reached from `session`. */
function cacheCreds(env: Record<string, string>, session: string, accountId: string): string {
  const key = JSON.stringify([
    'sso',
    session,
    `https://${session}.awsapps.com/start`,
    accountId,
    'Admin',
    '',
  ]);
  const file = cacheFileFor(env, key);
  writeCacheEntry(
    env,
    file,
    { key, description: `sso session ${session} account ${accountId} role Admin` },
    { kind: 'sso', session, startUrl: `https://${session}.awsapps.com/start`, accountId, roleName: 'Admin' },
    {
      accessKeyId: 'ASIAEXAMPLE',
      secretAccessKey: CRED_SECRET,
      sessionToken: 'cached-session-token-1234567890',
      expiration: new Date(Date.now() + 3600_000),
    },
    Date.now(),
    (m) => assert.fail(m),
  );
  return file;
}

function token(expiresInMs: number): SsoToken {
  return {
    startUrl: 'https://dev.awsapps.com/start',
    region: 'us-east-1',
    ...SECRETS,
    expiresAt: Date.now() + expiresInMs,
    clientId: 'client-1',
    registrationExpiresAt: Date.now() + 30 * 86400_000,
  };
}

test('status shows each session, expiry and refreshability, and never a secret (text and --json)', async (t) => {
  const h = tempHome(t);
  writeFile(h.configFile, CONFIG);
  writeFile(tokenCachePath(h.env, { name: 'dev', startUrl: '' }), serializeToken(token(3 * 3600_000)));
  cacheCreds(h.env, 'dev', '111122223333');
  const text = await runInProcess(['status'], h.env);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /sso-session dev: https:\/\/dev\.awsapps\.com\/start \(us-east-1\)\n {2}signed in; token expires in (2h 59m|3h) \(/,
  );
  assert.match(text.stdout, /refreshable/);
  assert.match(
    text.stdout,
    /Cached credentials:\n {2}sso session dev account 111122223333 role Admin: expires in (59m|1h) \(/,
  );
  assert.match(
    text.stdout,
    /sso-session ops[^\n]*\n {2}not signed in \(run: rolehop login --sso-session ops\)/,
  );
  const json = await runInProcess(['status', '--json'], h.env);
  assert.equal(json.code, 0);
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.credentials.length, 1);
  assert.deepEqual(Object.keys(parsed.credentials[0]), ['target', 'expiresAt']);
  assert.deepEqual(
    parsed.sessions.map((s: { name: string; signedIn: boolean; refreshable: boolean }) => [
      s.name,
      s.signedIn,
      s.refreshable,
    ]),
    [
      ['dev', true, true],
      ['ops', false, false],
    ],
  );
  for (const out of [text.stdout + text.stderr, json.stdout + json.stderr]) {
    for (const secret of [...Object.values(SECRETS), CRED_SECRET, 'cached-session-token-1234567890'])
      assert.ok(!out.includes(secret), `leaked ${secret}`);
  }
});

test('status reports a corrupt token file without failing and without touching it', async (t) => {
  const h = tempHome(t);
  writeFile(h.configFile, CONFIG);
  const file = tokenCachePath(h.env, { name: 'dev', startUrl: '' });
  writeFile(file, '{"accessToken": "status-access-token-1234567890", "expiresAt": ');
  const r = await runInProcess(['status'], h.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /problem: the SSO token cache file .* is unusable: it is not valid JSON/);
  assert.ok(!r.stdout.includes(SECRETS.accessToken));
  assert.equal(
    fs.readFileSync(file, 'utf8'),
    '{"accessToken": "status-access-token-1234567890", "expiresAt": ',
  );
});

test('logout with the network down deletes the token and cached credentials locally, with a warning', async (t) => {
  const h = tempHome(t, { AWS_ENDPOINT_URL_SSO: 'http://127.0.0.1:9' });
  writeFile(h.configFile, CONFIG);
  const file = tokenCachePath(h.env, { name: 'dev', startUrl: '' });
  writeFile(file, serializeToken(token(3600_000)));
  const a = cacheCreds(h.env, 'dev', '111122223333');
  const b = cacheCreds(h.env, 'ops', '111122223333');
  const r = await runInProcess(['logout', '--sso-session', 'dev'], h.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: could not reach the SSO portal[\s\S]*signed out locally only/);
  assert.match(r.stderr, /Signed out of sso-session dev \(token deleted, 1 cached credential file deleted\)/);
  assert.equal(fs.existsSync(file), false);
  assert.equal(fs.existsSync(a), false);
  assert.equal(fs.existsSync(b), true, 'other sessions keep their credentials');
  assert.ok(!r.stderr.includes(SECRETS.accessToken));
});

test('logout refuses --sso-session with --all (exit 2) and needs a session when several exist', async (t) => {
  const h = tempHome(t);
  writeFile(h.configFile, CONFIG);
  const both = await runInProcess(['logout', '--all', '--sso-session', 'dev'], h.env);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /either --sso-session or --all/);
  const none = await runInProcess(['logout'], h.env);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /several sso-sessions are configured: dev, ops/);
});

test('logout --all signs out of every session on the portal, even one already revoked', async (t) => {
  const w = await sandboxWorld(t);
  const config = ['one', 'two']
    .map(
      (n) => `[sso-session ${n}]\nsso_start_url = ${w.sandbox.startUrl}\nsso_region = ${w.sandbox.region}\n`,
    )
    .join('\n');
  writeFile(w.home.configFile, config);
  const files: string[] = [];
  for (const name of ['one', 'two']) {
    const tokens = await signIn(w.sandbox);
    const file = tokenCachePath(w.env, { name, startUrl: w.sandbox.startUrl });
    writeFile(file, JSON.stringify(tokenCacheEntry(w.sandbox, tokens)));
    files.push(file);
  }
  const first = JSON.parse(fs.readFileSync(files[0]!, 'utf8')).accessToken;
  await w.sandbox.admin.revokeTokens({ token: first });
  const r = await runCli(['logout', '--all'], { env: w.env, timeoutMs: 120_000 });
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /Signed out of sso-session one \(token deleted\)[\s\S]*Signed out of sso-session two \(token deleted\)/,
  );
  assert.ok(!/warning/.test(r.stderr), 'a revoked token is not a problem worth a warning');
  for (const f of files) assert.equal(fs.existsSync(f), false);
  assert.equal((await w.sandbox.admin.counts()).Logout, 2);
});

test('after the portal rejects a token, status says so instead of "signed in"; the marker holds no secret (0600) and a new sign-in clears it', async (t) => {
  const w = await signedInWorld(t);
  const tokenFile = tokenCachePath(w.env, { name: 'dev', startUrl: w.sandbox.startUrl });
  const accessToken = JSON.parse(fs.readFileSync(tokenFile, 'utf8')).accessToken as string;
  assert.match((await runInProcess(['status'], w.env)).stdout, /^ {2}signed in; token expires in/m);

  // Every token of the session (a revoked access token alone is refreshed and the call retried).
  await w.sandbox.admin.revokeTokens({});
  const refused = await runInProcess(['ls'], w.env);
  assert.equal(refused.code, 3, refused.stderr);
  const text = await runInProcess(['status'], w.env);
  assert.doesNotMatch(text.stdout, /signed in;/);
  assert.match(
    text.stdout,
    /^ {2}sign-in rejected by the portal at \S+Z \(signed out or revoked elsewhere\); run: rolehop login --sso-session dev$/m,
  );
  const json = JSON.parse((await runInProcess(['status', '--json'], w.env)).stdout);
  assert.equal(json.sessions[0].signedIn, false);
  assert.match(json.sessions[0].rejectedAt, /Z$/);

  const markers = path.join(rolehopCacheDir(w.env), 'rejected-tokens');
  const [marker] = fs.readdirSync(markers);
  assert.equal(fs.statSync(path.join(markers, marker!)).mode & 0o777, 0o600);
  assert.ok(!fs.readFileSync(path.join(markers, marker!), 'utf8').includes(accessToken));

  // A new sign-in writes a new token: the marker no longer applies to it.
  writeFile(tokenFile, JSON.stringify(tokenCacheEntry(w.sandbox, await signIn(w.sandbox))));
  assert.match((await runInProcess(['status'], w.env)).stdout, /^ {2}signed in; token expires in/m);
});

test('a token that expired long ago reads as a date; a recent one as how long ago', async (t) => {
  const h = tempHome(t);
  writeFile(h.configFile, CONFIG);
  const file = tokenCachePath(h.env, { name: 'dev', startUrl: '' });
  const longAgo = token(-60 * 86400_000);
  writeFile(file, serializeToken(longAgo));
  const old = await runInProcess(['status'], h.env);
  const day = new Date(longAgo.expiresAt).toISOString().slice(0, 10);
  assert.match(old.stdout, new RegExp(`^ {2}sign-in expired; token expired ${day}; refreshable$`, 'm'));
  writeFile(file, serializeToken(token(-2 * 3600_000)));
  const recent = await runInProcess(['status'], h.env);
  assert.match(recent.stdout, /^ {2}sign-in expired; token expired (1h 59m|2h) ago \(\S+Z\)/m);
});

test('a token the portal rejects while its refresh token is valid: credential-process refreshes, retries and succeeds; status says signed in', async (t) => {
  const w = await signedInWorld(t);
  fs.appendFileSync(
    w.home.configFile,
    '\n[profile admin]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n',
  );
  await w.sandbox.admin.expireTokens({ kind: 'access' });
  const r = await runInProcess(['credential-process', 'admin'], w.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).Version, 1);
  assert.match((await runInProcess(['status'], w.env)).stdout, /^ {2}signed in; token expires in/m);
});
