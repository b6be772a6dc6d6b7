import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAgentInput } from '../../src/cli/cmd/agent.ts';
import { parseCompleteInput } from '../../src/cli/cmd/complete.ts';
import { parseCompletionInput } from '../../src/cli/cmd/completion.ts';
import { parseDoctorInput } from '../../src/cli/cmd/doctor.ts';
import { parseHookInput } from '../../src/cli/cmd/hook.ts';
import { parseLoginInput } from '../../src/cli/cmd/login.ts';
import { parseLogoutInput } from '../../src/cli/cmd/logout.ts';
import { parseLsInput } from '../../src/cli/cmd/ls.ts';
import { parsePopulateInput } from '../../src/cli/cmd/populate.ts';
import { parsePromptInput } from '../../src/cli/cmd/prompt.ts';
import { parseSandboxInput } from '../../src/cli/cmd/sandbox.ts';
import { parseStatusInput } from '../../src/cli/cmd/status.ts';
import { parseSyncInput } from '../../src/cli/cmd/sync.ts';
import { findCommand } from '../../src/cli/commands.ts';
import { parseCommandArgs } from '../../src/cli/main.ts';
import type { CommandInput } from '../../src/cli/spec.ts';
import { DEFAULT_TEMPLATE } from '../../src/config/profile-names.ts';
import { exitCodeOf, UsageError } from '../../src/util/errors.ts';

// Each command's parse step, alone: the typed input it builds from a command line, and the usage
// errors (exit 2, with a hint) it raises before the command touches any file or the network.

function line(command: string, args: string[]): CommandInput {
  return parseCommandArgs(findCommand(command)!, args);
}

function refuses(parse: () => unknown, message: RegExp): void {
  assert.throws(parse, (error: unknown) => {
    assert.ok(error instanceof UsageError, `not a usage error: ${String(error)}`);
    assert.match(error.message, message);
    assert.ok(error.hint, `no hint for "${error.message}"`);
    assert.equal(exitCodeOf(error), 2);
    return true;
  });
}

test('login: a configured session, or a first sign-in with its start URL, region and session name', () => {
  assert.deepEqual(parseLoginInput(line('login', ['--sso-session', 'corp', '--device-code'])), {
    ssoSession: 'corp',
    newSession: undefined,
    deviceCode: true,
    noBrowser: false,
  });
  assert.deepEqual(
    parseLoginInput(
      line('login', [
        '--start-url',
        'https://my-org.awsapps.com/start',
        '--sso-region',
        'eu-west-1',
        '--no-browser',
      ]),
    ),
    {
      ssoSession: undefined,
      newSession: { name: 'my-org', startUrl: 'https://my-org.awsapps.com/start', region: 'eu-west-1' },
      deviceCode: false,
      noBrowser: true,
    },
  );
  const first = ['--start-url', 'https://my-org.awsapps.com/start', '--sso-region', 'eu-west-1'];
  assert.equal(parseLoginInput(line('login', [...first, '--sso-session', 'work'])).newSession?.name, 'work');
  refuses(() => parseLoginInput(line('login', ['--sso-region', 'eu-west-1'])), /goes with --start-url/);
  refuses(
    () => parseLoginInput(line('login', ['--start-url', 'https://my-org.awsapps.com/start'])),
    /needs --sso-region/,
  );
  refuses(
    () =>
      parseLoginInput(
        line('login', ['--start-url', 'http://example.com/start', '--sso-region', 'eu-west-1']),
      ),
    /must use https/,
  );
  refuses(
    () =>
      parseLoginInput(
        line('login', ['--start-url', 'https://my-org.awsapps.com/start', '--sso-region', 'Europe']),
      ),
    /--sso-region "Europe" is not an AWS region name/,
  );
  refuses(
    () => parseLoginInput(line('login', [...first, '--sso-session=-bad'])),
    /"-bad" is not a usable sso-session name/,
  );
});

