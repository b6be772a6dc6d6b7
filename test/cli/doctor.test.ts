import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import type { Finding } from '../../src/config/diagnose.ts';
import { type InProcessResult, runCli, runInProcess } from '../harness/cli.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// Each planted problem is found through the real CLI in a temp HOME, with its line and its fix.

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDSECRET';
const SSO = `[sso-session org]
sso_start_url = https://d-123.awsapps.com/start
sso_region = eu-west-1

[profile base]
sso_session = org
sso_account_id = 111122223333
sso_role_name = Admin
`;
const CLEAN_CONFIG = `[default]
region = eu-west-1

${SSO}
[profile deploy]
role_arn = arn:aws:iam::111122223333:role/Deploy
source_profile = base
duration_seconds = 3600
`;
const CLEAN_CREDENTIALS = `[legacy]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = ${SECRET}
`;

interface Doctor {
  r: InProcessResult;
  findings: Finding[];
  home: ReturnType<typeof tempHome>;
}

async function doctor(
  t: TestContext,
  config: string,
  credentials?: string,
  prepare?: (home: ReturnType<typeof tempHome>) => void,
): Promise<Doctor> {
  const home = tempHome(t);
  writeFile(home.configFile, config);
  if (credentials !== undefined) writeFile(home.credentialsFile, credentials);
  prepare?.(home);
  const before = [home.configFile, home.credentialsFile].map((f) =>
    fs.existsSync(f) ? fs.readFileSync(f) : null,
  );
  const r = await runInProcess(['doctor', '--json'], home.env);
  const after = [home.configFile, home.credentialsFile].map((f) =>
    fs.existsSync(f) ? fs.readFileSync(f) : null,
  );
  assert.deepEqual(after, before, 'doctor never changes a file');
  assert.equal(r.stderr, '');
  assert.doesNotMatch(r.stdout, new RegExp(SECRET.slice(0, 20)));
  return { r, findings: JSON.parse(r.stdout) as Finding[], home };
}

/** Asserts exit 1 and exactly one finding with this code; returns it. */
function found(d: Doctor, code: string): Finding {
  assert.equal(d.r.code, 1, d.r.stdout);
  const hits = d.findings.filter((f) => f.code === code);
  assert.equal(hits.length, 1, `one ${code} in ${d.r.stdout}`);
  const f = hits[0]!;
  assert.ok(f.message.length > 0 && f.fix.length > 0, 'message and fix');
  assert.ok(f.severity === 'error' || f.severity === 'warning');
  return f;
}

test('doctor: clean files give exit 0 and say so', async (t) => {
  const d = await doctor(t, CLEAN_CONFIG, CLEAN_CREDENTIALS);
  assert.equal(d.r.code, 0, d.r.stdout);
  assert.deepEqual(d.findings, []);
  const human = await runInProcess(['doctor'], d.home.env);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^no problems found in ~\/\.aws\/config and ~\/\.aws\/credentials\n$/);
});

test('doctor: no files at all is clean', async (t) => {
  const home = tempHome(t);
  const r = await runInProcess(['doctor'], home.env);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /no problems found \(no AWS config files yet\)/);
});

test('doctor: a missing source profile, with the line and a close match', async (t) => {
  const d = await doctor(
    t,
    `${CLEAN_CONFIG}\n[profile app]\nrole_arn = arn:aws:iam::111122223333:role/App\nsource_profile = deplyo\n`,
  );
  const f = found(d, 'missing-source-profile');
  assert.equal(f.profile, 'app');
  assert.equal(f.file, d.home.configFile);
  assert.equal(f.line, 18);
  assert.match(f.message, /source_profile "deplyo", which is not defined/);
  assert.match(f.fix, /did you mean "deploy"/);
});

test('doctor: a loop is reported once, naming the chain', async (t) => {
  const d = await doctor(
    t,
    `[profile a]\nrole_arn = arn:aws:iam::111122223333:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::111122223333:role/B\nsource_profile = a\n`,
  );
  const f = found(d, 'loop');
  assert.match(f.message, /loop: a -> b -> a/);
  assert.equal(f.line, 1);
});

test('doctor: an sso value that disagrees with the sso-session', async (t) => {
  const d = await doctor(
    t,
    SSO.replace('sso_role_name = Admin', 'sso_role_name = Admin\nsso_region = us-east-1'),
  );
  const f = found(d, 'sso-mismatch');
  assert.equal(f.profile, 'base');
  assert.match(f.message, /sso_region "us-east-1" but its sso-session "org" has "eu-west-1"/);
});

test('doctor: a missing sso-session', async (t) => {
  const d = await doctor(
    t,
    `[profile p]\nsso_session = nowhere\nsso_account_id = 111122223333\nsso_role_name = R\n`,
  );
  const f = found(d, 'missing-sso-session');
  assert.match(f.message, /no \[sso-session nowhere\] section/);
  assert.match(f.fix, /rolehop login --sso-session nowhere/);
});

test('doctor: partial sso config names the missing keys', async (t) => {
  const d = await doctor(
    t,
    `[profile p]\nsso_start_url = https://d-1.awsapps.com/start\nsso_role_name = R\n`,
  );
  const f = found(d, 'partial-sso');
  assert.match(f.message, /missing sso_region, sso_account_id/);
  const session = await doctor(t, `[sso-session s]\nsso_region = eu-west-1\n`);
  assert.match(found(session, 'partial-sso-session').message, /\[sso-session s\] is missing sso_start_url/);
});

