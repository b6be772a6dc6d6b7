import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { test } from 'node:test';
import { repoRoot, runProcess } from '../harness/cli.ts';

test('npm run demo tells the whole story on the sandbox, offline, and cleans up after itself', async () => {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  // No route to the internet: every endpoint must be the local sandbox.
  Object.assign(env, {
    HTTPS_PROXY: 'http://127.0.0.1:9',
    HTTP_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  });
  const before = new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('rolehop-demo-')));
  const r = await runProcess(process.execPath, ['scripts/demo.mjs'], {
    env,
    cwd: repoRoot,
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, r.stderr);
  for (const step of [
    'Sign in once',
    'See what you can reach',
    'Method 01',
    'assume another role',
    'Check who you are',
    'Run one command',
  ]) {
    assert.match(r.stdout, new RegExp(`^\\d\\. .*${step}`, 'm'), step);
  }
  assert.match(r.stdout, /By hand: .*\n {3}With rolehop: /);
  assert.match(r.stdout, /^ {4}111111111111 {2}prod/m, 'rolehop ls output');
  assert.match(r.stdout, /^ {4}export AWS_ACCESS_KEY_ID='ASIA\w+';$/m, 'env lines');
  assert.match(
    r.stdout,
    /^ {4}Arn: +arn:aws:sts::222222222222:assumed-role\/ReadOnlyAccess\//m,
    'whoami after --assume',
  );
  assert.match(r.stdout, /child sees ASIA… as prod\/AdministratorAccess/);
  assert.match(
    r.stdout,
    /7\. Method 02[\s\S]*\[profile prod-readonly\]\n {4}role_arn = [\s\S]*\$ rolehop whoami prod-readonly\n {4}Account: +222222222222/,
  );
  assert.doesNotMatch(r.stdout, /AWS_SECRET_ACCESS_KEY='[^'…]{20,}'/, 'secrets are shortened on screen');
  const after = fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('rolehop-demo-') && !before.has(n));
  assert.deepEqual(after, [], 'the throwaway HOME is gone');
});
