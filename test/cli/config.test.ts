import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadSharedConfigFiles } from '@smithy/core/config';
import { repoRoot, runCli, runInProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

const fixture = (name: string) => fs.readFileSync(path.join(repoRoot, 'test/fixtures/config', name), 'utf8');

function withFixtures(t: Parameters<typeof tempHome>[0], crlf = false) {
  const home = tempHome(t);
  const config = crlf
    ? fixture('realistic-config.ini').replace(/\n/g, '\r\n')
    : fixture('realistic-config.ini');
  writeFile(home.configFile, config);
  writeFile(home.credentialsFile, fixture('realistic-credentials.ini'));
  return { ...home, config };
}

/** botocore's merged view of the two files, as the AWS CLI would read them. */
function botocoreView(env: Record<string, string>): {
  profiles: Record<string, Record<string, unknown>>;
  sso_sessions: Record<string, Record<string, unknown>>;
  services: Record<string, Record<string, unknown>>;
} {
  const script = `
import json, os, botocore.session
s = botocore.session.Session()
s.set_config_variable('config_file', os.environ['AWS_CONFIG_FILE'])
s.set_config_variable('credentials_file', os.environ['AWS_SHARED_CREDENTIALS_FILE'])
print(json.dumps(s.full_config))`;
  return JSON.parse(execFileSync('python3', ['-c', script], { env }).toString());
}

async function smithyView(env: Record<string, string>) {
  return loadSharedConfigFiles({
    configFilepath: env.AWS_CONFIG_FILE!,
    filepath: env.AWS_SHARED_CREDENTIALS_FILE!,
    ignoreCache: true,
  });
}

/** Lines before the section's header and from the next header on, found without rolehop's parser. */
function outsideSection(text: string, header: string): { before: string[]; after: string[] } {
  const lines = text.split(/(?<=\n)/);
  const start = lines.findIndex((l) => l.replace(/\r?\n$/, '') === header);
  if (start < 0) return { before: lines, after: [] };
  let end = start + 1;
  while (end < lines.length && !lines[end]!.startsWith('[')) end++;
  return { before: lines.slice(0, start), after: lines.slice(end) };
}

function assertOnlySectionChanged(before: string, after: string, header: string): void {
  if (!before.split(/\r?\n/).includes(header)) {
    // A new section is appended: everything before stays, then a blank line, then the section.
    assert.ok(after.startsWith(before), 'appending changed earlier lines');
    assert.match(after.slice(before.length), new RegExp(`^\r?\n${header.replace(/[[\]]/g, '\\$&')}\r?\n`));
    return;
  }
  const was = outsideSection(before, header);
  const now = outsideSection(after, header);
  assert.deepEqual(now.before, was.before, `lines above ${header} changed`);
  assert.deepEqual(now.after, was.after, `lines below ${header} changed`);
}

for (const crlf of [false, true]) {
  test(`set/unset change only the edited section, and botocore and the JS SDK read the result${crlf ? ' (CRLF)' : ''}`, async (t) => {
    if (!requires(t, 'botocore')) return;
    const home = withFixtures(t, crlf);
    const steps: { args: string[]; header: string; check: (b: ReturnType<typeof botocoreView>) => void }[] = [
      {
        args: ['set', '--profile', 'dev', 'region', 'us-west-2'],
        header: '[profile dev]',
        check: (b) => assert.equal(b.profiles.dev!.region, 'us-west-2'),
      },
      {
        args: ['set', '--profile', 'dev', 's3.use_accelerate_endpoint', 'true'],
        header: '[profile dev]',
        check: (b) =>
          assert.deepEqual(b.profiles.dev!.s3, { addressing_style: 'path', use_accelerate_endpoint: 'true' }),
      },
      {
        args: ['set', '--profile', 'prod-deploy', 'duration_seconds', '3600'],
        header: '[profile prod-deploy]',
        check: (b) => assert.equal(b.profiles['prod-deploy']!.duration_seconds, '3600'),
      },
      {
        args: ['unset', '--profile', 'prod-deploy', 'role_session_name'],
        header: '[profile prod-deploy]',
        check: (b) => assert.equal(b.profiles['prod-deploy']!.role_session_name, undefined),
      },
      {
        args: ['set', '--sso-session', 'acme', 'sso_region', 'us-east-1'],
        header: '[sso-session acme]',
        check: (b) => assert.equal(b.sso_sessions.acme!.sso_region, 'us-east-1'),
      },
      {
        args: ['set', '--services', 'local-sts', 'sts.endpoint_url', 'http://127.0.0.1:5000'],
        header: '[services local-sts]',
        check: (b) =>
          assert.deepEqual(b.services['local-sts'], { sts: { endpoint_url: 'http://127.0.0.1:5000' } }),
      },
      {
        args: ['set', 'region', 'ca-central-1'],
        header: '[default]',
        check: (b) => assert.equal(b.profiles.default!.region, 'ca-central-1'),
      },
      {
        args: ['set', '--profile', 'new-one', 'region', 'sa-east-1'],
        header: '[profile new-one]',
        check: (b) => assert.equal(b.profiles['new-one']!.region, 'sa-east-1'),
      },
    ];
    for (const step of steps) {
      const before = fs.readFileSync(home.configFile, 'utf8');
      const r = await runInProcess(['config', ...step.args], home.env);
      assert.equal(r.code, 0, `${step.args.join(' ')}: ${r.stderr}`);
      const after = fs.readFileSync(home.configFile, 'utf8');
      assert.notEqual(after, before, step.args.join(' '));
      assertOnlySectionChanged(before, after, step.header);
      if (crlf) assert.doesNotMatch(after, /(?<!\r)\n/, 'a bare LF crept into a CRLF file');
    }
    // Every step's effect holds in the final file; one python start keeps the test quick.
    const boto = botocoreView(home.env);
    for (const step of steps) step.check(boto);
    const smithy = await smithyView(home.env);
    assert.equal(smithy.configFile.dev!.region, 'us-west-2');
    assert.equal(smithy.configFile.dev!['s3.use_accelerate_endpoint'], 'true');
    assert.equal(smithy.configFile['prod-deploy']!.duration_seconds, '3600');
    assert.equal(smithy.configFile['prod-deploy']!.role_session_name, undefined);
    assert.equal(smithy.configFile['sso-session.acme']!.sso_region, 'us-east-1');
    assert.equal(smithy.configFile['services.local-sts']!['sts.endpoint_url'], 'http://127.0.0.1:5000');
    assert.equal(smithy.configFile.default!.region, 'ca-central-1');
    assert.equal(smithy.configFile['new-one']!.region, 'sa-east-1');
    // Comments, the unknown [plugins] section and odd spacing are all still there.
    const final = fs.readFileSync(home.configFile, 'utf8');
    for (const kept of [
      '# production: assume the deploy role from dev',
      "; the organisation's Identity Center",
      '[plugins]',
      'output = json   ',
      '[profile   spaced  ]',
      'region\t=\tap-south-1',
    ]) {
      assert.ok(final.includes(kept), kept);
    }
  });
}

test('get prints a value, a sub-property, or exits 1 with nothing on stdout', async (t) => {
  const home = withFixtures(t);
  const cases: [string[], Record<string, string>, number, string][] = [
    [['--profile', 'dev', 'sso_role_name'], {}, 0, 'Developer\n'],
    [['--profile', 'dev', 's3.addressing_style'], {}, 0, 'path\n'],
    [['--profile', 'dev', 's3'], {}, 0, 'addressing_style = path\n'],
    [['--sso-session', 'acme', 'sso_start_url'], {}, 0, 'https://acme.awsapps.com/start\n'],
    [['region'], { AWS_PROFILE: 'dev' }, 0, 'eu-west-1\n'],
    [['--profile', 'legacy', 'aws_access_key_id'], {}, 0, 'AKIAEXAMPLEKEY123456\n'],
    [['--profile', 'dev', 'no_such_key'], {}, 1, ''],
    [['--profile', 'nobody', 'region'], {}, 1, ''],
  ];
  const results = await Promise.all(
    cases.map(([args, env]) => runInProcess(['config', 'get', ...args], { ...home.env, ...env })),
  );
  cases.forEach(([args, , code, stdout], i) => {
    const r = results[i]!;
    assert.deepEqual([r.code, r.stdout, r.stderr], [code, stdout, ''], args.join(' '));
  });
});

test('secrets are never taken from argv; from stdin they go to the credentials file, 0600', async (t) => {
  const home = tempHome(t);
  let r = await runInProcess(
    ['config', 'set', '--profile', 'ci', 'aws_secret_access_key', 'topSecretValue123'],
    home.env,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /refusing to take aws_secret_access_key from the command line/);
  assert.doesNotMatch(r.stderr, /topSecretValue123/);
  assert.equal(fs.existsSync(home.credentialsFile), false);
  r = await runInProcess(['config', 'set', '--profile', 'ci', 'aws_secret_access_key', '-'], home.env, {
    input: 'topSecretValue123\n',
  });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    fs.readFileSync(home.credentialsFile, 'utf8'),
    '[ci]\naws_secret_access_key = topSecretValue123\n',
  );
  assert.equal(fs.statSync(home.credentialsFile).mode & 0o777, 0o600);
  assert.equal(fs.existsSync(home.configFile), false);
});