test('logout: one session or --all, not both', () => {
  assert.deepEqual(parseLogoutInput(line('logout', [])), { sessions: { all: false, name: undefined } });
  assert.deepEqual(parseLogoutInput(line('logout', ['--sso-session', 'corp'])), {
    sessions: { all: false, name: 'corp' },
  });
  assert.deepEqual(parseLogoutInput(line('logout', ['--all'])), { sessions: { all: true } });
  refuses(() => parseLogoutInput(line('logout', ['--all', '--sso-session', 'corp'])), /not both/);
});

test('status and doctor: --json and the colour choice', () => {
  assert.deepEqual(parseStatusInput(line('status', [])), { json: false, color: true });
  assert.deepEqual(parseStatusInput(line('status', ['--json', '--no-color'])), { json: true, color: false });
  assert.deepEqual(parseDoctorInput(line('doctor', ['--json'])), { json: true, color: true });
});

test('populate: defaults, and every option checked before a listing or a write', () => {
  const defaults = parsePopulateInput(line('populate', []));
  assert.deepEqual(defaults, {
    ssoSession: undefined,
    template: DEFAULT_TEMPLATE,
    style: 'sso',
    region: { noRegion: false, region: undefined },
    prune: false,
    refresh: false,
    maxAgeSeconds: undefined,
    dryRun: false,
    color: true,
  });
  const given = parsePopulateInput(
    line('populate', [
      '--sso-session',
      'corp',
      '--template',
      '{account_id}-{role_name}',
      '--style',
      'credentials',
      '--region',
      'eu-west-1',
      '--prune',
      '--max-age',
      '1h',
      '--dry-run',
    ]),
  );
  assert.equal(given.ssoSession, 'corp');
  assert.equal(given.template, '{account_id}-{role_name}');
  assert.equal(given.style, 'credentials');
  assert.deepEqual(given.region, { noRegion: false, region: 'eu-west-1' });
  assert.equal(given.prune, true);
  assert.equal(given.maxAgeSeconds, 3600);
  assert.equal(given.dryRun, true);
  assert.deepEqual(parsePopulateInput(line('populate', ['--no-region'])).region, {
    noRegion: true,
    region: undefined,
  });
  refuses(
    () => parsePopulateInput(line('populate', ['--template', '{account_name}'])),
    /has no \{role_name\}/,
  );
  refuses(
    () => parsePopulateInput(line('populate', ['--template', '{nope}.{role_name}'])),
    /unknown field \{nope\}/,
  );
  refuses(() => parsePopulateInput(line('populate', ['--style', 'ini'])), /unknown --style "ini"/);
  refuses(() => parsePopulateInput(line('populate', ['--max-age', 'soon'])), /invalid --max-age "soon"/);
  refuses(
    () => parsePopulateInput(line('populate', ['--no-region', '--region', 'eu-west-1'])),
    /--region or --no-region, not both/,
  );
});

test('sync: names (each once) or --all; --min-ttl and --mfa-code checked up front', () => {
  assert.equal(parseSyncInput(line('sync', ['--all'])).profiles, 'all');
  assert.deepEqual(parseSyncInput(line('sync', ['a', 'b', 'a'])).profiles, ['a', 'b']);
  assert.deepEqual(parseSyncInput(line('sync', [])).profiles, []);
  refuses(() => parseSyncInput(line('sync', ['a', '--all'])), /profile names or --all, not both/);
  refuses(() => parseSyncInput(line('sync', ['a', '--min-ttl', 'soon'])), /invalid --min-ttl "soon"/);
  refuses(() => parseSyncInput(line('sync', ['a', '--mfa-code', '12'])), /invalid MFA code/);
});

test('hook: a shell and the margin in seconds', () => {
  assert.deepEqual(parseHookInput(line('hook', ['bash'])), { shell: 'bash', marginSeconds: 600 });
  assert.deepEqual(parseHookInput(line('hook', ['fish', '--margin', '5m'])), {
    shell: 'fish',
    marginSeconds: 300,
  });
  refuses(() => parseHookInput(line('hook', [])), /missing the shell/);
  refuses(() => parseHookInput(line('hook', ['pwsh'])), /unknown shell "pwsh"/);
  refuses(() => parseHookInput(line('hook', ['bash', 'zsh'])), /unexpected argument "zsh"/);
  refuses(() => parseHookInput(line('hook', ['zsh', '--margin', 'later'])), /invalid --margin "later"/);
});

