import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigView, Properties } from '../../src/config/model.ts';
import { parseConfigText } from '../../src/config/parse.ts';
import {
  closeMatches,
  ProfileResolutionError,
  resolvePlan,
  resolvePlanWithTrace,
} from '../../src/config/resolve.ts';

const ARN_A = 'arn:aws:iam::111122223333:role/A';
const ARN_B = 'arn:aws:iam::111122223333:role/B';
const KEYS = { aws_access_key_id: 'AKIDEXAMPLE', aws_secret_access_key: 'secret-never-shown' };
const SESSION = { sso_start_url: 'https://d-123.awsapps.com/start', sso_region: 'eu-west-1' };

function view(
  profiles: Record<string, Properties>,
  ssoSessions: Record<string, Properties> = {},
): ConfigView {
  return { profiles, ssoSessions, services: {}, warnings: [] };
}

/** Asserts resolvePlan fails with this code and a message matching every pattern. */
function fails(v: ConfigView, profile: string, code: string, ...patterns: RegExp[]): ProfileResolutionError {
  let caught: unknown;
  try {
    resolvePlan(v, profile);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ProfileResolutionError, `expected a ProfileResolutionError, got ${caught}`);
  assert.equal(caught.code, code, caught.message);
  for (const p of patterns) assert.match(`${caught.message}\n${caught.hint}`, p);
  assert.doesNotMatch(`${caught.message}\n${caught.hint}`, /secret-never-shown/);
  return caught;
}

test('selected profile: role_arn wins over its own static keys', () => {
  const plan = resolvePlan(view({ a: { role_arn: ARN_A, source_profile: 'b', ...KEYS }, b: KEYS }), 'a');
  assert.deepEqual(plan.source, { kind: 'static', profile: 'b' });
  assert.deepEqual(
    plan.hops.map((h) => h.roleArn),
    [ARN_A],
  );
});

test('source profile: static keys win over its role_arn and end the chain', () => {
  const plan = resolvePlan(
    view({
      a: { role_arn: ARN_A, source_profile: 'b' },
      b: { role_arn: ARN_B, source_profile: 'c', ...KEYS },
      c: KEYS,
    }),
    'a',
  );
  assert.deepEqual(plan.source, { kind: 'static', profile: 'b' });
  assert.deepEqual(
    plan.hops.map((h) => h.roleArn),
    [ARN_A],
  );
});

test('a chain runs the innermost role first and keeps each hop’s own options', () => {
  const { plan, trace } = resolvePlanWithTrace(
    view(
      {
        deploy: {
          role_arn: ARN_A,
          source_profile: 'hub',
          role_session_name: 'me@example.com',
          external_id: 'ext-1',
          mfa_serial: 'arn:aws:iam::111122223333:mfa/me',
          duration_seconds: '3600',
          region: 'eu-central-1',
        },
        hub: { role_arn: ARN_B, source_profile: 'sso', duration_seconds: '900' },
        sso: { sso_session: 'org', sso_account_id: '111122223333', sso_role_name: 'Admin' },
      },
      { org: { ...SESSION, sso_registration_scopes: 'sso:account:access, extra' } },
    ),
    'deploy',
  );
  assert.deepEqual(plan, {
    profile: 'deploy',
    sourceProfile: 'sso',
    region: 'eu-central-1',
    source: {
      kind: 'sso',
      session: 'org',
      startUrl: SESSION.sso_start_url,
      ssoRegion: 'eu-west-1',
      accountId: '111122223333',
      roleName: 'Admin',
      registrationScopes: ['sso:account:access', 'extra'],
    },
    hops: [
      { roleArn: ARN_B, durationSeconds: 900, profile: 'hub' },
      {
        roleArn: ARN_A,
        sessionName: 'me@example.com',
        externalId: 'ext-1',
        mfaSerial: 'arn:aws:iam::111122223333:mfa/me',
        durationSeconds: 3600,
        profile: 'deploy',
      },
    ],
  });
  assert.deepEqual(trace.chain, ['deploy', 'hub', 'sso']);
  assert.equal(trace.sourceProfile, 'sso');
  assert.deepEqual(trace.region, { value: 'eu-central-1', from: 'profile "deploy"' });
});

