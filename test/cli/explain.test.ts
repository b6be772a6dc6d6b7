import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { runInProcess } from '../harness/cli.ts';
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
  const r = await runInProcess(['explain', 'prod-deploy'], env);
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
  const r = await runInProcess(['explain', 'prod-deploy', '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    profile: 'prod-deploy',
    region: 'eu-central-1',
    regionFrom: 'profile "prod-deploy"',
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
  const ssoRegion = await runInProcess(['explain', 'base', '--json'], env);
  assert.equal(JSON.parse(ssoRegion.stdout).region, 'eu-west-1');
  assert.equal(JSON.parse(ssoRegion.stdout).regionFrom, 'sso_region of sso-session "org"');
  assert.deepEqual(JSON.parse(ssoRegion.stdout).hops, []);
  writeFile(env.AWS_CONFIG_FILE!, '[profile keys]\ncredential_process = /bin/true\n');
  const none = await runInProcess(['explain', 'keys', '--json'], env);
  assert.equal(JSON.parse(none.stdout).region, null, 'nothing names a region');
});

test('explain takes the profile from --profile, then AWS_PROFILE, AWS_DEFAULT_PROFILE, default', async (t) => {
  const { env } = home(t);
  const profileOf = async (args: string[], extra: Record<string, string>) => {
    const r = await runInProcess(['explain', '--json', ...args], { ...env, ...extra });
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).profile;
  };
  const both = { AWS_PROFILE: 'prod-deploy', AWS_DEFAULT_PROFILE: 'hub' };
  assert.equal(await profileOf(['--profile', 'base'], both), 'base');
  assert.equal(await profileOf([], both), 'prod-deploy');
  assert.equal(await profileOf([], { ...both, AWS_PROFILE: '' }), 'hub', 'an empty AWS_PROFILE is unset');
  writeFile(
    env.AWS_CONFIG_FILE!,
    `${CONFIG}\n[default]\nsso_session = org\nsso_account_id = 111122223333\nsso_role_name = Admin\n`,
  );
  assert.equal(await profileOf([], {}), 'default');
});

test('explain: region from --region, the profile, AWS_REGION, AWS_DEFAULT_REGION, [default], sso_region', async (t) => {
  const { env } = home(t);
  const regionOf = async (profile: string, args: string[], extra: Record<string, string>) => {
    const r = await runInProcess(['explain', profile, '--json', ...args], { ...env, ...extra });
    assert.equal(r.code, 0, r.stderr);
    const { region, regionFrom } = JSON.parse(r.stdout);
    return `${region} ${regionFrom}`;
  };
  const envs = { AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'us-west-1' };
  assert.equal(await regionOf('prod-deploy', ['--region', 'us-west-2'], envs), 'us-west-2 --region');
  assert.equal(await regionOf('prod-deploy', [], envs), 'eu-central-1 profile "prod-deploy"');
  assert.equal(await regionOf('hub', [], envs), 'ap-south-1 AWS_REGION');
  assert.equal(
    await regionOf('hub', [], { AWS_DEFAULT_REGION: 'us-west-1' }),
    'us-west-1 AWS_DEFAULT_REGION',
  );
  assert.equal(await regionOf('hub', [], {}), 'eu-west-1 sso_region of sso-session "org"');
  writeFile(env.AWS_CONFIG_FILE!, `${CONFIG}\n[default]\nregion = ca-central-1\n`);
  assert.equal(await regionOf('hub', [], {}), 'ca-central-1 profile "default"');
  const human = await runInProcess(['explain', 'hub'], env);
  assert.match(human.stdout, /region: +ca-central-1 \(from profile "default"\)/);
});

test('explain: an unknown profile exits 1 and lists close matches', async (t) => {
  const { env } = home(t);
  const r = await runInProcess(['explain', 'prod-deplyo'], env);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /profile "prod-deplyo" is not defined/);
  assert.match(r.stderr, /hint: did you mean "prod-deploy"\?/);
});

test('explain: a broken chain exits 1 naming the profile and the fix', async (t) => {
  const { env } = home(t);
  const r = await runInProcess(['explain', 'broken'], env);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /profile "broken" has source_profile "nowhere", which is not defined/);
  assert.match(r.stderr, /hint: define \[profile nowhere\]/);
});

test('explain: two profiles is a usage error', async (t) => {
  const { env } = home(t);
  const r = await runInProcess(['explain', 'a', 'b'], env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /explain takes one profile/);
});

test('explain with nothing named follows the commands: the environment web identity before [default]', async (t) => {
  const { env, configFile } = home(t);
  writeFile(configFile, `${CONFIG}\n[default]\nregion = us-east-2\n`);
  const withToken = {
    ...env,
    AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token',
    AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/ci',
  };
  const r = await runInProcess(['explain', '--json'], withToken);
  assert.equal(r.code, 0, r.stderr);
  const shown = JSON.parse(r.stdout);
  assert.equal(shown.source.kind, 'web-identity');
  assert.equal(shown.source.roleArn, 'arn:aws:iam::111122223333:role/ci');
  assert.match(shown.profile, /environment/);
  // A named profile still wins, as it does for every command.
  const named = await runInProcess(['explain', 'base', '--json'], withToken);
  assert.equal(JSON.parse(named.stdout).source.kind, 'sso');
});

test('explain refuses an sso_account_id that is not 12 digits, as the commands do', async (t) => {
  const { env, configFile } = home(t);
  writeFile(
    configFile,
    `${CONFIG}\n[profile short-id]\nsso_session = org\nsso_account_id = 1234\nsso_role_name = Admin\n`,
  );
  const r = await runInProcess(['explain', 'short-id'], env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /not a 12-digit AWS account id/);
});
