import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { repoRoot, rolehopBin, runInProcess, runProcess } from '../harness/cli.ts';
import { startMoto } from '../harness/moto.ts';
import { requires } from '../harness/requires.ts';
import { startSandbox } from '../harness/sandbox.ts';
import { devSession } from '../harness/sso-session.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// The three configure styles, read by the ecosystem itself: awscli v1, boto3 and the JS SDK's
// fromIni each act as the last role of the chain (SSO role in "prod" → Deploy in moto's account),
// with moto's authorization on, and list the bucket that only the target account holds.

const TARGET_ACCOUNT = '123456789012';
const DEPLOY_ARN = `arn:aws:iam::${TARGET_ACCOUNT}:role/Deploy`;
const BUCKET = 'rolehop-interop-target-bucket';

const SEED = `
import boto3, json, sys
url = sys.argv[1]
kw = dict(endpoint_url=url, region_name='us-east-1', aws_access_key_id='AKIASETUP0000000000', aws_secret_access_key='setup')
iam = boto3.client('iam', **kw)
trust = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': '*'}, 'Action': 'sts:AssumeRole'}]})
allow = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]})
iam.create_role(RoleName='Deploy', AssumeRolePolicyDocument=trust)
iam.put_role_policy(RoleName='Deploy', PolicyName='all', PolicyDocument=allow)
boto3.client('s3', **kw).create_bucket(Bucket='${BUCKET}')
`;

const BOTO3 = `
import boto3, json, sys
out = {}
for profile in sys.argv[1:]:
    s = boto3.Session(profile_name=profile)
    arn = s.client('sts').get_caller_identity()['Arn']
    buckets = [b['Name'] for b in s.client('s3').list_buckets()['Buckets']]
    out[profile] = {'arn': arn, 'buckets': buckets}
print(json.dumps(out))
`;

const FROM_INI = `
const { fromIni } = require('@aws-sdk/credential-providers');
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
(async () => {
  const out = {};
  for (const profile of process.argv.slice(1)) {
    const sts = new STSClient({ region: 'us-east-1', credentials: fromIni({ profile }) });
    out[profile] = (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

async function interopWorld(t: TestContext) {
  const home = tempHome(t);
  const moto = await startMoto(t);
  execFileSync('python3', ['-c', SEED, moto.url], { stdio: 'pipe' });
  const sandbox = await startSandbox(t, { sts: moto.url, autoApprove: true });
  await moto.enableAuth();
  // A `rolehop` on PATH, as users have it, for credential_process lines.
  const bin = path.join(home.home, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'rolehop'),
    `#!/bin/sh\nexec "${process.execPath}" "${rolehopBin}" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  const env = {
    ...home.env,
    ...sandbox.env,
    AWS_ENDPOINT_URL_S3: moto.url,
    AWS_REGION: 'us-east-1',
    PATH: `${bin}:${home.env.PATH}`,
  };
  writeFile(home.configFile, `${devSession(sandbox)}`);
  const login = await runInProcess(['login', '--sso-session', 'dev', '--device-code', '--no-browser'], env);
  assert.equal(login.code, 0, login.stderr);
  return { home, env };
}

