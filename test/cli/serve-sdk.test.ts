import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { repoRoot, runCli } from '../harness/cli.ts';
import { get } from '../harness/http.ts';
import { requires } from '../harness/requires.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { signInAsDev } from '../harness/signed-in-world.ts';
import { devProfile, devSession } from '../harness/sso-session.ts';
import { startCli, waitFor } from '../sso/fixtures/browser-spy.ts';

// `rolehop serve` as users run it (the built CLI) against the sandbox, with moto as the STS that
// issues the role credentials and checks every signed call the SDKs make with them.

/** Signed in as sso-session "dev", with the profiles the SDK clients select: app and reader. */
async function world(t: TestContext, options: { moto?: boolean } = {}) {
  const w = await sandboxWorld(t, options);
  const profiles = [
    devProfile(w.sandbox, 'app'),
    devProfile(w.sandbox, 'reader', '222222222222', 'ReadOnlyAccess'),
  ];
  return signInAsDev(w, [devSession(w.sandbox), ...profiles].join('\n'));
}

// A long-running boto3 process: calls STS and S3 until it has used three different sets of
// credentials, each fetched from the endpoint as botocore's container provider refreshed them.
const PYTHON_CLIENT = String.raw`
import boto3, os, sys, time
session = boto3.Session(region_name='us-east-1')
sts = session.client('sts')
s3 = session.client('s3', endpoint_url=os.environ['AWS_ENDPOINT_URL_STS'])
seen = []
deadline = time.time() + 40
while len(set(seen)) < 3:
    if time.time() > deadline:
        print('py timeout', flush=True); sys.exit(1)
    arn = sts.get_caller_identity()['Arn']
    s3.list_buckets()
    creds = session.get_credentials().get_frozen_credentials()
    seen.append(creds.access_key)
    with open(os.environ['SECRETS_LOG'], 'a') as f:
        f.write(creds.secret_key + '\n')
    print('py', creds.access_key, arn, flush=True)
`;

// The same from the JS SDK v3's default chain (its container provider, memoized with refresh).
const JS_CLIENT = String.raw`
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
(async () => {
  const client = new STSClient({ region: 'us-east-1' });
  const seen = new Set();
  const deadline = Date.now() + 40000;
  while (seen.size < 3) {
    if (Date.now() > deadline) { console.log('js timeout'); process.exit(1); }
    const { Arn } = await client.send(new GetCallerIdentityCommand({}));
    const creds = await client.config.credentials();
    seen.add(creds.accessKeyId);
    require('fs').appendFileSync(process.env.SECRETS_LOG, creds.secretAccessKey + '\n');
    console.log('js', creds.accessKeyId, Arn);
  }
})().catch((e) => { console.log('js error', e.name, e.message); process.exit(1); });
`;