test('list shows profiles, sessions and services with secrets masked', async (t) => {
  const home = withFixtures(t);
  const r = await runInProcess(['config', 'list', '--json'], home.env);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /fixtureSecretDoNotUse/);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['profiles', 'ssoSessions', 'services']);
  assert.deepEqual(out.profiles.legacy, {
    aws_access_key_id: '********3456',
    aws_secret_access_key: '********',
  });
  assert.deepEqual(out.profiles.dev.s3, { addressing_style: 'path' });
  assert.equal(out.ssoSessions.acme.sso_region, 'eu-west-1');
  assert.deepEqual(out.services['local-sts'], { sts: { endpoint_url: 'http://127.0.0.1:4566' } });
  const text = await runInProcess(['config', 'list'], home.env);
  assert.equal(text.code, 0);
  assert.match(text.stdout, /^profile dev\n {2}sso_session = acme$/m);
  assert.match(text.stdout, /^ {2}aws_secret_access_key = \*{8}$/m);
  assert.doesNotMatch(text.stdout, /fixtureSecretDoNotUse/);
});

test('bad input: clear message, usage or config exit code, and no file changed', async (t) => {
  const home = withFixtures(t);
  const dup = `${home.config}\n[profile dev]\nextra = 1\n`;
  writeFile(home.configFile, dup);
  const stat = fs.statSync(home.configFile);
  const cases: [string[], number, RegExp][] = [
    [['config'], 2, /missing action/],
    [['config', 'frobnicate'], 2, /unknown action "frobnicate"/],
    [['config', 'set', '--profile', 'dev', 'region'], 2, /expected: rolehop config set KEY VALUE/],
    [['config', 'get'], 2, /expected: rolehop config get KEY/],
    [['config', 'set', '--profile', 'a', '--sso-session', 'b', 'x', 'y'], 2, /only one of --profile/],
    [
      ['config', 'set', '--sso-session', 'b', '--credentials', 'x', 'y'],
      2,
      /--credentials applies to profiles only/,
    ],
    [['config', 'set', '--profile', 'dev', 'region', 'us-east-1 # comment'], 1, /start of a comment/],
    [['config', 'set', '--profile', 'bad name', 'region', 'x'], 1, /"bad name" is not a valid profile name/],
    [['config', 'set', '--profile', 'dev', 'bad key', 'x'], 1, /"bad key" is not a valid key/],
    [['config', 'set', '--profile', 'dev', 'region', 'x'], 1, /\[profile dev\]: the section appears 2 times/],
  ];
  // None of these may write, so they can run at once.
  const results = await Promise.all(cases.map(([args]) => runInProcess(args, home.env)));
  cases.forEach(([args, code, message], i) => {
    const r = results[i]!;
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(r.stdout, '');
  });
  assert.equal(fs.readFileSync(home.configFile, 'utf8'), dup);
  assert.equal(fs.statSync(home.configFile).mtimeMs, stat.mtimeMs);
});