/** awscli per profile; boto3 and fromIni once each for all profiles (python start-up is slow here). */
async function assertActAsDeploy(profiles: string[], env: Record<string, string>): Promise<void> {
  const deployArn = new RegExp(`^arn:aws:sts::${TARGET_ACCOUNT}:assumed-role/Deploy/`);
  for (const profile of profiles) {
    const who = await runProcess(
      'aws',
      ['sts', 'get-caller-identity', '--profile', profile, '--output', 'json'],
      {
        env,
      },
    );
    assert.equal(who.code, 0, `aws sts (${profile}): ${who.stderr}`);
    assert.match(JSON.parse(who.stdout).Arn, deployArn);
    const ls = await runProcess('aws', ['s3', 'ls', '--profile', profile], { env });
    assert.equal(ls.code, 0, `aws s3 ls (${profile}): ${ls.stderr}`);
    assert.match(ls.stdout, new RegExp(` ${BUCKET}$`, 'm'));
  }
  const boto = await runProcess('python3', ['-c', BOTO3, ...profiles], { env });
  assert.equal(boto.code, 0, `boto3: ${boto.stderr}`);
  for (const [profile, b] of Object.entries(
    JSON.parse(boto.stdout) as Record<string, { arn: string; buckets: string[] }>,
  )) {
    assert.match(b.arn, deployArn, `boto3 ${profile}`);
    assert.deepEqual(b.buckets, [BUCKET]);
  }
  const js = await runProcess(process.execPath, ['-e', FROM_INI, ...profiles], { env, cwd: repoRoot });
  assert.equal(js.code, 0, `fromIni: ${js.stderr}`);
  const arns = JSON.parse(js.stdout) as Record<string, string>;
  assert.deepEqual(Object.keys(arns), profiles);
  for (const arn of Object.values(arns)) assert.match(arn, deployArn);
}

test('sso, process and credentials styles: awscli, boto3 and fromIni all act as the last role of the chain', async (t) => {
  if (!requires(t, 'moto', 'awscli')) return;
  const { home, env } = await interopWorld(t);
  for (const style of ['sso', 'process', 'credentials']) {
    const r = await runInProcess(
      [
        'configure',
        `via-${style}`,
        '--account',
        'prod',
        '--role',
        'AdministratorAccess',
        '--assume',
        DEPLOY_ARN,
        '--style',
        style,
        '--region',
        'us-east-1',
      ],
      env,
    );
    assert.equal(r.code, 0, `${style}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`^\\+\\[profile via-${style}\\]$`, 'm'), 'the diff is shown');
  }
  const config = fs.readFileSync(home.configFile, 'utf8');
  // The SSO role is written once and reused as the source of every chain.
  assert.equal((config.match(/^sso_account_id = 111111111111$/gm) ?? []).length, 1);
  assert.match(
    config,
    /^credential_process = rolehop credential-process --sso-session dev --account 111111111111 --role AdministratorAccess --assume arn:aws:iam::123456789012:role\/Deploy$/m,
  );
  const credentials = fs.readFileSync(home.credentialsFile, 'utf8');
  assert.match(
    credentials,
    /^# expires \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ; refresh with: rolehop sync via-credentials$/m,
  );
  assert.equal(fs.statSync(home.credentialsFile).mode & 0o777, 0o600);

  await assertActAsDeploy(['via-sso', 'via-process', 'via-credentials'], env);

  // A tool that reads only ~/.aws/credentials gets the Deploy role's keys directly.
  const keysOnly = await runProcess('aws', ['sts', 'get-caller-identity', '--profile', 'via-credentials'], {
    env: { ...env, AWS_CONFIG_FILE: path.join(home.home, 'no-such-config'), AWS_DEFAULT_REGION: 'us-east-1' },
  });
  assert.equal(keysOnly.code, 0, keysOnly.stderr);
  assert.match(keysOnly.stdout, /assumed-role\/Deploy\//);

  // Same arguments again: nothing changes, nothing is written.
  const mtimes = [home.configFile, home.credentialsFile].map((f) => fs.statSync(f).mtimeMs);
  for (const style of ['sso', 'process', 'credentials']) {
    const again = await runInProcess(
      [
        'configure',
        `via-${style}`,
        '--account',
        '111111111111',
        '--role',
        'AdministratorAccess',
        '--assume',
        DEPLOY_ARN,
        '--style',
        style,
        '--region',
        'us-east-1',
      ],
      env,
    );
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /up to date; nothing written/);
  }
  assert.deepEqual(
    [home.configFile, home.credentialsFile].map((f) => fs.statSync(f).mtimeMs),
    mtimes,
  );
});
