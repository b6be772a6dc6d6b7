import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfigInput } from '../../src/cli/cmd/config.ts';
import { parseConfigureInput } from '../../src/cli/cmd/configure.ts';
import { parseConsoleInput } from '../../src/cli/cmd/console.ts';
import { parseEnvInput } from '../../src/cli/cmd/env.ts';
import { parseExecInput } from '../../src/cli/cmd/exec.ts';
import { parseServeInput } from '../../src/cli/cmd/serve.ts';
import { parseSetupInput } from '../../src/cli/cmd/setup.ts';
import { parseWhoamiInput } from '../../src/cli/cmd/whoami.ts';
import { parseCredentialInput, parseFetchInput } from '../../src/cli/command-target.ts';
import { findCommand } from '../../src/cli/commands.ts';
import { parseCommandArgs } from '../../src/cli/main.ts';
import { parseRegionChoice } from '../../src/cli/region.ts';
import type { CommandInput } from '../../src/cli/spec.ts';
import { targetWords } from '../../src/cli/target-words.ts';
import { SERVE_MIN_TTL_SECONDS } from '../../src/server/credential-server.ts';
import { UsageError } from '../../src/util/errors.ts';

// The parse steps of the credential commands, pure: a command line in, a typed input or a
// UsageError (exit 2, with a hint) out, before any file or network is touched.

const raw = (command: string, args: string[]): CommandInput => parseCommandArgs(findCommand(command)!, args);

function refused(parse: () => unknown, message: RegExp): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof UsageError, `a UsageError, not ${String(error)}`);
    assert.match(error.message, message);
    assert.ok(error.hint, 'with a hint');
    return true;
  });
}

test('parseCredentialInput: profile, selectors and --region become a Selection; fetch options are checked', () => {
  const input = parseCredentialInput(
    raw('env', [
      '--sso-session',
      'org',
      '--account',
      'prod',
      '--role',
      'Admin',
      '--assume',
      'arn:aws:iam::111122223333:role/A',
      '--assume',
      'arn:aws:iam::111122223333:role/B',
      '--external-id',
      'ext-42',
      '--mfa-serial',
      'arn:aws:iam::111122223333:mfa/me',
      '--session-name',
      'me',
      '--duration',
      '1h',
      '--source-identity',
      'alice',
      '--tag',
      'a=1',
      '--tag',
      'b=2',
      '--region',
      'eu-west-1',
      '--min-ttl',
      '10m',
      '--mfa-code',
      '123456',
    ]),
    'env',
  );
  assert.deepEqual(input, {
    selection: {
      ssoSession: 'org',
      account: 'prod',
      role: 'Admin',
      assume: ['arn:aws:iam::111122223333:role/A', 'arn:aws:iam::111122223333:role/B'],
      externalId: 'ext-42',
      mfaSerial: 'arn:aws:iam::111122223333:mfa/me',
      sessionName: 'me',
      duration: '1h',
      sourceIdentity: 'alice',
      tags: ['a=1', 'b=2'],
      region: 'eu-west-1',
    },
    minTtlSeconds: 600,
    mfaCode: '123456',
  });
});

test('parseCredentialInput: the positional PROFILE wins over --profile; nothing given is nothing set', () => {
  assert.deepEqual(parseCredentialInput(raw('whoami', ['prod', '--profile', 'other']), 'whoami'), {
    selection: { profile: 'prod' },
  });
  assert.deepEqual(parseCredentialInput(raw('whoami', ['--profile', 'other']), 'whoami'), {
    selection: { profile: 'other' },
  });
  assert.deepEqual(parseCredentialInput(raw('credential-process', []), 'credential-process'), {
    selection: {},
  });
});

test('parseCredentialInput: a second PROFILE, a bad --min-ttl or --mfa-code is a usage error', () => {
  refused(() => parseCredentialInput(raw('env', ['a', 'b']), 'env'), /unexpected argument "b"/);
  refused(() => parseCredentialInput(raw('env', ['p', '--min-ttl', 'soon']), 'env'), /invalid --min-ttl/);
  refused(() => parseCredentialInput(raw('env', ['p', '--mfa-code', '12ab']), 'env'), /MFA code/i);
  refused(() => parseFetchInput(raw('sync', ['--min-ttl', '1y'])), /invalid --min-ttl/);
});

test('parseEnvInput: --format is checked; --again keeps the rest for later', () => {
  const input = parseEnvInput(raw('env', ['p', '--format', 'fish', '--agent']));
  assert.deepEqual(input, {
    format: 'fish',
    agent: true,
    unset: false,
    again: false,
    credentials: { selection: { profile: 'p' } },
  });
  assert.equal(parseEnvInput(raw('env', ['--again'])).again, true);
  assert.equal(parseEnvInput(raw('env', ['p'])).format, undefined);
  refused(() => parseEnvInput(raw('env', ['p', '--format', 'tcsh'])), /unknown output format "tcsh"/);
  refused(() => parseEnvInput(raw('env', ['--again', '--unset'])), /--unset does not go with --again/);
});