test('prompt, completion and __complete', () => {
  assert.deepEqual(parsePromptInput(line('prompt', [])), {});
  assert.deepEqual(parseCompletionInput(line('completion', ['zsh'])), { shell: 'zsh' });
  refuses(() => parseCompletionInput(line('completion', [])), /completion needs a shell/);
  refuses(() => parseCompletionInput(line('completion', ['pwsh'])), /not "pwsh"/);
  refuses(() => parseCompletionInput(line('completion', ['toString'])), /not "toString"/);
  assert.deepEqual(parseCompleteInput(line('__complete', ['profiles'])), { kind: 'profiles' });
  assert.deepEqual(parseCompleteInput(line('__complete', ['sso-sessions'])), { kind: 'sso-sessions' });
  // Completion stays quiet: an unknown kind asks for nothing rather than failing.
  assert.deepEqual(parseCompleteInput(line('__complete', ['accounts'])), { kind: undefined });
});

test('sandbox: numbers are numbers; their ranges are the sandbox’s to check', () => {
  assert.deepEqual(
    parseSandboxInput(
      line('sandbox', [
        '--port',
        '8080',
        '--accounts',
        '20',
        '--fail-rate',
        '0.5',
        '--auto-approve',
        '--sts',
        'http://127.0.0.1:5000',
      ]),
    ),
    {
      port: 8080,
      accounts: 20,
      latencyMs: undefined,
      throttleTps: undefined,
      failRate: 0.5,
      directory: undefined,
      sts: 'http://127.0.0.1:5000',
      autoApprove: true,
    },
  );
  refuses(
    () => parseSandboxInput(line('sandbox', ['--port', 'abc'])),
    /--port must be a whole number \(got "abc"\)/,
  );
  refuses(
    () => parseSandboxInput(line('sandbox', ['--accounts', '1.5'])),
    /--accounts must be a whole number/,
  );
  refuses(
    () => parseSandboxInput(line('sandbox', ['--latency-ms='])),
    /--latency-ms must be a number \(got ""\)/,
  );
});

test('agent: an action, --idle in seconds, --json', () => {
  assert.deepEqual(parseAgentInput(line('agent', [])), {
    action: 'run',
    idleSeconds: undefined,
    json: false,
  });
  assert.deepEqual(parseAgentInput(line('agent', ['start', '--idle', '0'])), {
    action: 'start',
    idleSeconds: 0,
    json: false,
  });
  assert.deepEqual(parseAgentInput(line('agent', ['status', '--json'])), {
    action: 'status',
    idleSeconds: undefined,
    json: true,
  });
  assert.equal(parseAgentInput(line('agent', ['--idle', '1h30m'])).idleSeconds, 5400);
  refuses(() => parseAgentInput(line('agent', ['restart'])), /unknown agent action "restart"/);
  refuses(() => parseAgentInput(line('agent', ['start', 'stop'])), /unexpected argument "stop"/);
  refuses(() => parseAgentInput(line('agent', ['start', '--idle', '8 hours'])), /invalid --idle "8 hours"/);
});

test('ls: a filter, the session and the inventory options', () => {
  assert.deepEqual(
    parseLsInput(line('ls', ['prod', '--sso-session', 'corp', '--refresh', '--max-age', '1d', '--json'])),
    { filter: 'prod', ssoSession: 'corp', refresh: true, maxAgeSeconds: 86400, json: true },
  );
  assert.deepEqual(parseLsInput(line('ls', [])), {
    filter: undefined,
    ssoSession: undefined,
    refresh: false,
    maxAgeSeconds: undefined,
    json: false,
  });
  refuses(() => parseLsInput(line('ls', ['prod', 'dev'])), /unexpected argument "dev"/);
  refuses(() => parseLsInput(line('ls', ['--max-age', 'a day'])), /invalid --max-age "a day"/);
});