test('region: --region > the selected profile > AWS_REGION > AWS_DEFAULT_REGION > [default] > sso_region; source profiles never', () => {
  const v = view({
    a: { role_arn: ARN_A, source_profile: 'b', region: 'r-a' },
    b: { ...KEYS, region: 'r-b' },
  });
  const region = (v: ConfigView, options: Parameters<typeof resolvePlanWithTrace>[2] = {}) =>
    resolvePlanWithTrace(v, 'a', options).trace.region;
  assert.deepEqual(region(v, { env: { AWS_REGION: 'r-e', AWS_DEFAULT_REGION: 'r-d' } }), {
    value: 'r-a',
    from: 'profile "a"',
  });
  assert.deepEqual(region(v, { env: { AWS_REGION: 'r-e' }, regionOverride: 'r-o' }), {
    value: 'r-o',
    from: '--region',
  });
  const bare = view({ a: { role_arn: ARN_A, source_profile: 'b' }, b: { ...KEYS, region: 'r-b' } });
  assert.equal(region(bare), undefined, "a source profile's region is never used");
  assert.deepEqual(region(bare, { env: { AWS_DEFAULT_REGION: 'r-d', AWS_REGION: 'r-e' } }), {
    value: 'r-e',
    from: 'AWS_REGION',
  });
  assert.deepEqual(region(bare, { env: { AWS_DEFAULT_REGION: 'r-d' } }), {
    value: 'r-d',
    from: 'AWS_DEFAULT_REGION',
  });
  const withDefault = view({ ...bare.profiles, default: { region: 'r-default' } });
  assert.deepEqual(region(withDefault), { value: 'r-default', from: 'profile "default"' });
  const sso = view(
    {
      a: { role_arn: ARN_A, source_profile: 's' },
      s: { sso_session: 'org', sso_account_id: '111122223333', sso_role_name: 'R' },
    },
    { org: SESSION },
  );
  assert.deepEqual(region(sso), { value: 'eu-west-1', from: 'sso_region of sso-session "org"' });
});

test('direct sources: sso before static keys before credential_process', () => {
  const sso = {
    sso_start_url: SESSION.sso_start_url,
    sso_region: 'us-east-1',
    sso_account_id: '1',
    sso_role_name: 'R',
  };
  assert.equal(
    resolvePlan(view({ p: { ...sso, ...KEYS, credential_process: 'x' } }), 'p').source.kind,
    'sso',
  );
  assert.equal(resolvePlan(view({ p: { ...KEYS, credential_process: 'x' } }), 'p').source.kind, 'static');
  assert.deepEqual(resolvePlan(view({ p: { credential_process: 'get-creds --json' } }), 'p').source, {
    kind: 'process',
    command: 'get-creds --json',
    profile: 'p',
  });
});

test('legacy sso profile (sso_start_url on the profile) has no session', () => {
  const plan = resolvePlan(
    view({ p: { ...SESSION, sso_account_id: '111122223333', sso_role_name: 'ReadOnly' } }),
    'p',
  );
  assert.deepEqual(plan.source, {
    kind: 'sso',
    startUrl: SESSION.sso_start_url,
    ssoRegion: 'eu-west-1',
    accountId: '111122223333',
    roleName: 'ReadOnly',
  });
});

test('credential_source: the three valid names; anything else is an error listing them', () => {
  for (const name of ['Environment', 'Ec2InstanceMetadata', 'EcsContainer']) {
    const plan = resolvePlan(view({ a: { role_arn: ARN_A, credential_source: name } }), 'a');
    assert.deepEqual(plan.source, { kind: 'credential-source', name });
  }
  fails(
    view({ a: { role_arn: ARN_A, credential_source: 'environment' } }),
    'a',
    'invalid-credential-source',
    /profile "a" has credential_source "environment"/,
    /Environment, Ec2InstanceMetadata, EcsContainer/,
  );
});

test('source_profile and credential_source together is an error', () => {
  fails(
    view({ a: { role_arn: ARN_A, credential_source: 'Environment', source_profile: 'b' }, b: KEYS }),
    'a',
    'source-and-credential-source',
    /profile "a" sets both source_profile and credential_source/,
    /remove one of them/,
  );
});

test('role_arn with no source is an error saying what to add', () => {
  fails(
    view({ a: { role_arn: ARN_A } }),
    'a',
    'no-role-source',
    /neither source_profile nor credential_source/,
  );
});

