import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigView } from '../../src/config/model.ts';
import { applyHops, describePlan, parseHopOptions } from '../../src/creds/selection.ts';
import { planForAccount, planForProfile } from '../../src/creds/target.ts';
import { filterAccounts } from '../../src/sso/account-list.ts';
import { UsageError } from '../../src/util/errors.ts';

const session = { name: 'org', startUrl: 'https://d-1.awsapps.com/start', region: 'eu-west-1' };
const view: ConfigView = {
  profiles: {
    base: {
      sso_session: 'org',
      sso_account_id: '111111111111',
      sso_role_name: 'Admin',
      region: 'ap-south-1',
    },
    deploy: { role_arn: 'arn:aws:iam::222222222222:role/Deploy', source_profile: 'base' },
  },
  ssoSessions: { org: { sso_start_url: session.startUrl, sso_region: session.region } },
  services: {},
  warnings: [],
};
const ARN = 'arn:aws:iam::333333333333:role/Audit';

test('an account and role become an sso source with the --assume chain, options on the last hop', () => {
  const plan = planForAccount(
    { session, accountId: '111111111111', roleName: 'Admin' },
    {
      assume: ['arn:aws:iam::222222222222:role/Deploy', ARN],
      externalId: 'ext-42',
      duration: '1h',
      sessionName: 'alice',
      tags: ['team=infra', 'cost=a=b'],
    },
    view,
    { AWS_REGION: 'eu-central-1' },
  );
  assert.deepEqual(plan, {
    region: 'eu-central-1',
    source: {
      kind: 'sso',
      session: 'org',
      startUrl: session.startUrl,
      ssoRegion: 'eu-west-1',
      accountId: '111111111111',
      roleName: 'Admin',
    },
    hops: [
      { roleArn: 'arn:aws:iam::222222222222:role/Deploy', sessionName: 'alice', durationSeconds: 3600 },
      {
        roleArn: ARN,
        sessionName: 'alice',
        durationSeconds: 3600,
        externalId: 'ext-42',
        tags: { team: 'infra', cost: 'a=b' },
      },
    ],
  });
  assert.equal(
    describePlan(plan),
    `sso 111111111111/Admin (sso-session org) -> assume arn:aws:iam::222222222222:role/Deploy -> assume ${ARN}`,
  );
});

test('a profile plus --assume appends a hop after the profile chain', () => {
  const plan = planForProfile(view, { profile: 'deploy', assume: [ARN] }, {});
  assert.deepEqual(
    plan.hops.map((h) => h.roleArn),
    ['arn:aws:iam::222222222222:role/Deploy', ARN],
  );
  assert.equal(
    plan.region,
    'eu-west-1',
    "a source profile's region is never used (as in botocore); with none set, the sso-session's sso_region is",
  );
  assert.equal(plan.profile, 'deploy');
});

test('malformed ARNs, durations, session names and tags are usage errors', () => {
  const bad: [Parameters<typeof parseHopOptions>[0], RegExp][] = [
    [{ assume: ['arn:aws:iam::12345:role/X'] }, /invalid role ARN .*12 digits/],
    [{ assume: ['arn:aws:s3:::bucket'] }, /invalid role ARN/],
    [{ duration: '5m' }, /900/],
    [{ duration: 'soon' }, /invalid --duration/],
    [{ duration: '13h' }, /43200/],
    [{ sessionName: 'has space' }, /session name/],
    [{ sessionName: 'x' }, /session name/],
    [{ tags: ['novalue'] }, /KEY=VALUE/],
    [{ mfaSerial: 'nope' }, /--mfa-serial/],
  ];
  for (const [sel, message] of bad) {
    assert.throws(
      () => parseHopOptions(sel),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
      JSON.stringify(sel),
    );
  }
});

test('last-hop options without any hop say to add --assume', () => {
  assert.throws(
    () => applyHops({ source: { kind: 'env' }, hops: [] }, parseHopOptions({ externalId: 'abc' })),
    (e: unknown) =>
      e instanceof UsageError && /--external-id/.test(e.message) && /--assume/.test(e.hint ?? ''),
  );
});

test('a profile with --account is refused; an unknown profile names close matches', () => {
  assert.throws(() => planForProfile(view, { profile: 'base', account: 'prod' }, {}), UsageError);
  assert.throws(
    () => planForProfile(view, { profile: 'deplyo' }, {}),
    (e: Error & { hint?: string }) => /"deploy"/.test(e.hint ?? ''),
  );
});

test('ls FILTER matches account id, name or role, case-insensitively', () => {
  const accounts = [
    { accountId: '111111111111', accountName: 'prod', roles: ['Admin', 'ReadOnly'] },
    { accountId: '222222222222', accountName: 'dev', roles: ['PowerUser', 'ReadOnly'] },
  ];
  assert.deepEqual(
    filterAccounts(accounts, 'PROD').map((a) => a.accountId),
    ['111111111111'],
  );
  assert.deepEqual(
    filterAccounts(accounts, '2222').map((a) => a.accountId),
    ['222222222222'],
  );
  assert.deepEqual(
    filterAccounts(accounts, 'readonly').map((a) => a.roles),
    [['ReadOnly'], ['ReadOnly']],
  );
  assert.deepEqual(filterAccounts(accounts, 'nothing'), []);
});
