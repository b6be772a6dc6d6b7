import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { credentialProcessLine, quoteArg } from '../../src/config/credential-process-line.ts';
import { rolehopBin, runCli, runInProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// configure without the network: ids instead of account names, so no portal call is needed.

const CONFIG = `# hand-written, keep it\r
[sso-session org]\r
sso_start_url = https://org.awsapps.com/start\r
sso_region = eu-west-1\r
\r
[profile admin]   ; mine\r
sso_session = org\r
sso_account_id = 111122223333\r
sso_role_name = Admin\r
`;

const DEPLOY = 'arn:aws:iam::444455556666:role/Deploy';
const FINAL = 'arn:aws:iam::777788889999:role/Final';

function home(t: Parameters<typeof tempHome>[0]) {
  const h = tempHome(t);
  writeFile(h.configFile, CONFIG);
  return h;
}

function botocoreProfile(env: Record<string, string>, name: string): Record<string, string> {
  return JSON.parse(
    execFileSync(
      'python3',
      [
        '-c',
        'import json, sys, botocore.session\nprint(json.dumps(botocore.session.Session().full_config["profiles"][sys.argv[1]]))',
        name,
      ],
      { env, encoding: 'utf8' },
    ),
  );
}

test('an sso chain reuses the existing SSO profile, writes the AWS CLI keys per hop, keeps CRLF and user bytes, and re-running changes nothing', async (t) => {
  if (!requires(t, 'botocore')) return;
  const h = home(t);
  const args = [
    'configure',
    'deploy',
    '--account',
    '111122223333',
    '--role',
    'Admin',
    '--assume',
    DEPLOY,
    '--assume',
    FINAL,
    '--external-id',
    'ext-123',
    '--session-name',
    'alice',
    '--duration',
    '1h',
    '--region',
    'eu-west-1',
    '--output',
    'json',
  ];
  fs.chmodSync(h.configFile, 0o640);
  const r = await runInProcess(args, h.env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(fs.statSync(h.configFile).mode & 0o777, 0o640, 'an existing file keeps its mode');
  const text = fs.readFileSync(h.configFile, 'utf8');
  assert.ok(text.startsWith(CONFIG), 'user text untouched');
  assert.equal(
    text.slice(CONFIG.length),
    [
      '',
      '# rolehop:begin configure deploy',
      '# Managed by rolehop: everything up to rolehop:end is rewritten; edit outside it.',
      '[profile deploy-hop1]',
      `role_arn = ${DEPLOY}`,
      'source_profile = admin',
      'role_session_name = alice',
      'duration_seconds = 3600',
      '',
      '[profile deploy]',
      `role_arn = ${FINAL}`,
      'source_profile = deploy-hop1',
      'role_session_name = alice',
      'external_id = ext-123',
      'duration_seconds = 3600',
      'region = eu-west-1',
      'output = json',
      '# rolehop:end configure deploy',
      '',
    ].join('\r\n'),
  );
  assert.match(r.stderr, /^\+\[profile deploy\]\r?$/m, 'shows the diff');
  assert.deepEqual(botocoreProfile(h.env, 'deploy'), {
    role_arn: FINAL,
    source_profile: 'deploy-hop1',
    role_session_name: 'alice',
    external_id: 'ext-123',
    duration_seconds: '3600',
    region: 'eu-west-1',
    output: 'json',
  });
  const mtime = fs.statSync(h.configFile).mtimeMs;
  const again = await runInProcess(args, h.env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /profile "deploy" is up to date; nothing written/);
  assert.equal(fs.statSync(h.configFile).mtimeMs, mtime);
  const explain = await runInProcess(['explain', 'deploy', '--json'], h.env);
  assert.equal(explain.code, 0, explain.stderr);
  assert.equal(JSON.parse(explain.stdout).hops.length, 2);
});

test('without a reusable profile a source profile is written; --dry-run prints the diff on stdout and writes nothing', async (t) => {
  const h = home(t);
  const dry = await runInProcess(
    ['configure', 'ops', '--account', '111122223333', '--role', 'ReadOnly', '--assume', DEPLOY, '--dry-run'],
    h.env,
  );
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(fs.readFileSync(h.configFile, 'utf8'), CONFIG);
  assert.match(
    dry.stdout,
    /^\+\[profile ops-sso\]\r?\n\+sso_session = org\r?\n\+sso_account_id = 111122223333\r?\n\+sso_role_name = ReadOnly\r?$/m,
  );
  assert.match(dry.stdout, /^\+source_profile = ops-sso\r?$/m);
  assert.match(dry.stderr, /dry run: .* not written/);
});

test('switching style rewrites only the block; the process line names rolehop on PATH, else this node and script', async (t) => {
  const h = home(t);
  const plain = await runInProcess(['configure', 'dev', '--account', '111122223333', '--role', 'Dev'], h.env);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(
    fs.readFileSync(h.configFile, 'utf8'),
    /\[profile dev\]\r\nsso_session = org\r\nsso_account_id = 111122223333\r\nsso_role_name = Dev\r\n/,
  );

  const proc = await runCli(
    ['configure', 'dev', '--account', '111122223333', '--role', 'Dev', '--style', 'process'],
    {
      env: h.env,
    },
  );
  assert.equal(proc.code, 0, proc.stderr);
  const text = fs.readFileSync(h.configFile, 'utf8');
  assert.equal((text.match(/# rolehop:begin configure dev/g) ?? []).length, 1);
  assert.doesNotMatch(text, /sso_role_name = Dev/);
  const line = /^credential_process = (.*)\r$/m.exec(text)?.[1];
  assert.equal(
    line,
    `${quoteArg(process.execPath)} ${quoteArg(fs.realpathSync(rolehopBin))} credential-process --sso-session org --account 111122223333 --role Dev`,
  );

  const bin = path.join(h.home, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'rolehop'), '#!/bin/sh\n', { mode: 0o755 });
  const onPath = await runInProcess(
    ['configure', 'dev', '--account', '111122223333', '--role', 'Dev', '--style', 'process'],
    { ...h.env, PATH: `${bin}:${h.env.PATH}` },
  );
  assert.equal(onPath.code, 0, onPath.stderr);
  assert.match(
    fs.readFileSync(h.configFile, 'utf8'),
    /^credential_process = rolehop credential-process --sso-session org --account 111122223333 --role Dev\r$/m,
  );
});

test('credential_process paths with spaces and quotes split back into the same argv in botocore (shlex) and sh', (t) => {
  if (!requires(t, 'botocore')) return;
  const execPath = "/opt/my node's/bin/node";
  const script = '/home/a b/rolehop/bin/rolehop.cjs';
  const line = credentialProcessLine(['--role', 'Admin'], { env: { PATH: '' }, execPath, script });
  const expected = [execPath, script, 'credential-process', '--role', 'Admin'];
  const viaShlex = JSON.parse(
    execFileSync(
      'python3',
      [
        '-c',
        'import json, sys\nfrom botocore.compat import compat_shell_split\nprint(json.dumps(compat_shell_split(sys.argv[1])))',
        line,
      ],
      { encoding: 'utf8' },
    ),
  );
  assert.deepEqual(viaShlex, expected);
  const viaSh = execFileSync('sh', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' })
    .split('\n')
    .slice(0, -1);
  assert.deepEqual(viaSh, expected);
});

test('bad configure input is refused with a clear message and exit code, and no file changes', async (t) => {
  const h = home(t);
  fs.writeFileSync(h.credentialsFile, '[keep]\naws_access_key_id = AKIAUSER\n', { mode: 0o600 });
  const cases: [string[], number, RegExp][] = [
    [['configure'], 2, /configure needs the NAME/],
    [['configure', 'a', 'b', '--account', '111122223333', '--role', 'R'], 2, /one profile at a time/],
    [
      ['configure', 'x', '--role', 'R'],
      2,
      /configure needs --account[\s\S]*hint: rolehop configure NAME --account/,
    ],
    [['configure', 'x', '--account', '111122223333'], 2, /configure needs --role/],
    [
      ['configure', 'x', '--profile-from', 'admin', '--account', '111122223333'],
      2,
      /either --profile-from or --account/,
    ],
    [['configure', 'x', '--profile-from', 'nope', '--assume', DEPLOY], 2, /no profile named "nope"/],
    [['configure', 'x', '--profile-from', 'admin'], 2, /--profile-from without --assume/],
    [
      ['configure', 'bad name', '--account', '111122223333', '--role', 'R'],
      2,
      /"bad name" cannot be a profile name/,
    ],
    [['configure', 'default', '--account', '111122223333', '--role', 'R'], 2, /cannot be a profile name/],
    [
      ['configure', 'x', '--account', '111122223333', '--role', 'R', '--style', 'keys'],
      2,
      /unknown --style "keys"/,
    ],
    [
      ['configure', 'x', '--account', '111122223333', '--role', 'R', '--output', 'xml'],
      2,
      /unknown --output "xml"/,
    ],
    [
      ['configure', 'x', '--account', '111122223333', '--role', 'R', '--region', 'moon'],
      2,
      /"moon" is not an AWS region/,
    ],
    [
      ['configure', 'x', '--account', '111122223333', '--role', 'R', '--assume', 'arn:aws:iam::1:role/X'],
      2,
      /role ARN|ROLE_ARN|account/i,
    ],
    [
      ['configure', 'x', '--account', '111122223333', '--role', 'R', '--assume', DEPLOY, '--tag', 'a=b'],
      2,
      /--tag has no key in AWS config files[\s\S]*--style process/,
    ],
    [
      ['configure', 'x', '--account', '111122223333', '--role', 'R', '--external-id', 'abc'],
      2,
      /--external-id applies to a role to assume/,
    ],
    [
      ['configure', 'x', '--account', '111122223333', '--role', 'R', '--mfa-code', '123456'],
      2,
      /--mfa-code and --min-ttl are for commands/,
    ],
    [
      ['configure', 'x', '--account', '111122223333', '--role', 'R', '--sso-session', 'other'],
      2,
      /no sso-session named "other"/,
    ],
    [
      ['configure', 'admin', '--account', '111122223333', '--role', 'R'],
      1,
      /profile "admin" already exists[\s\S]*hint: choose another NAME/,
    ],
  ];
  for (const [args, code, message] of cases) {
    const r = await runInProcess(args, h.env);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
    assert.equal(fs.readFileSync(h.configFile, 'utf8'), CONFIG, args.join(' '));
    assert.equal(fs.readFileSync(h.credentialsFile, 'utf8'), '[keep]\naws_access_key_id = AKIAUSER\n');
  }
});

test('configure writes region by the one rule: --region, AWS_REGION, [default], then sso_region; --no-region none', async (t) => {
  const regionWritten = async (args: string[], extra: Record<string, string> = {}, config = CONFIG) => {
    const h = tempHome(t);
    writeFile(h.configFile, config);
    const r = await runInProcess(['configure', 'p', '--account', '111122223333', '--role', 'R', ...args], {
      ...h.env,
      ...extra,
    });
    assert.equal(r.code, 0, r.stderr);
    return /\[profile p\][^[]*?\nregion = (\S+)/.exec(fs.readFileSync(h.configFile, 'utf8'))?.[1];
  };
  // A new user with no default region: `aws … --profile p` must not end in "You must specify a region".
  assert.equal(await regionWritten([]), 'eu-west-1', "the sso-session's sso_region");
  assert.equal(
    await regionWritten([], {}, `${CONFIG}[default]\r\nregion = ca-central-1\r\n`),
    'ca-central-1',
  );
  assert.equal(
    await regionWritten([], { AWS_DEFAULT_REGION: 'us-west-1', AWS_REGION: 'ap-south-1' }),
    'ap-south-1',
  );
  assert.equal(await regionWritten(['--region', 'us-west-2'], { AWS_REGION: 'ap-south-1' }), 'us-west-2');
  assert.equal(await regionWritten(['--no-region'], { AWS_REGION: 'ap-south-1' }), undefined);
  const h = home(t);
  const both = await runInProcess(
    ['configure', 'p', '--account', '111122223333', '--role', 'R', '--region', 'us-west-2', '--no-region'],
    h.env,
  );
  assert.equal(both.code, 2);
  assert.match(both.stderr, /give --region or --no-region, not both/);
  assert.equal(fs.readFileSync(h.configFile, 'utf8'), CONFIG, 'nothing written');
});