test('a loop names the chain; a profile may source itself only with static keys', () => {
  fails(
    view({ a: { role_arn: ARN_A, source_profile: 'b' }, b: { role_arn: ARN_B, source_profile: 'a' } }),
    'a',
    'loop',
    /loop: a -> b -> a/,
  );
  fails(
    view({
      x: { role_arn: ARN_A, source_profile: 'a' },
      a: { role_arn: ARN_A, source_profile: 'b' },
      b: { role_arn: ARN_B, source_profile: 'a' },
    }),
    'x',
    'loop',
    /loop: x -> a -> b -> a/,
  );
  fails(view({ a: { role_arn: ARN_A, source_profile: 'a' } }), 'a', 'loop', /loop: a -> a/);
  const self = resolvePlan(view({ a: { role_arn: ARN_A, source_profile: 'a', ...KEYS } }), 'a');
  assert.deepEqual(self.source, { kind: 'static', profile: 'a' });
  assert.equal(self.hops.length, 1);
});

test('a missing source profile is an error with close matches', () => {
  fails(
    view({ a: { role_arn: ARN_A, source_profile: 'prod-bse' }, 'prod-base': KEYS }),
    'a',
    'missing-source-profile',
    /profile "a" has source_profile "prod-bse", which is not defined/,
    /did you mean "prod-base"/,
  );
});

test('an unknown selected profile lists close matches', () => {
  const e = fails(view({ 'prod-deploy': KEYS, dev: KEYS }), 'prod-deplyo', 'unknown-profile', /not defined/);
  assert.match(e.hint ?? '', /did you mean "prod-deploy"/);
  assert.deepEqual(closeMatches('prod', ['prod-deploy', 'production', 'dev']), ['prod-deploy', 'production']);
});

test('sso: a missing sso-session is an error', () => {
  fails(
    view({ p: { sso_session: 'orgg', sso_account_id: '1', sso_role_name: 'R' } }, { org: SESSION }),
    'p',
    'missing-sso-session',
    /sso_session "orgg", but there is no \[sso-session orgg\]/,
    /did you mean "org"/,
  );
});

test('sso: a profile value that disagrees with its sso-session is an error', () => {
  fails(
    view(
      { p: { sso_session: 'org', sso_region: 'us-east-1', sso_account_id: '1', sso_role_name: 'R' } },
      { org: SESSION },
    ),
    'p',
    'sso-mismatch',
    /sso_region "us-east-1" but its sso-session "org" has "eu-west-1"/,
  );
  // The same value twice is fine.
  const ok = resolvePlan(
    view(
      { p: { sso_session: 'org', sso_region: 'eu-west-1', sso_account_id: '1', sso_role_name: 'R' } },
      { org: SESSION },
    ),
    'p',
  );
  assert.equal(ok.source.kind, 'sso');
});

test('sso: partial configuration names every missing key', () => {
  fails(
    view({ p: { sso_start_url: SESSION.sso_start_url, sso_role_name: 'R' } }),
    'p',
    'partial-sso',
    /missing sso_region, sso_account_id/,
  );
  fails(
    view(
      { p: { sso_session: 'org', sso_account_id: '1', sso_role_name: 'R' } },
      { org: { sso_region: 'x' } },
    ),
    'p',
    'partial-sso-session',
    /\[sso-session org\] .* is missing sso_start_url/,
  );
  fails(
    view({ p: { sso_session: 'org' } }, { org: SESSION }),
    'p',
    'partial-sso',
    /missing sso_account_id, sso_role_name/,
  );
});

test('partial static keys in a source profile are an error naming the missing key', () => {
  fails(
    view({ a: { role_arn: ARN_A, source_profile: 'b' }, b: { aws_access_key_id: 'AKID' } }),
    'a',
    'partial-static',
    /profile "b" \(chain a -> b\) has static keys but is missing aws_secret_access_key/,
  );
});

test('role_arn must be an IAM role ARN in a known partition', () => {
  for (const ok of [
    'arn:aws:iam::111122223333:role/A',
    'arn:aws-cn:iam::111122223333:role/path/A',
    'arn:aws-us-gov:iam::111122223333:role/A+b=c,d.e@f-g',
  ]) {
    assert.equal(
      resolvePlan(view({ a: { role_arn: ok, source_profile: 'b' }, b: KEYS }), 'a').hops[0]?.roleArn,
      ok,
    );
  }
  for (const bad of [
    'arn:aws:iam::12345:role/A',
    'arn:aws:iam::111122223333:user/A',
    'role/A',
    'arn:aws-x:iam::111122223333:role/A',
  ]) {
    fails(
      view({ a: { role_arn: bad, source_profile: 'b' }, b: KEYS }),
      'a',
      'invalid-role-arn',
      /not an IAM role ARN/,
      /arn:aws:iam::<12-digit account>:role\/<name>/,
    );
  }
});

