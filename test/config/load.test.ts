import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { ConfigDocument } from '../../src/config/document.ts';
import { inspectConfigFiles, loadConfigView } from '../../src/config/load.ts';
import { duplicateSections, parseConfigText } from '../../src/config/parse.ts';
import { ConfigError } from '../../src/util/errors.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

test('missing files read as empty', (t) => {
  const home = tempHome(t);
  assert.deepEqual(plain(loadConfigView(home.env)), {
    profiles: {},
    ssoSessions: {},
    services: {},
    warnings: [],
    disputes: [],
  });
});

test('both files merge, credentials keys win, sessions and services come from the config file', (t) => {
  const home = tempHome(t);
  writeFile(
    home.configFile,
    '[profile dev]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n[sso-session org]\nsso_region = us-east-1\n[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n',
  );
  writeFile(
    home.credentialsFile,
    '[dev]\naws_access_key_id = FROMCREDS\n[only-creds]\naws_access_key_id = K\n',
  );
  const view = loadConfigView(home.env);
  assert.deepEqual(plain(view.profiles), {
    dev: { region: 'eu-west-1', aws_access_key_id: 'FROMCREDS' },
    'only-creds': { aws_access_key_id: 'K' },
  });
  assert.deepEqual(plain(view.ssoSessions), { org: { sso_region: 'us-east-1' } });
  assert.deepEqual(plain(view.services), { local: { sts: { endpoint_url: 'http://127.0.0.1:1' } } });
});

test('ignored lines and sections become warnings naming file and line, never the line itself', (t) => {
  const home = tempHome(t);
  writeFile(
    home.configFile,
    '[profile ok]\naws_secret_access_key: hunter2secret\n[profile bad name]\nx = 1\n[dev]\n[default]\n[profile default]\nin valid = 1\n[plugins]\n',
  );
  const view = loadConfigView(home.env);
  const f = home.configFile;
  assert.deepEqual(view.warnings, [
    `${f}:2: botocore reads ':' as the separator of a setting here, the JS SDK only reads '='; rolehop ignores the line and will not edit next to it`,
    `${f}:3: section [profile bad name] ignored: "bad name" is not a valid name`,
    `${f}:5: section [dev] ignored: profiles in the config file (other than [default]) need a prefix, as [profile dev]`,
    `${f}:6: [default] ignored: [profile default] is also present and wins`,
    `${f}:8: property "in valid" ignored: not a valid name`,
  ]);
  assert.doesNotMatch(view.warnings.join('\n'), /hunter2/);
});

test('an unreadable path is a ConfigError that says what to do', (t) => {
  const home = tempHome(t);
  fs.mkdirSync(home.configFile, { recursive: true });
  assert.throws(
    () => loadConfigView(home.env),
    (e: Error) =>
      e instanceof ConfigError &&
      /is a folder; point AWS_CONFIG_FILE at a file/.test((e as ConfigError).hint ?? ''),
  );
});

test('a FIFO or a device at the path reads as absent, as botocore (os.path.isfile), without blocking', (t) => {
  const home = tempHome(t);
  fs.mkdirSync(home.awsDir, { recursive: true });
  execFileSync('mkfifo', [home.configFile]); // opening it for reading would wait for a writer for ever
  fs.symlinkSync('/dev/null', home.credentialsFile);
  assert.deepEqual(plain(loadConfigView(home.env)), {
    profiles: {},
    ssoSessions: {},
    services: {},
    warnings: [],
    disputes: [],
  });
  assert.deepEqual(
    inspectConfigFiles(home.env).map((f) => f.exists),
    [false, false],
  );
});

test('a path through a file, or a link to nothing, reads as absent, as both SDKs read it; a config beside it still reads', (t) => {
  const home = tempHome(t);
  writeFile(home.configFile, '[profile dev]\nregion = eu-west-1\n');
  for (const credentials of [`${home.configFile}/credentials`, `${home.awsDir}/dangling`]) {
    if (credentials.endsWith('dangling')) fs.symlinkSync(`${home.awsDir}/nothing`, credentials);
    const view = loadConfigView({ ...home.env, AWS_SHARED_CREDENTIALS_FILE: credentials });
    assert.deepEqual(plain(view.profiles), { dev: { region: 'eu-west-1' } });
  }
});

test('duplicate sections are listed, with whether botocore rejects the file', () => {
  const doc = ConfigDocument.parse(
    '[profile a]\n[profile "a"]\n[profile b]\n[profile b]\n[default]\n[profile default]\n',
  );
  assert.deepEqual(plain(duplicateSections(doc, 'config')), [
    { section: { kind: 'profile', name: 'a' }, lines: [1, 2], rejectedByBotocore: false },
    { section: { kind: 'profile', name: 'b' }, lines: [3, 4], rejectedByBotocore: true },
  ]);
});

test('inspectConfigFiles reports modes, unparseable lines and duplicates per file', (t) => {
  const home = tempHome(t);
  writeFile(home.configFile, '[profile a]\nx = 1\n[profile a]\ny\n', 0o644);
  fs.chmodSync(home.configFile, 0o644);
  const [config, credentials] = inspectConfigFiles(home.env);
  assert.equal(config!.exists, true);
  assert.equal(config!.mode, 0o644);
  assert.equal(config!.tooOpen, true);
  assert.deepEqual(config!.issues, [
    { line: 4, severity: 'error', message: "Expected an '=' sign defining a property; line ignored" },
  ]);
  assert.deepEqual(
    config!.duplicateSections.map((d) => d.lines),
    [[1, 3]],
  );
  assert.equal(credentials!.exists, false);
  assert.equal(credentials!.tooOpen, false);
});

test('continuations and sub-properties keep the spec shape; comments need whitespace before them', () => {
  const view = parseConfigText(
    '[profile a]\nlong = one\n  two\nhash = v#kept # dropped\ns3 =\n  addressing_style = path\n\n  Max_Attempts = 3\n',
    'config',
  );
  assert.deepEqual(plain(view.profiles.a), {
    long: 'one\ntwo',
    hash: 'v#kept',
    s3: { addressing_style: 'path', Max_Attempts: '3' },
  });
});
