import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseTokenText, serializeToken, tokenCachePath } from '../../src/sso/token-cache.ts';
import { repoRoot, runCli, runProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { ssoCallEnv, ssoCallScript } from '../sso/fixtures/build.ts';

// After `rolehop login`, botocore, awscli v1 and the JS SDK use the token without signing in again; after
// botocore refreshes it, rolehop uses botocore's token.

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

const BOTO = `
import boto3, json
s = boto3.Session(profile_name='admin')
print(json.dumps(s.client('sts').get_caller_identity()['Arn']))
`;

test('a rolehop login serves botocore, awscli v1 and the JS SDK; a botocore refresh serves rolehop', async (t) => {
  if (!requires(t, 'boto3', 'awscli')) return;
  const w = await sandboxWorld(t, { autoApprove: true });
  // A "browser" that follows the authorize redirect, as a user clicking through would.
  const opener = path.join(w.home.home, 'open.mjs');
  fs.writeFileSync(opener, 'await fetch(process.argv[2]);\n');
  const env = { ...w.env, BROWSER: `${process.execPath} ${opener}` };
  const login = await runCli(
    ['login', '--start-url', w.sandbox.startUrl, '--sso-region', w.sandbox.region, '--sso-session', 'dev'],
    { env, timeoutMs: 180_000 },
  );
  assert.equal(login.code, 0, login.stderr);
  fs.appendFileSync(
    w.home.configFile,
    '\n[profile admin]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\nregion = us-east-1\n',
  );
  const loginsBefore = (await w.sandbox.admin.counts()).CreateToken ?? 0;

  const boto = await runProcess('python3', ['-c', BOTO], { env, timeoutMs: 180_000 });
  assert.equal(boto.code, 0, boto.stderr);
  assert.match(JSON.parse(boto.stdout), /^arn:aws:sts::111111111111:assumed-role\/AdministratorAccess\//);
  const cli = await runProcess(
    'aws',
    ['sts', 'get-caller-identity', '--profile', 'admin', '--output', 'json'],
    { env, timeoutMs: 180_000 },
  );
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(JSON.parse(cli.stdout).Arn, /:assumed-role\/AdministratorAccess\//);
  const js = await runProcess(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "import { fromSSO } from '@aws-sdk/credential-providers'; const c = await fromSSO({ profile: 'admin' })(); console.log(JSON.stringify(c.expiration));",
    ],
    { env, cwd: repoRoot, timeoutMs: 180_000 },
  );
  assert.equal(js.code, 0, js.stderr);
  assert.ok(Date.parse(JSON.parse(js.stdout)) > Date.now(), 'the JS SDK got role credentials');
  assert.equal((await w.sandbox.admin.counts()).CreateToken ?? 0, loginsBefore, 'nobody signed in again');

  // Make the token due for refresh; botocore refreshes it (< 15 min left) and writes it back.
  const file = tokenCachePath(w.env, { name: 'dev', startUrl: w.sandbox.startUrl });
  const old = parseTokenText(fs.readFileSync(file, 'utf8'), file);
  fs.writeFileSync(file, serializeToken({ ...old, expiresAt: Date.now() + 5 * 60_000 }));
  const refreshed = await runProcess('python3', ['-c', BOTO], { env, timeoutMs: 180_000 });
  assert.equal(refreshed.code, 0, refreshed.stderr);
  const byBotocore = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.notEqual(byBotocore.accessToken, old.accessToken, 'botocore refreshed the token');
  assert.equal((await w.sandbox.admin.counts()).CreateToken ?? 0, loginsBefore + 1);

  const script = await ssoCallScript();
  const session = { name: 'dev', startUrl: w.sandbox.startUrl, region: w.sandbox.region };
  const mine = await runProcess(process.execPath, [script, 'token'], {
    env: { ...env, ...ssoCallEnv, ROLEHOP_TEST_SESSION: JSON.stringify(session) },
    timeoutMs: 180_000,
  });
  assert.equal(mine.code, 0, mine.stderr);
  assert.equal(JSON.parse(mine.stdout).accessToken, digest(byBotocore.accessToken));
  assert.equal(
    (await w.sandbox.admin.counts()).CreateToken ?? 0,
    loginsBefore + 1,
    'rolehop did not refresh again',
  );

  // logout: the portal revokes the token and the file goes; botocore then needs a new sign-in.
  const logout = await runCli(['logout', '--sso-session', 'dev'], { env, timeoutMs: 180_000 });
  assert.equal(logout.code, 0, logout.stderr);
  assert.equal(fs.existsSync(file), false);
  assert.equal((await w.sandbox.admin.counts()).Logout, 1);
  const after = await runProcess('python3', ['-c', BOTO], { env, timeoutMs: 180_000 });
  assert.notEqual(after.code, 0);
});
