import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { selectedProfile } from '../../src/config/env-profile.ts';
import type { ConfigView } from '../../src/config/model.ts';
import { planForSelection, type TargetDeps } from '../../src/creds/target.ts';
import { fromRolehop } from '../../src/index.ts';
import { UsageError } from '../../src/util/errors.ts';
import { runInProcess } from '../harness/cli.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// The one road (creds/target.ts): which profile "nothing named" means, the same in every command
// and in fromRolehop, and the region a selector plan gets.

const KEYS = { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'secret' };
const view: ConfigView = {
  profiles: { default: { ...KEYS }, envp: { ...KEYS }, legacy: { ...KEYS } },
  ssoSessions: { org: { sso_start_url: 'https://d-1.awsapps.com/start', sso_region: 'eu-west-1' } },
  services: {},
  warnings: [],
};

function deps(env: Record<string, string>, extra: Partial<TargetDeps> = {}): TargetDeps {
  return {
    view,
    env,
    command: 'env',
    resolveAccount: async () => assert.fail('no name lookup expected'),
    ...extra,
  };
}

test('nothing named: AWS_PROFILE, then AWS_DEFAULT_PROFILE, then default (empty means unset)', async () => {
  const label = async (env: Record<string, string>) => (await planForSelection({}, deps(env))).label;
  assert.equal(await label({ AWS_PROFILE: 'envp', AWS_DEFAULT_PROFILE: 'legacy' }), 'envp');
  assert.equal(await label({ AWS_PROFILE: '', AWS_DEFAULT_PROFILE: 'legacy' }), 'legacy');
  assert.equal(await label({}), 'default');
  // `config` (selectedProfile) and `explain` (envProfileName) read the same rule.
  const envs: Record<string, string>[] = [
    { AWS_PROFILE: 'envp', AWS_DEFAULT_PROFILE: 'legacy' },
    { AWS_PROFILE: '', AWS_DEFAULT_PROFILE: 'legacy' },
    {},
  ];
  for (const env of envs) {
    assert.equal(selectedProfile(env), await label(env));
    assert.equal(selectedProfile(env, 'flag'), 'flag');
  }
  const plan = (await planForSelection({ assume: ['arn:aws:iam::111122223333:role/X'] }, deps({}))).plan;
  assert.equal(plan.profile, 'default', '--assume starts from the default profile');
  assert.equal(plan.hops.length, 1);
});

test("the environment's web identity comes after AWS_PROFILE/AWS_DEFAULT_PROFILE and before the picker and `default`; selectors skip it", async () => {
  const web = {
    AWS_WEB_IDENTITY_TOKEN_FILE: '/tmp/token',
    AWS_ROLE_ARN: 'arn:aws:iam::111122223333:role/Ci',
    AWS_REGION: 'eu-central-1',
  };
  const pick = async () => assert.fail('the picker is not asked when the environment names a source');
  const viaEnv = await planForSelection({}, deps(web, { pick }));
  assert.equal(viaEnv.label, 'web identity');
  assert.equal(viaEnv.plan.source.kind, 'web-identity');
  assert.equal(viaEnv.plan.region, 'eu-central-1');
  const chained = await planForSelection({ assume: ['arn:aws:iam::111122223333:role/X'] }, deps(web));
  assert.equal(chained.plan.source.kind, 'web-identity', '--assume chains from it');
  assert.equal(chained.plan.hops.length, 1);
  assert.equal((await planForSelection({}, deps({ ...web, AWS_PROFILE: 'envp' }))).label, 'envp');
  assert.equal((await planForSelection({}, deps({ ...web, AWS_DEFAULT_PROFILE: 'legacy' }))).label, 'legacy');
  assert.equal((await planForSelection({ profile: 'legacy' }, deps(web))).label, 'legacy');
  const bySelector = await planForSelection({ account: '111122223333', role: 'Admin' }, deps(web));
  assert.equal(bySelector.plan.source.kind, 'sso');
});