test('targetWords: the words of the same target, with --min-ttl in seconds', () => {
  const credentials = parseCredentialInput(
    raw('env', ['--account', 'prod', '--role', 'Admin', '--tag', 'a=1', '--min-ttl', '5m']),
    'env',
  );
  const plan = { source: { kind: 'sso', session: 'org', accountId: '111122223333', roleName: 'Admin' } };
  assert.deepEqual(targetWords(credentials, plan), [
    '--sso-session',
    'org',
    '--account',
    '111122223333',
    '--role',
    'Admin',
    '--tag',
    'a=1',
    '--min-ttl',
    '300',
  ]);
  // Read back, the words name the same target.
  const again = parseCredentialInput(raw('env', targetWords(credentials, plan)), 'env');
  assert.deepEqual(again.selection, { ...credentials.selection, ssoSession: 'org', account: '111122223333' });
  assert.equal(again.minTtlSeconds, 300);
});

test('parseExecInput: CMD after --, --each and its options, --agent alone', () => {
  const one = parseExecInput(raw('exec', ['p', '--agent', '--', 'aws', 's3', 'ls']));
  assert.deepEqual(one, {
    command: ['aws', 's3', 'ls'],
    agent: true,
    force: false,
    each: undefined,
    credentials: { selection: { profile: 'p' } },
  });
  const each = parseExecInput(
    raw('exec', ['--each', 'prod-*', '--parallel', '3', '--output-dir', 'out', '--json', '--', 'true']),
  );
  assert.deepEqual(each.each, { pattern: 'prod-*', parallel: 3, outputDir: 'out', json: true });
  refused(() => parseExecInput(raw('exec', ['p'])), /missing the command to run/);
  refused(
    () => parseExecInput(raw('exec', ['p', '--parallel', '2', '--', 'true'])),
    /--parallel goes with --each/,
  );
  refused(() => parseExecInput(raw('exec', ['--each', '*', '--agent', '--', 'true'])), /--agent does not go/);
  refused(
    () => parseExecInput(raw('exec', ['--each', '*', '--parallel', '0', '--', 'true'])),
    /--parallel "0"/,
  );
  refused(() => parseExecInput(raw('exec', ['--each', '', '--', 'true'])), /--each needs a pattern/);
  refused(
    () => parseExecInput(raw('exec', ['--each', '*', 'p', '--', 'true'])),
    /either a PROFILE or --each/,
  );
});

test('parseServeInput: --port is checked; --min-ttl defaults to what keeps SDKs from refreshing', () => {
  const input = parseServeInput(raw('serve', ['p', '--port', '9911', '--', 'node', 'app.js']));
  assert.deepEqual(input, {
    port: 9911,
    command: ['node', 'app.js'],
    credentials: { selection: { profile: 'p' }, minTtlSeconds: SERVE_MIN_TTL_SECONDS },
  });
  assert.equal(parseServeInput(raw('serve', ['p', '--min-ttl', '20m'])).credentials.minTtlSeconds, 1200);
  refused(() => parseServeInput(raw('serve', ['p', '--port', '70000'])), /invalid --port/);
});

test('parseWhoamiInput and parseConsoleInput: flags, modes and the options that go together', () => {
  assert.deepEqual(parseWhoamiInput(raw('whoami', ['p', '--json'])), {
    credentials: { selection: { profile: 'p' } },
    json: true,
  });
  assert.deepEqual(parseConsoleInput(raw('console', ['p', '--print', '--destination', 's3'])), {
    credentials: { selection: { profile: 'p' } },
    mode: 'print',
    destination: 's3',
    isolate: undefined,
  });
  assert.deepEqual(parseConsoleInput(raw('console', ['p', '--isolate', '--browser', 'chrome'])).isolate, {
    browser: 'chrome',
    isolation: 'profile-folder',
  });
  assert.deepEqual(parseConsoleInput(raw('console', ['p', '--isolate', '--firefox-containers'])).isolate, {
    browser: undefined,
    isolation: 'firefox-container',
  });
  assert.equal(parseConsoleInput(raw('console', ['p'])).mode, 'auto');
  refused(() => parseConsoleInput(raw('console', ['p', '--print', '--open'])), /cannot be used together/);
  refused(
    () => parseConsoleInput(raw('console', ['p', '--isolate', '--print'])),
    /--isolate opens a browser/,
  );
  refused(
    () => parseConsoleInput(raw('console', ['p', '--browser', 'chrome'])),
    /--browser goes with --isolate/,
  );
  refused(
    () => parseConsoleInput(raw('console', ['p', '--firefox-containers'])),
    /--firefox-containers goes with --isolate/,
  );
});

