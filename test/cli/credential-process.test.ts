import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { runCli, runInProcess } from '../harness/cli.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { signedInWorld, snapshot } from '../harness/signed-in-world.ts';
import { devSession } from '../harness/sso-session.ts';
import { writeFile } from '../harness/temp-home.ts';

const A = 'arn:aws:iam::222222222222:role/Deploy';
const B = 'arn:aws:iam::333333333333:role/Audit';

test('50 parallel cold credential-process calls: one GetRoleCredentials, one AssumeRole per hop, the same keys', async (t) => {
  const w = await signedInWorld(t);
  const args = [
    'credential-process',
    '--account',
    '111111111111',
    '--role',
    'AdministratorAccess',
    '--assume',
    A,
    '--assume',
    B,
  ];
  const results = await Promise.all(
    Array.from({ length: 50 }, () => runCli(args, { env: w.env, timeoutMs: 120_000 })),
  );
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const keys = new Set(results.map((r) => JSON.parse(r.stdout).AccessKeyId));
  assert.equal(keys.size, 1, 'every caller got the same credentials');
  const counts = await w.sandbox.admin.counts();
  assert.equal(counts.GetRoleCredentials, 1);
  assert.equal(counts.AssumeRole, 2, 'one AssumeRole per hop');
});

const REFUSED: [string, string[], number, RegExp][] = [
  ['an unknown profile', ['credential-process', 'prdo'], 1, /profile "prdo" is not defined/],
  [
    'a malformed --assume ARN',
    ['env', '--account', 'prod', '--role', 'ReadOnlyAccess', '--assume', 'arn:aws:iam::1234:role/X'],
    2,
    /invalid role ARN "arn:aws:iam::1234:role\/X": account "1234" is not 12 digits/,
  ],
  [
    'a bad --duration',
    [
      'exec',
      '--account',
      'prod',
      '--role',
      'ReadOnlyAccess',
      '--assume',
      A,
      '--duration',
      '10m',
      '--',
      'true',
    ],
    2,
    /invalid session duration 600/,
  ],
  [
    'a bad --session-name',
    ['whoami', 'prod', '--assume', A, '--session-name', 'no spaces allowed'],
    2,
    /invalid role session name "no spaces allowed"/,
  ],
  ['--role without --account', ['env', '--role', 'ReadOnlyAccess'], 2, /--role needs --account/],
  [
    '--external-id with no role to assume',
    ['env', '--account', 'prod', '--role', 'ReadOnlyAccess', '--external-id', 'abc'],
    2,
    /--external-id applies to a role to assume/,
  ],
  ['no selection without a terminal', ['env'], 2, /no profile or account selected/],
  ['a bad --mfa-code', ['env', 'prod', '--mfa-code', '12ab'], 2, /invalid MFA code: it must be the 6 digits/],
];

test('bad input is refused with a clear message and exit code, before any network call, changing no file', async (t) => {
  const w = await sandboxWorld(t);
  writeFile(
    w.home.configFile,
    `${devSession(w.sandbox, { scopes: false })}\n[profile prod]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = ReadOnlyAccess\n`,
  );
  const before = snapshot(w.home.home);
  await Promise.all(
    REFUSED.map(async ([what, args, code, message]) => {
      const r = await runInProcess(args, w.env);
      assert.equal(r.code, code, `${what}: ${r.stderr}`);
      assert.match(r.stderr, message, what);
      assert.match(r.stderr, /hint: /, `${what} says how to fix it`);
      assert.equal(r.stdout, '', what);
    }),
  );
  assert.deepEqual(await w.sandbox.admin.counts(), {}, 'no call reached the sandbox');
  assert.deepEqual(snapshot(w.home.home), before);
  assert.ok(!fs.existsSync(`${w.home.home}/.cache`));
});

test('an MFA hop takes --mfa-code; without one and no terminal to ask on it is a usage error', async (t) => {
  const w = await signedInWorld(t);
  const sel = [
    '--account',
    'prod',
    '--role',
    'AdministratorAccess',
    '--assume',
    A,
    '--mfa-serial',
    'arn:aws:iam::111111111111:mfa/alice',
  ];
  const asked = await runInProcess(['credential-process', ...sel], w.env);
  assert.equal(asked.code, 2, asked.stderr);
  assert.match(
    asked.stderr,
    /MFA code is needed for arn:aws:iam::111111111111:mfa\/alice and there is no terminal/,
  );
  assert.match(asked.stderr, /--mfa-code/);
  const given = await runInProcess(['credential-process', ...sel, '--mfa-code', '123456'], w.env);
  assert.equal(given.code, 0, given.stderr);
  assert.equal(JSON.parse(given.stdout).Version, 1);
});

test('an STS that keeps answering 5xx is retried with backoff, then exit 5 with a clear message', async (t) => {
  const w = await signedInWorld(t);
  await w.sandbox.admin.setFaults({
    forceError: { operation: 'AssumeRole', error: 'InternalFailure', status: 500 },
  });
  const args = ['credential-process', '--account', 'prod', '--role', 'AdministratorAccess', '--assume', A];
  const r = await runInProcess(args, w.env);
  assert.equal(r.code, 5, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^rolehop: .*AssumeRole.*\n/);
  const counts = await w.sandbox.admin.counts();
  assert.ok(counts.AssumeRole! > 1, `retried (${counts.AssumeRole} attempts)`);
  assert.equal(counts.GetRoleCredentials, 1);
});
