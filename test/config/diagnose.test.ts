import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnoseFileMode, diagnoseFileText, diagnoseProfiles } from '../../src/config/diagnose.ts';
import { ConfigDocument } from '../../src/config/document.ts';
import type { ConfigView, Properties } from '../../src/config/model.ts';
import { viewOfDocument } from '../../src/config/parse.ts';

function view(
  profiles: Record<string, Properties>,
  ssoSessions: Record<string, Properties> = {},
): ConfigView {
  return { profiles, ssoSessions, services: {}, warnings: [] };
}
const ARN = 'arn:aws:iam::111122223333:role/R';

test('a problem reached from several profiles is reported once, at the profile to fix', () => {
  const findings = diagnoseProfiles(
    view({
      a: { role_arn: ARN, source_profile: 'b' },
      c: { role_arn: ARN, source_profile: 'b' },
      b: { role_arn: ARN, source_profile: 'missing' },
    }),
  );
  assert.deepEqual(
    findings.map((f) => [f.code, f.profile]),
    [['missing-source-profile', 'b']],
  );
});

test('a loop is one finding however many profiles lead into it', () => {
  const findings = diagnoseProfiles(
    view({
      x: { role_arn: ARN, source_profile: 'a' },
      a: { role_arn: ARN, source_profile: 'b' },
      b: { role_arn: ARN, source_profile: 'a' },
    }),
  );
  assert.deepEqual(
    findings.map((f) => f.code),
    ['loop'],
  );
  assert.match(findings[0]!.message, /x -> a -> b -> a/);
});

test('a settings-only profile is fine; an empty source profile is not', () => {
  assert.deepEqual(diagnoseProfiles(view({ default: { region: 'eu-west-1', output: 'json' } })), []);
  const findings = diagnoseProfiles(view({ a: { role_arn: ARN, source_profile: 'b' }, b: { region: 'x' } }));
  assert.deepEqual(
    findings.map((f) => [f.code, f.profile]),
    [['no-credentials', 'b']],
  );
});

test('web identity profiles resolve; one without role_arn is an error', () => {
  assert.deepEqual(diagnoseProfiles(view({ w: { role_arn: ARN, web_identity_token_file: '/t' } })), []);
  const [f] = diagnoseProfiles(view({ w: { web_identity_token_file: '/t' } }));
  assert.equal(f?.severity, 'error');
  assert.equal(f?.code, 'partial-web-identity');
});

test('an incomplete sso-session is reported once, even when several profiles use it', () => {
  const p = { sso_session: 's', sso_account_id: '1', sso_role_name: 'R' };
  const findings = diagnoseProfiles(view({ p1: p, p2: p }, { s: { sso_region: 'eu-west-1' } }));
  assert.deepEqual(
    findings.map((f) => f.code),
    ['partial-sso-session'],
  );
});

test('findings point at the line the locator gives', () => {
  const [f] = diagnoseProfiles(
    view({
      a: { role_arn: 'nope', source_profile: 'a', aws_access_key_id: 'k', aws_secret_access_key: 's' },
    }),
    () => ({
      file: '/cfg',
      line: 7,
    }),
  );
  assert.deepEqual([f?.code, f?.file, f?.line], ['invalid-role-arn', '/cfg', 7]);
});

test('file modes: owner-only is fine, any group or other bit is a finding with chmod 600', () => {
  assert.deepEqual(diagnoseFileMode('/f', 0o100600, 'x'), []);
  assert.deepEqual(diagnoseFileMode('/f', 0o100400, 'x'), []);
  assert.deepEqual(diagnoseFileMode('/f', undefined, 'x'), []);
  for (const mode of [0o100640, 0o100604, 0o100660, 0o100606]) {
    const [f] = diagnoseFileMode('/f', mode, 'x');
    assert.equal(f?.code, 'secret-file-permissions');
    assert.equal(f?.fix, "chmod 600 '/f'");
  }
});

test('unknown sections in the config file are warnings; the AWS CLI’s own sections are not', () => {
  const doc = ConfigDocument.parse('[plugins]\ncli_legacy_plugin_path = x\n[dev]\nregion = x\n');
  const findings = diagnoseFileText({ path: '/cfg', kind: 'config' }, doc, viewOfDocument(doc, 'config'));
  assert.deepEqual(
    findings.map((f) => [f.severity, f.code, f.line]),
    [['warning', 'ignored-section', 3]],
  );
  assert.match(findings[0]!.message, /\[profile dev\]/);
});

test('duplicates that botocore accepts (quoting differs) are still reported', () => {
  const doc = ConfigDocument.parse('[profile a]\nregion = x\n[profile "a"]\noutput = json\n');
  const findings = diagnoseFileText({ path: '/cfg', kind: 'config' }, doc, viewOfDocument(doc, 'config'));
  assert.equal(findings.length, 1);
  assert.equal(findings[0]?.code, 'duplicate-section');
  assert.match(findings[0]!.message, /tools disagree on which wins/);
});

test('a header botocore and the JS SDK read differently is reported with its line', () => {
  // Two spaces: botocore (shlex) reads profile a, the JS SDK's name pattern allows one.
  const doc = ConfigDocument.parse('[profile b]\nregion = x\n[profile  a]\noutput = json\n');
  const findings = diagnoseFileText({ path: '/cfg', kind: 'config' }, doc, viewOfDocument(doc, 'config'));
  assert.deepEqual(
    findings.map((f) => [f.severity, f.code, f.line]),
    [['error', 'readers-disagree', 3]],
  );
});

test('thousands of profiles pointing at one missing source are diagnosed quickly, one finding each', () => {
  const profiles: Record<string, Properties> = {};
  for (let i = 0; i < 5000; i++)
    profiles[`account-${i}.Admin`] = { role_arn: ARN, source_profile: 'hub-typo' };
  profiles.hub = { aws_access_key_id: 'k', aws_secret_access_key: 's' };
  const started = performance.now();
  const findings = diagnoseProfiles(view(profiles));
  assert.ok(performance.now() - started < 2000, 'under 2 s');
  assert.equal(findings.length, 5000);
  assert.ok(findings.every((f) => f.code === 'missing-source-profile'));
  assert.match(findings[0]!.fix, /did you mean "hub"/);
});

test('sso_start_url must be https, on a session or a legacy profile', () => {
  const findings = diagnoseProfiles(
    view(
      {
        legacy: {
          sso_start_url: 'd-123.awsapps.com/start',
          sso_region: 'r',
          sso_account_id: '1',
          sso_role_name: 'R',
        },
      },
      { s: { sso_start_url: 'http://d-123.awsapps.com/start', sso_region: 'r' } },
    ),
  );
  assert.deepEqual(findings.map((f) => [f.code, f.message]).sort(), [
    [
      'invalid-start-url',
      '[sso-session s] has sso_start_url "http://d-123.awsapps.com/start", which is not an https URL (plain http is allowed only on 127.0.0.1/localhost, for the sandbox)',
    ],
    ['invalid-start-url', 'profile "legacy" has sso_start_url "d-123.awsapps.com/start", which is not a URL'],
  ]);
});

test('a profile with several kinds of credentials gets a warning naming the one used', () => {
  const [f, ...rest] = diagnoseProfiles(
    view({ p: { aws_access_key_id: 'k', aws_secret_access_key: 's', credential_process: 'x' } }),
  );
  assert.equal(rest.length, 0);
  assert.equal(f?.severity, 'warning');
  assert.equal(f?.code, 'several-sources');
  assert.match(f!.message, /static keys and credential_process; static keys is used/);
});