test('doctor: source_profile and credential_source together', async (t) => {
  const d = await doctor(
    t,
    `${SSO}[profile p]\nrole_arn = arn:aws:iam::111122223333:role/P\nsource_profile = base\ncredential_source = Environment\n`,
  );
  assert.match(found(d, 'source-and-credential-source').fix, /remove one of them/);
});

test('doctor: an invalid role_arn', async (t) => {
  const d = await doctor(
    t,
    `${SSO}[profile p]\nrole_arn = arn:aws:iam::1234:role/P\nsource_profile = base\n`,
  );
  const f = found(d, 'invalid-role-arn');
  assert.match(f.message, /"arn:aws:iam::1234:role\/P", which is not an IAM role ARN/);
});

test('doctor: an invalid duration_seconds', async (t) => {
  const d = await doctor(t, CLEAN_CONFIG.replace('duration_seconds = 3600', 'duration_seconds = 1h'));
  const f = found(d, 'invalid-duration');
  assert.equal(f.profile, 'deploy');
  assert.match(f.message, /"1h": expected a whole number of seconds from 900 \(15m\) to 43200 \(12h\)/);
});

test('doctor: duplicate sections (botocore refuses the file)', async (t) => {
  const d = await doctor(t, `${CLEAN_CONFIG}\n[profile deploy]\nregion = us-east-1\n`);
  const f = found(d, 'duplicate-section');
  assert.equal(f.severity, 'error');
  assert.match(f.message, /\[profile deploy\] appears 2 times \(lines 13, 18\): botocore/);
});

test('doctor: a credentials file readable by others', async (t) => {
  const d = await doctor(t, CLEAN_CONFIG, CLEAN_CREDENTIALS, (h) => fs.chmodSync(h.credentialsFile, 0o644));
  const f = found(d, 'secret-file-permissions');
  assert.equal(f.file, d.home.credentialsFile);
  assert.match(f.message, /mode 644/);
  assert.match(f.fix, /^chmod 600 /);
});

test('doctor: an SSO cache file readable by others', async (t) => {
  const d = await doctor(t, CLEAN_CONFIG, CLEAN_CREDENTIALS, (h) => {
    const file = path.join(h.awsDir, 'sso', 'cache', '34c6fceca75e456f25e7e99531e2425c6c1de443.json');
    writeFile(file, JSON.stringify({ accessToken: SECRET, expiresAt: '2026-01-01T00:00:00Z' }), 0o640);
    fs.chmodSync(file, 0o640);
  });
  const f = found(d, 'secret-file-permissions');
  assert.match(f.file ?? '', /sso\/cache\/34c6fceca75e456f25e7e99531e2425c6c1de443\.json$/);
  assert.match(f.message, /SSO token cache file .* \(mode 640\)/);
});

test('doctor: unparseable lines, with line numbers and without their text', async (t) => {
  const d = await doctor(t, CLEAN_CONFIG, `${CLEAN_CREDENTIALS}aws_session_token: ${SECRET}\n  ${SECRET}\n`);
  // "key: value" is a setting to botocore only; the indented line below continues its value there.
  const hits = d.findings.filter((f) => f.code === 'unparseable-line' || f.code === 'readers-disagree');
  assert.equal(d.r.code, 1);
  assert.deepEqual(
    hits.map((f) => [f.code, f.file, f.line]),
    [['readers-disagree', d.home.credentialsFile, 4]],
  );
  assert.doesNotMatch(JSON.stringify(d.findings), new RegExp(SECRET));
});

test('doctor: [profile default] and [default] both present', async (t) => {
  const d = await doctor(t, `${CLEAN_CONFIG}\n[profile default]\nregion = us-east-1\n`);
  const f = found(d, 'default-twice');
  assert.equal(f.line, 1);
  assert.match(f.message, /\[profile default\] wins/);
});

test('doctor: [profile X] in the credentials file', async (t) => {
  const d = await doctor(t, CLEAN_CONFIG, CLEAN_CREDENTIALS.replace('[legacy]', '[profile legacy]'));
  const f = found(d, 'profile-prefix-in-credentials');
  assert.equal(f.file, d.home.credentialsFile);
  assert.equal(f.line, 1);
  assert.match(f.fix, /rename the section to \[legacy\]/);
});

test('doctor: human output lists each problem with its fix and a summary, never a secret', async (t) => {
  const home = tempHome(t);
  writeFile(home.configFile, `${CLEAN_CONFIG}[profile x]\nrole_arn = bad\nsource_profile = legacy\n`);
  writeFile(
    home.credentialsFile,
    `${CLEAN_CREDENTIALS}[half]\naws_secret_access_key = ${SECRET}\n[profile p]\naws_secret_access_key=${SECRET}\n${SECRET}\n`,
    0o644,
  );
  fs.chmodSync(home.credentialsFile, 0o644);
  const r = await runInProcess(['doctor'], home.env);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^error: ~\/\.aws\/config:17: profile "x" has role_arn "bad"/m);
  assert.match(r.stdout, /^ {2}fix: /m);
  assert.match(r.stdout, /\n\d+ problems found \(\d+ errors?, \d+ warnings?\)\n$/);
  assert.doesNotMatch(r.stdout + r.stderr, /PLANTEDSECRET/);
  const json = await runCli(['doctor', '--json'], { env: home.env, input: '' });
  assert.doesNotMatch(json.stdout + json.stderr, /PLANTEDSECRET/);
});
