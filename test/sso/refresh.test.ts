import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rolehopCacheDir } from '../../src/config/paths.ts';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { type CliResult, runProcess } from '../harness/cli.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { signInAsDev } from '../harness/signed-in-world.ts';
import { startScript, waitFor } from './fixtures/browser-spy.ts';
import { ssoCallEnv, ssoCallScript } from './fixtures/build.ts';

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

async function world(t: import('node:test').TestContext, expiresIn: number, withRefresh = true) {
  const w = await signInAsDev(await sandboxWorld(t), undefined, { expiresIn, refresh: withRefresh });
  const session = { name: 'dev', startUrl: w.sandbox.startUrl, region: w.sandbox.region };
  const env = { ...w.env, ...ssoCallEnv, ROLEHOP_TEST_SESSION: JSON.stringify(session) };
  const fixture = await ssoCallScript();
  const call = (args: string[], extra: Record<string, string> = {}) =>
    runProcess(process.execPath, [fixture, ...args], { env: { ...env, ...extra }, timeoutMs: 180_000 });
  return { ...w, session, file: w.tokenFile, env, call };
}

test('50 processes needing a refresh at once: exactly one CreateToken, all succeed, the file stays valid JSON', async (t) => {
  const w = await world(t, 300);
  const before = (await w.sandbox.admin.counts()).CreateToken ?? 0;
  let running = true;
  let reads = 0;
  const watcher = (async () => {
    // Every read during the storm must parse: writes are atomic renames.
    while (running) {
      JSON.parse(fs.readFileSync(w.file, 'utf8'));
      reads++;
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  const results: CliResult[] = await Promise.all(Array.from({ length: 50 }, () => w.call(['token'])));
  running = false;
  await watcher;
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const seen = new Set(results.map((r) => JSON.parse(r.stdout).accessToken));
  assert.equal(seen.size, 1, 'every process got the same refreshed token');
  assert.notEqual([...seen][0], digest(w.tokens.accessToken));
  const after = (await w.sandbox.admin.counts()).CreateToken ?? 0;
  assert.equal(after - before, 1);
  assert.ok(reads > 0);
  const stored = JSON.parse(fs.readFileSync(w.file, 'utf8'));
  assert.equal(digest(stored.accessToken), [...seen][0]);
  assert.notEqual(stored.refreshToken, w.tokens.refreshToken, 'the rotated refresh token is kept');
  assert.equal(fs.statSync(w.file).mode & 0o777, 0o600);
});

test('a fresh token is used as is: no call reaches the sandbox', async (t) => {
  const w = await world(t, 3600);
  const before = await w.sandbox.admin.counts();
  const r = await w.call(['token']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).accessToken, digest(w.tokens.accessToken));
  assert.deepEqual(await w.sandbox.admin.counts(), before);
});

test('an expired token that cannot be refreshed is exit 3 with the login command', async (t) => {
  const w = await world(t, -60, false);
  const r = await w.call(['token']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /has expired[\s\S]*run rolehop login --sso-session dev/);
});

test('a revoked session is exit 3 with the login command, and the token file is left alone', async (t) => {
  const w = await world(t, 3600);
  await w.sandbox.admin.revokeTokens({});
  const content = fs.readFileSync(w.file, 'utf8');
  const r = await w.call(['role-credentials', '111111111111', 'AdministratorAccess']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /no longer valid[\s\S]*run rolehop login --sso-session dev/);
  assert.equal(fs.readFileSync(w.file, 'utf8'), content);
});

test('a token the portal rejects before its cached expiry is refreshed once and the call retried', async (t) => {
  const w = await world(t, 3600);
  await w.sandbox.admin.expireTokens({ kind: 'access' });
  const before = (await w.sandbox.admin.counts()).CreateToken ?? 0;
  const r = await w.call(['role-credentials', '111111111111', 'AdministratorAccess']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(((await w.sandbox.admin.counts()).CreateToken ?? 0) - before, 1, 'one refresh');
  const stored = JSON.parse(fs.readFileSync(w.file, 'utf8'));
  assert.notEqual(stored.accessToken, w.tokens.accessToken);
  assert.notEqual(stored.refreshToken, w.tokens.refreshToken, 'the rotated refresh token is kept');
  assert.ok(
    !fs.existsSync(path.join(rolehopCacheDir(w.env), 'rejected-tokens')) ||
      fs.readdirSync(path.join(rolehopCacheDir(w.env), 'rejected-tokens')).length === 0,
    'a successful refresh leaves no rejected-token marker',
  );
});

test('a rejected token whose refresh is refused too is exit 3 with the login command', async (t) => {
  const w = await world(t, 3600);
  await w.sandbox.admin.expireTokens({ kind: 'all' });
  const r = await w.call(['role-credentials', '111111111111', 'AdministratorAccess']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /no longer valid[\s\S]*run rolehop login --sso-session dev/);
});

test('a corrupt token file is a clear error (exit 3) and is not made worse', async (t) => {
  const w = await world(t, 3600);
  fs.writeFileSync(w.file, '{"accessToken": "half-written');
  const r = await w.call(['token']);
  assert.equal(r.code, 3);
  assert.match(
    r.stderr,
    /token cache file .* is unusable: it is not valid JSON[\s\S]*rolehop login --sso-session dev/,
  );
  assert.equal(fs.readFileSync(w.file, 'utf8'), '{"accessToken": "half-written');
});

test('a caller that may sign in does so when there is no token (URL on stderr without a browser)', async (t) => {
  const w = await sandboxWorld(t, { autoApprove: true });
  const session = { name: 'dev', startUrl: w.sandbox.startUrl, region: w.sandbox.region };
  const fixture = await ssoCallScript();
  const child = startScript(t, fixture, ['token'], {
    ...w.env,
    ...ssoCallEnv,
    ROLEHOP_TEST_SESSION: JSON.stringify(session),
    ROLEHOP_TEST_ALLOW_LOGIN: '1',
  });
  const url = await waitFor(
    () => /^\s+(http\S+\/authorize\S+)$/m.exec(child.stderr())?.[1],
    'the sign-in URL',
  );
  await fetch(url);
  const r = await child.done;
  assert.equal(r.code, 0, r.stderr);
  const file = tokenCachePath(w.env, session);
  assert.equal(
    JSON.parse(r.stdout).accessToken,
    digest(JSON.parse(fs.readFileSync(file, 'utf8')).accessToken),
  );
});