test('parseConfigInput: action, key and value, one section, secrets never from argv', () => {
  assert.deepEqual(parseConfigInput(raw('config', ['list', '--json'])), { action: 'list', json: true });
  assert.deepEqual(
    parseConfigInput(raw('config', ['set', '--sso-session', 'org', 'sso_region', 'eu-west-1'])),
    {
      action: 'set',
      key: 'sso_region',
      value: 'eu-west-1',
      section: { kind: 'sso-session', name: 'org' },
      credentials: false,
    },
  );
  assert.deepEqual(parseConfigInput(raw('config', ['get', 'region'])), {
    action: 'get',
    key: 'region',
    section: { kind: 'profile', name: undefined },
    credentials: false,
  });
  refused(() => parseConfigInput(raw('config', [])), /missing action/);
  refused(() => parseConfigInput(raw('config', ['show'])), /unknown action "show"/);
  refused(() => parseConfigInput(raw('config', ['get'])), /expected: rolehop config get KEY/);
  refused(() => parseConfigInput(raw('config', ['set', 'aws_secret_access_key', 'x'])), /refusing to take/);
  refused(
    () => parseConfigInput(raw('config', ['get', '--profile', 'p', '--services', 's', 'k'])),
    /only one of --profile/,
  );
  refused(
    () => parseConfigInput(raw('config', ['get', '--credentials', '--sso-session', 'o', 'k'])),
    /--credentials applies to profiles only/,
  );
});

test('parseConfigureInput: name, start, hops, style and the region to write, checked before any lookup', () => {
  const input = parseConfigureInput(
    raw('configure', [
      'deploy',
      '--account',
      'prod',
      '--role',
      'Admin',
      '--assume',
      'arn:aws:iam::111122223333:role/Deploy',
      '--session-name',
      'me',
      '--region',
      'eu-west-1',
      '--no-color',
    ]),
  );
  assert.equal(input.name, 'deploy');
  assert.equal(input.style, 'sso');
  assert.equal(input.account, 'prod');
  assert.equal(input.role, 'Admin');
  assert.deepEqual(input.sel, { assume: ['arn:aws:iam::111122223333:role/Deploy'], sessionName: 'me' });
  assert.deepEqual(
    input.hops.map((h) => h.roleArn),
    ['arn:aws:iam::111122223333:role/Deploy'],
  );
  assert.deepEqual(input.regionChoice, { region: 'eu-west-1', noRegion: false });
  assert.equal(input.color, false);
  refused(() => parseConfigureInput(raw('configure', ['--account', 'a', '--role', 'r'])), /needs the NAME/);
  refused(() => parseConfigureInput(raw('configure', ['n', '--account', 'a'])), /configure needs --role/);
  refused(
    () => parseConfigureInput(raw('configure', ['n', '--account', 'a', '--role', 'r', '--min-ttl', '1h'])),
    /--mfa-code and --min-ttl are for commands/,
  );
  refused(
    () =>
      parseConfigureInput(
        raw('configure', ['n', '--account', 'a', '--role', 'r', '--region', 'eu-west-1', '--no-region']),
      ),
    /--region or --no-region, not both/,
  );
  refused(() => parseRegionChoice(raw('populate', ['--region', 'eu-west-1', '--no-region'])), /not both/);
});

test('parseSetupInput: what was given is checked before any question; the rest is asked for later', () => {
  assert.deepEqual(
    parseSetupInput(
      raw('setup', [
        'dev',
        '--start-url',
        'https://d-1.awsapps.com/start',
        '--sso-region',
        'eu-west-1',
        '--device-code',
      ]),
    ),
    {
      name: 'dev',
      style: undefined,
      startUrl: 'https://d-1.awsapps.com/start',
      ssoRegion: 'eu-west-1',
      ssoSession: undefined,
      accountRole: undefined,
      region: undefined,
      loginFlow: ['--device-code'],
      globalArgs: [],
    },
  );
  refused(() => parseSetupInput(raw('setup', ['a', 'b'])), /unexpected argument "b"/);
  refused(() => parseSetupInput(raw('setup', ['--style', 'keys'])), /unknown --style/);
  refused(() => parseSetupInput(raw('setup', ['--sso-region', 'mars-1'])), /not an AWS region/);
  refused(() => parseSetupInput(raw('setup', ['--account', 'a'])), /--account needs --role/);
});

test('parseCredentialInput: the hop options are checked in the parse step too', () => {
  refused(() => parseCredentialInput(raw('env', ['p', '--duration', 'long']), 'env'), /invalid --duration/);
  refused(() => parseCredentialInput(raw('env', ['p', '--tag', 'novalue']), 'env'), /invalid --tag/);
  refused(
    () => parseCredentialInput(raw('env', ['p', '--assume', 'not-an-arn']), 'env'),
    /role ARN|not-an-arn/i,
  );
});