test('20 processes editing different keys of one file at once lose no edit', async (t) => {
  if (!requires(t, 'botocore')) return;
  const home = withFixtures(t);
  const runs = Array.from({ length: 20 }, (_, i) =>
    runCli(['config', 'set', '--profile', i % 2 ? 'dev' : `team-${i}`, `key_${i}`, `value-${i}`], {
      env: home.env,
    }),
  );
  const results = await Promise.all(runs);
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const view = botocoreView(home.env);
  for (let i = 0; i < 20; i++) {
    assert.equal(view.profiles[i % 2 ? 'dev' : `team-${i}`]![`key_${i}`], `value-${i}`, `key_${i} lost`);
  }
  assert.equal(view.profiles.dev!.sso_role_name, 'Developer');
  assert.deepEqual(
    fs.readdirSync(home.awsDir).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp')),
    [],
  );
});

test('a key the credentials file overrides is written with a warning; unsetting an absent key writes nothing', async (t) => {
  const home = withFixtures(t);
  writeFile(home.credentialsFile, '[dev]\nregion = from-credentials\n');
  let r = await runInProcess(['config', 'set', '--profile', 'dev', 'region', 'us-west-1'], home.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /warning: region is also set for \[dev\] in .*credentials, which wins; use --credentials/,
  );
  r = await runInProcess(['config', 'get', '--profile', 'dev', 'region'], home.env);
  assert.equal(r.stdout, 'from-credentials\n');
  const before = fs.statSync(home.configFile);
  r = await runInProcess(['config', 'unset', '--profile', 'dev', 'not_there'], home.env);
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, '', '']);
  assert.equal(fs.statSync(home.configFile).mtimeMs, before.mtimeMs);
});
