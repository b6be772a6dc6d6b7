import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { rolehopBin, runCli } from '../harness/cli.ts';
import { startChild, startSandbox } from '../harness/sandbox.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

test('rolehop sandbox prints READY <port> first, then the exports and a sample sso-session; SIGTERM stops it', async (t) => {
  const sb = await startChild({ autoApprove: true });
  t.after(() => sb.stop());
  const { stdout } = sb.output();
  const lines = stdout.split('\n');
  assert.equal(lines[0], `READY ${sb.port}`);
  for (const name of ['SSO', 'SSO_OIDC', 'STS', 'SIGNIN']) {
    assert.ok(lines.includes(`export AWS_ENDPOINT_URL_${name}=http://127.0.0.1:${sb.port}`), name);
  }
  assert.match(
    stdout,
    /# \[sso-session sandbox\]\n# sso_start_url = https:\/\/d-9067c0ffee\.awsapps\.com\/start\n/,
  );
  const res = await fetch(`${sb.url}/_sandbox/counts`);
  assert.equal(res.status, 200);
  const exited = new Promise<number | null>((r) => sb.child.once('exit', (code) => r(code)));
  sb.child.kill('SIGTERM');
  assert.equal(await exited, 0);
  assert.match(sb.output().stderr, /stopped/);
});

test('rolehop sandbox stops on SIGINT (Ctrl-C) and serves a --directory YAML file', async (t) => {
  const home = tempHome(t);
  const file = path.join(home.home, 'org.yaml');
  writeFile(
    file,
    [
      'startUrl: https://d-1234567890.awsapps.com/start',
      'region: eu-west-1',
      'users: [{userName: carol, email: carol@example.org}]',
      'accounts:',
      '  - {id: "012345678901", name: web}',
      'permissionSets: [Deployer]',
      'assignments:',
      '  - {user: carol, account: web, permissionSets: [Deployer]}',
    ].join('\n'),
  );
  const sb = await startChild({ directory: file });
  t.after(() => sb.stop());
  assert.match(
    sb.output().stdout,
    /sso_start_url = https:\/\/d-1234567890\.awsapps\.com\/start\n# sso_region = eu-west-1/,
  );
  assert.match(
    sb.output().stdout,
    /# \[profile web\]\n# sso_session = sandbox\n# sso_account_id = 012345678901\n# sso_role_name = Deployer/,
  );
  const exited = new Promise<number | null>((r) => sb.child.once('exit', (code) => r(code)));
  sb.child.kill('SIGINT');
  assert.equal(await exited, 0);
});

test('rolehop sandbox refuses bad flags and directories with a clear message and exit code', async (t) => {
  const home = tempHome(t);
  const badYaml = path.join(home.home, 'bad.yaml');
  writeFile(badYaml, 'users: [{userName: a}]\naccounts: [{id: 12, name: x}]\n');
  const cases: Array<[string[], number, RegExp]> = [
    [['--port', 'abc'], 2, /--port must be a whole number \(got "abc"\)/],
    [['--fail-rate', '2'], 2, /failRate must be a number from 0 to 1/],
    [['--accounts', '0'], 2, /accounts must be a whole number from 1 to 100000/],
    [['--sts', 'moto:5000'], 2, /sts must be an http\(s\) URL/],
    [['--directory', path.join(home.home, 'missing.yaml')], 1, /cannot read directory file .*missing\.yaml/],
    [['--directory', badYaml], 1, /accounts\[0\]\.id must be 12 digits \(got "12"\); quote it in YAML/],
    [['--bogus'], 2, /Unknown option '--bogus'/],
    [['--sts', 'http://127.0.0.1:9'], 1, /cannot reach the STS at http:\/\/127\.0\.0\.1:9/],
  ];
  for (const [args, code, message] of cases) {
    const r = await runCli(['sandbox', ...args], { env: home.env, timeoutMs: 20_000 });
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '', 'nothing on stdout: no READY');
  }
});

test('rolehop sandbox --port reports a port already in use', async (t) => {
  const taken = await startSandbox(t);
  const home = tempHome(t);
  const r = await runCli(['sandbox', '--port', String(taken.port)], { env: home.env, timeoutMs: 20_000 });
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`port ${taken.port} on 127.0.0.1 is already in use`));
});

test('rolehop sandbox --help shows the flags and examples', async (t) => {
  const home = tempHome(t);
  const child = spawn(process.execPath, [rolehopBin, 'sandbox', '--help'], { env: home.env });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
  });
  const code = await new Promise<number | null>((r) => child.once('close', r));
  assert.equal(code, 0);
  assert.match(out, /--auto-approve/);
  assert.match(out, /rolehop sandbox --accounts 2000 --throttle-tps 20/);
});

test('rolehop sandbox fault and scale flags take effect at start', async (t) => {
  const sb = await startChild({ latencyMs: 5, throttleTps: 7, failRate: 0.5, accounts: 30 });
  t.after(() => sb.stop());
  const faults = (await (await fetch(`${sb.url}/_sandbox/faults`)).json()) as Record<string, unknown>;
  assert.equal(faults.latencyMs, 5);
  assert.equal(faults.throttleTps, 7);
  assert.equal(faults.failRate, 0.5);
  assert.match(await (await fetch(`${sb.url}/`)).text(), /30 accounts/);
});
