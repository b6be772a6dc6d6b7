import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { defaultDirectoryInput } from '../../src/sandbox/directory.ts';
import { runCli, runInProcess } from '../harness/cli.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { devSession } from '../harness/sso-session.ts';
import { writeFile } from '../harness/temp-home.ts';

test('ls lists every account with its roles, then answers from its cache until --refresh', async (t) => {
  const w = await signedInWorld(t);
  const r = await runInProcess(['ls'], w.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stdout,
    /^111111111111 {2}prod {2}<aws-prod@example\.com>\n {4}AdministratorAccess\n {4}ReadOnlyAccess$/m,
  );
  assert.match(r.stdout, /333333333333 {2}dev/);
  assert.doesNotMatch(r.stderr, /error|warning/i);
  const before = await w.sandbox.admin.counts();
  const again = await runInProcess(['ls', 'PROD', '--json'], w.env);
  assert.equal(again.code, 0, again.stderr);
  assert.deepEqual(JSON.parse(again.stdout), [
    {
      accountId: '111111111111',
      accountName: 'prod',
      emailAddress: 'aws-prod@example.com',
      roles: ['AdministratorAccess', 'ReadOnlyAccess'],
    },
  ]);
  assert.deepEqual(await w.sandbox.admin.counts(), before, 'served from the cache');
  const cacheDir = path.join(w.home.home, '.cache', 'rolehop', 'accounts');
  const [file] = fs.readdirSync(cacheDir);
  assert.equal(fs.statSync(path.join(cacheDir, file!)).mode & 0o777, 0o600);
  assert.equal(fs.statSync(cacheDir).mode & 0o777, 0o700);
  const refreshed = await runInProcess(['ls', 'readonly', '--refresh'], w.env);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  assert.ok(!/AdministratorAccess/.test(refreshed.stdout), 'a role filter shows the matching roles only');
  assert.ok((await w.sandbox.admin.counts()).ListAccounts! > before.ListAccounts!);
});

test('ls without a sign-in is exit 3 and says how to sign in', async (t) => {
  const w = await sandboxWorld(t);
  writeFile(w.home.configFile, `${devSession(w.sandbox, { scopes: false })}`);
  const r = await runCli(['ls'], { env: w.env });
  assert.equal(r.code, 3);
  assert.match(r.stderr, /not signed in to sso-session "dev"/);
  assert.match(r.stderr, /rolehop login --sso-session dev/);
  assert.equal(r.stdout, '');
});

test('ls with several sso-sessions and none chosen is a usage error naming them', async (t) => {
  const w = await sandboxWorld(t);
  writeFile(
    w.home.configFile,
    '[sso-session a]\nsso_start_url = https://a.awsapps.com/start\nsso_region = us-east-1\n[sso-session b]\nsso_start_url = https://b.awsapps.com/start\nsso_region = us-east-1\n',
  );
  const r = await runInProcess(['ls'], w.env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /several sso-sessions.*a, b/);
  assert.match(r.stderr, /--sso-session/);
});

test('a portal that keeps failing (5xx) is retried with backoff, then exit 5 with a clear message', async (t) => {
  const w = await signedInWorld(t);
  await w.sandbox.admin.setFaults({ failRate: 1 });
  const r = await runInProcess(['ls'], w.env);
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /SSO portal kept failing .*attempts/);
  assert.ok((await w.sandbox.admin.counts()).ListAccounts! > 1, 'retried');
});

test('account names and emails from the portal reach the terminal without control characters', async (t) => {
  const base = defaultDirectoryInput();
  const w = await signedInWorld(t, {
    directory: {
      ...base,
      accounts: [
        { id: '111111111111', name: 'prod\x1b]0;pwned\x07\x1b[2J', email: 'x\u009b31m@example.com\u202e' },
      ],
      assignments: [{ user: 'alice', account: '111111111111', permissionSets: ['ReadOnlyAccess'] }],
    },
  });
  const r = await runInProcess(['ls'], w.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '111111111111  prod]0;pwned[2J  <x31m@example.com>\n    ReadOnlyAccess\n');
  const json = await runInProcess(['ls', '--json'], w.env);
  assert.equal(
    JSON.parse(json.stdout)[0].accountName,
    'prod\x1b]0;pwned\x07\x1b[2J',
    '--json keeps the data',
  );
});
