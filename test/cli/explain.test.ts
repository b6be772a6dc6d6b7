import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { runCli } from '../harness/cli.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

const CONFIG = `[sso-session org]
sso_start_url = https://d-123.awsapps.com/start
sso_region = eu-west-1

[profile base]
sso_session = org
sso_account_id = 111122223333
sso_role_name = Admin

[profile hub]
role_arn = arn:aws:iam::222233334444:role/Hub
source_profile = base
role_session_name = alice

[profile prod-deploy]
role_arn = arn:aws:iam::333344445555:role/Deploy
source_profile = hub
external_id = ext-42
duration_seconds = 3600
region = eu-central-1

[profile broken]
role_arn = arn:aws:iam::333344445555:role/Deploy
source_profile = nowhere
`;

function home(t: TestContext) {
  const h = tempHome(t);
  writeFile(h.configFile, CONFIG);
  return h;
}

test('explain: human output goes hop by hop and says where each part came from', async (t) => {
  const { env } = home(t);
  const r = await runCli(['explain', 'prod-deploy'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines[0], 'profile prod-deploy (chain prod-deploy -> hub -> base)');
  assert.match(lines[1]!, /region: +eu-central-1 \(from profile "prod-deploy"\)/);
  assert.match(
    lines[2]!,
    /source: +IAM Identity Center: account 111122223333, role Admin, sso-session "org" .*\[profile "base"\]/,
  );
  assert.match(
    lines[3]!,
    /hop 1: +assume arn:aws:iam::222233334444:role\/Hub, session name alice +\[profile "hub"\]/,
  );
  assert.match(
    lines[4]!,
    /hop 2: +assume arn:aws:iam::333344445555:role\/Deploy, with external id, for 3600 s +\[profile "prod-deploy"\]/,
  );
});

test('explain --json prints exactly the plan', async (t) => {
  const { env } = home(t);
  const r = await runCli(['explain', 'prod-deploy', '--json'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    profile: 'prod-deploy',
    region: 'eu-central-1',
    source: {
      kind: 'sso',
      session: 'org',
      startUrl: 'https://d-123.awsapps.com/start',
      ssoRegion: 'eu-west-1',
      accountId: '111122223333',
      roleName: 'Admin',
    },
    hops: [
      { roleArn: 'arn:aws:iam::222233334444:role/Hub', sessionName: 'alice', profile: 'hub' },
      {
        roleArn: 'arn:aws:iam::333344445555:role/Deploy',
        externalId: 'ext-42',
        durationSeconds: 3600,
        profile: 'prod-deploy',
      },
    ],
  });
  const noRegion = await runCli(['explain', 'base', '--json'], { env });
  assert.equal(JSON.parse(noRegion.stdout).region, null);
  assert.deepEqual(JSON.parse(noRegion.stdout).hops, []);
});

test('explain takes the profile from --profile, then AWS_PROFILE; --region and AWS_REGION override', async (t) => {
  const { env } = home(t);
  const viaFlag = await runCli(['explain', '--profile', 'hub', '--json', '--region', 'us-west-2'], { env });
  assert.equal(viaFlag.code, 0, viaFlag.stderr);
  assert.equal(JSON.parse(viaFlag.stdout).profile, 'hub');
  assert.equal(JSON.parse(viaFlag.stdout).region, 'us-west-2');
  const viaEnv = await runCli(['explain', '--json'], {
    env: { ...env, AWS_PROFILE: 'prod-deploy', AWS_REGION: 'ap-south-1' },
  });
  assert.equal(viaEnv.code, 0, viaEnv.stderr);
  assert.equal(JSON.parse(viaEnv.stdout).profile, 'prod-deploy');
  assert.equal(JSON.parse(viaEnv.stdout).region, 'ap-south-1');
});

test('explain: an unknown profile exits 1 and lists close matches', async (t) => {
  const { env } = home(t);
  const r = await runCli(['explain', 'prod-deplyo'], { env });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /profile "prod-deplyo" is not defined/);
  assert.match(r.stderr, /hint: did you mean "prod-deploy"\?/);
});

test('explain: a broken chain exits 1 naming the profile and the fix', async (t) => {
  const { env } = home(t);
  const r = await runCli(['explain', 'broken'], { env });
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /profile "broken" has source_profile "nowhere", which is not defined/);
  assert.match(r.stderr, /hint: define \[profile nowhere\]/);
});

test('explain: two profiles is a usage error', async (t) => {
  const { env } = home(t);
  const r = await runCli(['explain', 'a', 'b'], { env });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /explain takes one profile/);
});