test('nothing named and no default profile is still a usage error naming the fix', async () => {
  const bare = { ...view, profiles: {} };
  await assert.rejects(planForSelection({}, { ...deps({}), view: bare }), (e: unknown) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /no profile or account selected/);
    return true;
  });
});

test('selectors are not overridden by the environment; the picker comes before `default`', async () => {
  let picked = 0;
  const pick = async () => {
    picked++;
    return { accountId: '111122223333', roleName: 'Admin' };
  };
  const viaPicker = await planForSelection({ ssoSession: 'org' }, deps({ AWS_PROFILE: 'envp' }, { pick }));
  assert.equal(viaPicker.label, '111122223333/Admin');
  assert.equal((await planForSelection({}, deps({}, { pick }))).label, '111122223333/Admin');
  assert.equal(picked, 2);
  const named = await planForSelection(
    { account: 'prod', role: 'Admin' },
    deps({}, { resolveAccount: async () => ({ accountId: '444455556666', accountName: 'prod' }) }),
  );
  assert.equal(named.label, 'prod/Admin');
  assert.equal(named.plan.region, 'eu-west-1', "with no region set anywhere, the sso-session's sso_region");
});

test('a selector plan takes --region, AWS_REGION, AWS_DEFAULT_REGION, then [default] region', async () => {
  const sel = { account: '111122223333', role: 'Admin' };
  const withDefault = { ...view, profiles: { default: { ...KEYS, region: 'ca-central-1' } } };
  const region = async (env: Record<string, string>, extra: object = {}) =>
    (await planForSelection({ ...sel, ...extra }, { ...deps(env), view: withDefault })).plan.region;
  assert.equal(await region({ AWS_REGION: 'ap-south-1' }, { region: 'us-west-2' }), 'us-west-2');
  assert.equal(await region({ AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'us-west-1' }), 'ap-south-1');
  assert.equal(await region({ AWS_DEFAULT_REGION: 'us-west-1' }), 'us-west-1');
  assert.equal(await region({}), 'ca-central-1');
});

/** A credential_process profile whose script prints fixed keys: a full run, no network. */
function processProfile(home: string, name: string, keyId: string): string {
  const file = path.join(home, `${name}.mjs`);
  fs.writeFileSync(
    file,
    `console.log(JSON.stringify({ Version: 1, AccessKeyId: '${keyId}', SecretAccessKey: 'secret-${keyId}' }));`,
  );
  return `[${name === 'default' ? 'default' : `profile ${name}`}]\ncredential_process = "${process.execPath}" "${file}"\n`;
}

test('credential-process, env and fromRolehop with nothing named use the same profile', async (t) => {
  const h = tempHome(t);
  writeFile(
    h.configFile,
    [
      processProfile(h.home, 'default', 'AKIDDEFAULT00000'),
      processProfile(h.home, 'legacy', 'AKIDLEGACY000000'),
    ].join('\n'),
  );
  // credential-process with no profile was a usage error; the SDKs read [default].
  const cp = await runInProcess(['credential-process'], h.env);
  assert.equal(cp.code, 0, cp.stderr);
  assert.equal(JSON.parse(cp.stdout).AccessKeyId, 'AKIDDEFAULT00000');
  const legacyEnv = { ...h.env, AWS_DEFAULT_PROFILE: 'legacy' };
  for (const command of ['credential-process', 'env']) {
    const r = await runInProcess([command, ...(command === 'env' ? ['--format', 'json'] : [])], legacyEnv);
    assert.equal(r.code, 0, `${command}: ${r.stderr}`);
    assert.match(r.stdout, /AKIDLEGACY000000/, `${command} honours AWS_DEFAULT_PROFILE`);
  }
  assert.equal((await fromRolehop({ env: h.env })()).accessKeyId, 'AKIDDEFAULT00000');
  assert.equal((await fromRolehop({ env: legacyEnv })()).accessKeyId, 'AKIDLEGACY000000');
});