test('duration_seconds must be a whole number from 900 to 43200', () => {
  for (const ok of ['900', '43200', ' 3600 ']) {
    const v = view({ a: { role_arn: ARN_A, source_profile: 'b', duration_seconds: ok }, b: KEYS });
    assert.equal(resolvePlan(v, 'a').hops[0]?.durationSeconds, Number(ok));
  }
  for (const bad of ['899', '43201', '1h', '3600.5', '']) {
    const v = view({ a: { role_arn: ARN_A, source_profile: 'b', duration_seconds: bad }, b: KEYS });
    fails(v, 'a', 'invalid-duration', /900 \(15m\) to 43200 \(12h\)/);
  }
});

test('role_session_name must be 2–64 characters STS accepts', () => {
  const v = view({ a: { role_arn: ARN_A, source_profile: 'b', role_session_name: 'has space' }, b: KEYS });
  fails(v, 'a', 'invalid-session-name', /role_session_name "has space"/);
});

test('a role name longer than 64 characters fails at resolve time, naming the profile chain', () => {
  const long = `arn:aws:iam::111122223333:role/${'R'.repeat(70)}`;
  // The bad hop is on a source profile: the message says how the selected profile reached it.
  const v = view({
    'prod-deploy': { role_arn: ARN_A, source_profile: 'dev' },
    dev: { role_arn: long, source_profile: 'base' },
    base: KEYS,
  });
  const e = fails(
    v,
    'prod-deploy',
    'invalid-role-arn',
    /^profile "dev" \(chain prod-deploy -> dev\) has role_arn "arn:aws:iam::111122223333:role\/R{70}"/,
    /role name longer than 64 characters \(70/,
  );
  assert.equal(e.profile, 'dev');
  assert.equal(e.exitCode, 1);
});

test('external_id and mfa_serial are checked with the rules STS applies', () => {
  const secretish = 'has spaces, not allowed';
  const ext = fails(
    view({ a: { role_arn: ARN_A, source_profile: 'b', external_id: secretish }, b: KEYS }),
    'a',
    'invalid-external-id',
    /profile "a" has an external_id STS would refuse: expected 2-1224 characters/,
  );
  assert.doesNotMatch(ext.message, /has spaces/, 'the external id is not repeated');
  fails(
    view({ a: { role_arn: ARN_A, source_profile: 'b', mfa_serial: 'short' }, b: KEYS }),
    'a',
    'invalid-mfa-serial',
    /mfa_serial "short": expected 9-256 characters/,
  );
  const ok = view({
    a: { role_arn: ARN_A, source_profile: 'b', external_id: 'ext:42/x', mfa_serial: 'GAHT12345678' },
    b: KEYS,
  });
  assert.deepEqual(resolvePlan(ok, 'a').hops[0], {
    roleArn: ARN_A,
    externalId: 'ext:42/x',
    mfaSerial: 'GAHT12345678',
    profile: 'a',
  });
});

test('a profile with only settings has no credentials', () => {
  fails(
    view({ a: { region: 'eu-west-1' } }),
    'a',
    'no-credentials',
    /did not contain credential information/,
  );
});

test('profile names like constructor or __proto__ never reach Object.prototype', () => {
  fails(view({ a: { role_arn: ARN_A, source_profile: 'constructor' } }), 'a', 'missing-source-profile');
  fails(view({ a: KEYS }), 'toString', 'unknown-profile');
  fails(
    view({ p: { sso_session: 'constructor', sso_account_id: '1', sso_role_name: 'R' } }),
    'p',
    'missing-sso-session',
  );
});

test('an unknown profile in a file with unreadable lines points at doctor, which names them', () => {
  const view = parseConfigText('[profile prod\nregion = x\n', 'config');
  assert.throws(
    () => resolvePlan(view, 'prod'),
    (e: Error & { hint?: string }) =>
      /profile "prod" is not defined/.test(e.message) &&
      /could not be read.*rolehop doctor/.test(e.hint ?? ''),
  );
});
