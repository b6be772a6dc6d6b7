import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { repoRoot, rolehopBin, runCli, runInProcess, runProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { rolehopOnPath, signedInWorld } from '../harness/signed-in-world.ts';

// With the sandbox minting role credentials through moto (authorization on), what rolehop hands
// out is accepted by the real AWS CLI v1, boto3 and the JS SDK: the identity is the last hop's.

const CHAIN = `
[profile admin]
sso_session = dev
sso_account_id = 111111111111
sso_role_name = AdministratorAccess

[profile chain]
role_arn = arn:aws:iam::222222222222:role/ReadOnlyAccess
source_profile = admin
role_session_name = env-test
`;
const LAST_HOP = /^arn:aws:sts::222222222222:assumed-role\/ReadOnlyAccess\/env-test$/;

test('with moto behind the sandbox (authorization on), the last hop is who AWS tools see', async (t) => {
  if (!requires(t, 'moto', 'bash', 'awscli')) return;
  // One moto and sandbox for both: starting them is most of the time.
  const w = await signedInWorld(t, { moto: true });
  fs.appendFileSync(w.home.configFile, CHAIN);
  await t.test(
    'eval "$(rolehop env chain)" then aws sts get-caller-identity shows the last hop; same through exec',
    async () => {
      const shell = `eval "$("${process.execPath}" "${rolehopBin}" env chain --format bash)" && aws sts get-caller-identity --output json`;
      const r = await runProcess('bash', ['-c', shell], { env: { ...w.env, AWS_PROFILE: 'admin' } });
      assert.equal(r.code, 0, r.stderr);
      assert.match(JSON.parse(r.stdout).Arn, LAST_HOP, 'AWS_PROFILE was unset by the exports');

      const e = await runCli(
        ['exec', 'chain', '--', 'aws', 'sts', 'get-caller-identity', '--output', 'json'],
        {
          env: w.env,
        },
      );
      assert.equal(e.code, 0, e.stderr);
      assert.match(JSON.parse(e.stdout).Arn, LAST_HOP);

      const who = await runCli(['whoami', 'chain', '--json'], { env: w.env });
      assert.equal(who.code, 0, who.stderr);
      assert.match(JSON.parse(who.stdout).Arn, LAST_HOP);
      const text = await runInProcess(['whoami', 'chain'], w.env);
      assert.match(text.stdout, /^Account: +222222222222$/m);
      assert.match(
        text.stdout,
        /^Source: +profile chain: sso 111111111111\/AdministratorAccess .* -> assume arn:aws:iam::222222222222:role\/ReadOnlyAccess$/m,
      );
      assert.match(text.stdout, /^Expires: +\d{4}-\d\d-\d\dT[\d:]+Z \(in \d+m\)$/m);
    },
  );
  await t.test(
    'a credential_process profile calling rolehop works for awscli v1, boto3 and the JS SDK fromIni',
    async () => {
      fs.appendFileSync(
        w.home.configFile,
        `\n[profile viaproc]\ncredential_process = rolehop credential-process chain\nregion = us-east-1\n`,
      );
      const env = rolehopOnPath(w.env);
      const cli = await runProcess(
        'aws',
        ['sts', 'get-caller-identity', '--profile', 'viaproc', '--output', 'json'],
        {
          env,
        },
      );
      assert.equal(cli.code, 0, cli.stderr);
      assert.match(JSON.parse(cli.stdout).Arn, LAST_HOP);

      const boto = await runProcess(
        'python3',
        [
          '-c',
          "import boto3; print(boto3.Session(profile_name='viaproc').client('sts').get_caller_identity()['Arn'])",
        ],
        { env },
      );
      assert.equal(boto.code, 0, boto.stderr);
      assert.match(boto.stdout.trim(), LAST_HOP);

      const js = await runProcess(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `import { fromIni } from '@aws-sdk/credential-providers';
         import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
         const sts = new STSClient({ region: 'us-east-1', credentials: fromIni({ profile: 'viaproc' }) });
         console.log((await sts.send(new GetCallerIdentityCommand({}))).Arn);`,
        ],
        { env, cwd: repoRoot },
      );
      assert.equal(js.code, 0, js.stderr);
      assert.match(js.stdout.trim(), LAST_HOP);
    },
  );
});

test('credential-process prints Version 1 JSON and nothing on stderr; without a sign-in one line and exit 3 at once', async (t) => {
  const w = await signedInWorld(t);
  fs.appendFileSync(w.home.configFile, CHAIN);
  const r = await runCli(['credential-process', 'chain'], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const body = JSON.parse(r.stdout);
  assert.equal(body.Version, 1);
  assert.deepEqual(Object.keys(body), [
    'Version',
    'AccessKeyId',
    'SecretAccessKey',
    'SessionToken',
    'Expiration',
  ]);
  await w.sandbox.admin.revokeTokens();
  fs.rmSync(`${w.home.home}/.cache`, { recursive: true, force: true });
  const started = Date.now();
  const denied = await runCli(['credential-process', 'chain'], { env: w.env });
  assert.equal(denied.code, 3, denied.stderr);
  assert.equal(denied.stdout, '');
  assert.match(
    denied.stderr,
    /^rolehop: .*never signs in by itself\)\n {2}hint: run rolehop login --sso-session dev\n$/,
  );
  assert.ok(Date.now() - started < 15_000, 'no waiting for a sign-in');
});

test('env formats: fish and json carry the same keys; --unset clears them; an unknown format is exit 2', async (t) => {
  const w = await signedInWorld(t);
  const sel = ['--account', 'prod', '--role', 'ReadOnlyAccess'];
  const json = await runInProcess(['env', ...sel, '--format', 'json'], w.env);
  assert.equal(json.code, 0, json.stderr);
  const vars = JSON.parse(json.stdout);
  assert.deepEqual(Object.keys(vars), [
    'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'AWS_CREDENTIAL_EXPIRATION',
    'AWS_REGION',
    'AWS_DEFAULT_REGION',
  ]);
  const fish = await runInProcess(['env', ...sel, '--format', 'fish'], w.env);
  assert.match(fish.stdout, new RegExp(`^set -gx AWS_ACCESS_KEY_ID '${vars.AWS_ACCESS_KEY_ID}';$`, 'm'));
  assert.match(fish.stdout, /^set -e AWS_PROFILE; or true;$/m);
  const unset = await runInProcess(['env', '--unset'], { ...w.env, SHELL: '/usr/bin/zsh' });
  assert.equal(unset.code, 0, unset.stderr);
  assert.match(unset.stdout, /^unset AWS_SESSION_TOKEN;$/m);
  const bad = await runInProcess(['env', ...sel, '--format', 'tcsh'], w.env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown output format "tcsh"/);
});