test('boto3 and the JS SDK under `serve -- CMD` keep working across credential refreshes; moto checks every call', async (t) => {
  if (!requires(t, 'moto')) return;
  const w = await world(t, { moto: true });
  // Role credentials now live 20 seconds: every SDK refresh must come back to rolehop for new ones.
  await w.sandbox.admin.setLifetimes({ roleCredentialSeconds: 20 });
  const secretsLog = path.join(w.home.home, 'secrets.log');
  const before = (await w.sandbox.admin.counts()).GetRoleCredentials ?? 0;
  const r = await runCli(
    [
      'serve',
      'app',
      '--debug',
      '--',
      'sh',
      '-c',
      'python3 -c "$PY_CLIENT" & py=$!; node -e "$JS_CLIENT"; js=$?; wait $py; py=$?; exit $((js * 16 + py))',
    ],
    {
      env: {
        ...w.env,
        PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`,
        PY_CLIENT: PYTHON_CLIENT,
        JS_CLIENT,
        SECRETS_LOG: secretsLog,
        // Static keys in the caller's environment must not reach the SDKs.
        AWS_ACCESS_KEY_ID: 'AKIASTATICNOTUSED000',
        AWS_SECRET_ACCESS_KEY: 'staticSecretNotUsedEXAMPLEstaticSecretNo',
      },
      cwd: repoRoot,
      timeoutMs: 90_000,
    },
  );
  assert.equal(r.code, 0, `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  for (const sdk of ['py', 'js']) {
    const lines = r.stdout.split('\n').filter((l) => l.startsWith(`${sdk} `));
    const keys = new Set(lines.map((l) => l.split(' ')[1]));
    assert.ok(keys.size >= 3, `${sdk} used ${keys.size} credential sets:\n${r.stdout}`);
    for (const l of lines) {
      assert.match(l, /^\w+ ASIA\w+ arn:aws:sts::111111111111:assumed-role\/AdministratorAccess\/alice$/);
    }
  }
  const after = (await w.sandbox.admin.counts()).GetRoleCredentials ?? 0;
  assert.ok(after - before >= 6, `rolehop fetched ${after - before} times`);
  // --debug logs requests, never a secret.
  assert.match(r.stderr, /debug: serve: /);
  const secrets = fs.readFileSync(secretsLog, 'utf8').split('\n').filter(Boolean);
  assert.ok(secrets.length >= 6);
  for (const secret of secrets) assert.equal(r.stderr.includes(secret), false, 'a secret reached stderr');
});

test('without CMD: prints the exports, serves only its profile at /, refuses strangers, stops on Ctrl-C', async (t) => {
  const w = await world(t);
  const cli = startCli(t, ['serve', 'reader', '--debug'], w.env);
  let stdout = '';
  cli.child.stdout!.on('data', (d: string) => {
    stdout += d;
  });
  const exports = await waitFor(
    () =>
      /^export AWS_CONTAINER_CREDENTIALS_FULL_URI=(\S+)\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN=(\S+)\n$/.exec(
        stdout,
      ) ?? undefined,
    'the exports',
  );
  const [, url, token] = exports as unknown as [string, string, string];
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const own = await get(url, { Authorization: token });
  assert.equal(own.status, 200);
  const a = JSON.parse(own.body);
  assert.deepEqual(Object.keys(a), ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration']);
  // The ReadOnlyAccess token must not buy the AdministratorAccess profile from the same files.
  for (const other of ['app', 'no-such-profile']) {
    const r = await get(`${url}${other}`, { Authorization: token });
    assert.equal(r.status, 404, other);
    assert.doesNotMatch(r.body, /AccessKeyId/);
  }
  assert.equal((await get(url, {})).status, 401);
  assert.equal((await get(url, { Authorization: 'wrong' })).status, 403);
  assert.equal((await get(url, { Authorization: token, Host: 'rebind.example' })).status, 403);
  cli.child.kill('SIGINT');
  const done = await cli.done;
  assert.equal(done.code, 130);
  assert.match(done.stderr, /Serving credentials for reader on http:\/\/127\.0\.0\.1:\d+\//);
  for (const secret of [token, a.SecretAccessKey, a.Token]) {
    assert.equal(done.stderr.includes(secret), false, 'a secret reached stderr');
  }
  await assert.rejects(get(url, { Authorization: token }), /ECONNREFUSED/);
});

test('serve -- CMD passes the exit code on; a missing command is 127', async (t) => {
  const w = await world(t);
  const exit3 = await runCli(['serve', 'app', '--', process.execPath, '-e', 'process.exit(3)'], {
    env: w.env,
  });
  assert.equal(exit3.code, 3, exit3.stderr);
  assert.equal(exit3.stdout, '');
  const ok = await runCli(
    [
      'serve',
      'app',
      '--',
      process.execPath,
      '-e',
      'process.stdout.write(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI)',
    ],
    { env: w.env },
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const missing = await runCli(['serve', 'app', '--', 'rolehop-no-such-command'], { env: w.env });
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /command not found: rolehop-no-such-command/);
});

test("SIGTERM to serve reaches CMD, and CMD's own exit code comes back", async (t) => {
  const w = await world(t);
  const script =
    "process.on('SIGTERM', () => process.exit(42)); process.stdout.write('ready\\n'); setInterval(() => {}, 1000)";
  const cli = startCli(t, ['serve', 'app', '--', process.execPath, '-e', script], w.env);
  let stdout = '';
  cli.child.stdout!.on('data', (d: string) => {
    stdout += d;
  });
  await waitFor(() => stdout.includes('ready'), 'the child to start');
  cli.child.kill('SIGTERM');
  const done = await cli.done;
  assert.equal(done.code, 42, done.stderr);
});

test('bad --port is a usage error (exit 2) naming the value, before any credentials are fetched', async (t) => {
  const w = await world(t);
  const cacheDir = path.join(w.home.home, '.cache');
  for (const bad of ['70000', 'abc', '0x50', '80.5']) {
    const r = await runCli(['serve', 'app', '--port', bad, '--', 'true'], { env: w.env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`invalid --port "${bad.replace('.', '\\.')}"`));
    assert.match(r.stderr, /hint: .*65535/);
    assert.equal(r.stdout, '');
  }
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials ?? 0, 0);
  assert.equal(fs.existsSync(cacheDir), false, 'nothing was cached');
  const twoProfiles = await runCli(['serve', 'app', 'reader'], { env: w.env });
  assert.equal(twoProfiles.code, 2);
  assert.match(twoProfiles.stderr, /unexpected argument "reader"/);
});
