import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { consolePartition, deliverSigninUrl, sessionDurationFor } from '../../src/cli/cmd/console.ts';
import { createLogger } from '../../src/util/log.ts';
import { launchBrowser } from '../harness/browser.ts';
import { runCli, runInProcess } from '../harness/cli.ts';
import { startMoto } from '../harness/moto.ts';
import { requires } from '../harness/requires.ts';
import { type SandboxWorld, sandboxWorld, startSandbox } from '../harness/sandbox.ts';
import { signInAsDev } from '../harness/signed-in-world.ts';
import { devProfile, devSession } from '../harness/sso-session.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { browserSpy, startCli, waitFor } from '../sso/fixtures/browser-spy.ts';

// `rolehop console` against the sandbox's federation endpoint: the URL it prints is followed in
// headless Chromium, SessionDuration is sent only where STS allows it, and bad input changes nothing.

const SSO_CONFIG = (w: Pick<SandboxWorld, 'sandbox'>) =>
  [
    devSession(w.sandbox),
    devProfile(w.sandbox, 'app'),
    '[profile chained]',
    'source_profile = app',
    'role_arn = arn:aws:iam::222222222222:role/Deployer',
    '',
  ].join('\n');

/** Forwards to the sandbox and remembers each federation request's query (what was sent, not answered). */
async function recordingProxy(t: TestContext, target: string) {
  const seen: URLSearchParams[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://127.0.0.1');
    seen.push(url.searchParams);
    const upstream = await fetch(`${target}${url.pathname}${url.search}`, { redirect: 'manual' });
    const headers: Record<string, string> = { 'content-type': upstream.headers.get('content-type') ?? '' };
    const location = upstream.headers.get('location');
    if (location) headers.location = location;
    res.writeHead(upstream.status, headers).end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => server.close(resolve)));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/**
 * An HTTPS stand-in for the console (self-signed), since the real one is out of reach: Chromium is
 * told that *.console.aws.amazon.com lives here, so the federation redirect is followed for real.
 */
async function standInConsole(t: TestContext) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-console-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const key = path.join(dir, 'key.pem');
  const cert = path.join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=console.aws.amazon.com',
    ],
    { stdio: 'ignore' },
  );
  const hosts: string[] = [];
  const server = https.createServer(
    { key: fs.readFileSync(key), cert: fs.readFileSync(cert) },
    (req, res) => {
      hosts.push(`${(req.headers.host ?? '').replace(/:\d+$/, '')}${req.url}`);
      res
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<title>AWS console (stand-in)</title><h1>landed</h1>');
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return { port: (server.address() as AddressInfo).port, hosts };
}

async function chromiumResolvingConsoleTo(t: TestContext, port: number) {
  const browser = await launchBrowser(t, {
    args: [`--host-resolver-rules=MAP *.console.aws.amazon.com 127.0.0.1:${port}`],
    ignoreHTTPSErrors: true,
  });
  return browser.context;
}

test('the console URL, followed in headless Chromium (printed, and via --open), signs in at the federation endpoint and lands on the destination', async (t) => {
  if (!requires(t, 'chromium')) return;
  const w = await sandboxWorld(t);
  await signInAsDev(w, SSO_CONFIG(w));
  const destination = 'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1';
  const r = await runCli(['console', 'app', '--print', '--destination', destination], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n').filter(Boolean);
  assert.equal(lines.length, 1, 'stdout holds the URL alone');
  const login = new URL(lines[0]!);
  assert.equal(`${login.origin}${login.pathname}`, `${w.sandbox.url}/federation`);
  assert.equal(login.searchParams.get('Action'), 'login');
  assert.equal(login.searchParams.get('Destination'), destination);
  assert.equal(r.stderr.includes(login.searchParams.get('SigninToken')!), false, 'the URL is never logged');

  const consoleSite = await standInConsole(t);
  const browser = await chromiumResolvingConsoleTo(t, consoleSite.port);
  const page = await browser.newPage();
  await page.goto(login.toString());
  await page.waitForURL(destination);
  assert.equal(await page.title(), 'AWS console (stand-in)');
  assert.equal(consoleSite.hosts[0], 'eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1');
  const counts = await w.sandbox.admin.counts();
  assert.equal(counts.GetSigninToken, 1);
  assert.equal(counts.Login, 1);
  // A sign-in token is spent once.
  const again = await page.goto(login.toString());
  assert.equal(again?.status(), 400);

  // The same through --open: the browser starts at the single-use loopback address.
  const spy = browserSpy(w.home.home);
  const cli = startCli(t, ['console', 'app', '--open', '--destination', destination], {
    ...w.env,
    ...spy.env,
  });
  const opened = await waitFor(() => spy.launches()[0], 'the browser launch');
  const viaOpen = await browser.newPage();
  await viaOpen.goto(opened);
  await viaOpen.waitForURL(destination);
  assert.equal(await viaOpen.title(), 'AWS console (stand-in)');
  const done = await cli.done;
  assert.equal(done.code, 0, done.stderr);
  assert.equal(done.stdout, '');
});

test('service-name destinations go to the region console; --region picks the region', async (t) => {
  const w = await sandboxWorld(t);
  await signInAsDev(w, SSO_CONFIG(w));
  const r = await runInProcess(
    ['console', 'app', '--print', '--destination', 'cloudwatch', '--region', 'eu-central-1'],
    w.env,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    new URL(r.stdout.trim()).searchParams.get('Destination'),
    'https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1',
  );
});

test('with no browser to open, console prints the URL and says so on stderr; --print stays quiet', async (t) => {
  const w = await sandboxWorld(t);
  await signInAsDev(w, SSO_CONFIG(w));
  const env = { ...w.env };
  for (const name of ['BROWSER', 'DISPLAY', 'WAYLAND_DISPLAY', 'WSL_DISTRO_NAME', 'WSL_INTEROP'])
    delete env[name];
  const auto = await runInProcess(['console', 'app'], env);
  assert.equal(auto.code, 0, auto.stderr);
  assert.match(auto.stdout, /^https?:\/\/\S+\/federation\?Action=login\S*\n$/);
  assert.match(auto.stderr, /No browser found .*printed the sign-in URL instead of opening it/);
  const printed = await runInProcess(['console', 'app', '--print'], env);
  assert.equal(printed.code, 0, printed.stderr);
  assert.doesNotMatch(printed.stderr, /No browser found/);
});

test('role-chained credentials: no SessionDuration is sent (even with --duration), and sign-in works', async (t) => {
  const w = await sandboxWorld(t);
  await signInAsDev(w, SSO_CONFIG(w));
  const proxy = await recordingProxy(t, w.sandbox.url);
  const env = { ...w.env, AWS_ENDPOINT_URL_SIGNIN: proxy.url };
  for (const args of [
    ['console', 'chained', '--print'],
    ['console', 'chained', '--print', '--duration', '1h'],
    ['console', 'app', '--print'],
  ]) {
    const r = await runInProcess(args, env);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    const exchange = proxy.seen.at(-1)!;
    assert.equal(exchange.get('Action'), 'getSigninToken');
    assert.equal(exchange.has('SessionDuration'), false, `${args.join(' ')} sent SessionDuration`);
  }
});

test('one AssumeRole on long-term keys: SessionDuration follows the role session duration', async (t) => {
  if (!requires(t, 'moto')) return;
  const moto = await startMoto(t);
  // An IAM user with long-term keys and a role it may assume, created while moto's auth is off.
  const setup = execFileSync(
    'python3',
    [
      '-c',
      `
import boto3, json, os
iam = boto3.client('iam', endpoint_url=os.environ['MOTO'], region_name='us-east-1',
                   aws_access_key_id='AKIAIOSFODNN7EXAMPLE', aws_secret_access_key='x' * 40)
# Without an explicit account, moto's authorization later denies this user every AssumeRole.
iam.meta.events.register('before-sign.*.*', lambda request, **kw: request.headers.__setitem__('x-moto-account-id', '123456789012'))
iam.create_user(UserName='console-user')
iam.put_user_policy(UserName='console-user', PolicyName='assume', PolicyDocument=json.dumps(
    {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'sts:AssumeRole', 'Resource': '*'}]}))
iam.create_role(RoleName='ConsoleRole', AssumeRolePolicyDocument=json.dumps(
    {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Principal': {'AWS': 'arn:aws:iam::123456789012:user/console-user'}, 'Action': 'sts:AssumeRole'}]}))
key = iam.create_access_key(UserName='console-user')['AccessKey']
print(json.dumps({'id': key['AccessKeyId'], 'secret': key['SecretAccessKey']}))
`,
    ],
    { env: { ...process.env, MOTO: moto.url }, encoding: 'utf8' },
  );
  const key = JSON.parse(setup) as { id: string; secret: string };
  const sandbox = await startSandbox(t, { sts: moto.url });
  await moto.enableAuth();
  const home = tempHome(t);
  writeFile(
    home.credentialsFile,
    `[base]\naws_access_key_id = ${key.id}\naws_secret_access_key = ${key.secret}\n`,
  );
  writeFile(
    home.configFile,
    [
      '[profile deploy]',
      'source_profile = base',
      'role_arn = arn:aws:iam::123456789012:role/ConsoleRole',
      'duration_seconds = 1800',
      'region = us-east-1',
      '',
    ].join('\n'),
  );
  const proxy = await recordingProxy(t, sandbox.url);
  const env = { ...home.env, ...sandbox.env, AWS_ENDPOINT_URL_SIGNIN: proxy.url };
  const r = await runInProcess(['console', 'deploy', '--print'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(proxy.seen.at(-1)!.get('SessionDuration'), '1800');
  assert.equal(new URL(r.stdout.trim()).searchParams.get('Action'), 'login');
  for (const secret of [key.secret]) {
    assert.equal(r.stdout.includes(secret) || r.stderr.includes(secret), false);
  }
});

test('--open gives the browser a single-use loopback address that redirects to the sign-in URL; stdout stays empty', async (t) => {
  const w = await sandboxWorld(t);
  await signInAsDev(w, SSO_CONFIG(w));
  const spy = browserSpy(w.home.home);
  const cli = startCli(t, ['console', 'app', '--open'], { ...w.env, ...spy.env });
  const opened = await waitFor(() => spy.launches()[0], 'the browser launch');
  // The browser's command line (visible in ps) holds no sign-in token, only a loopback address.
  assert.match(opened, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]{32}$/);
  const foreignHost = await new Promise<number>((resolve, reject) =>
    http
      .get(opened, { headers: { host: 'rebind.example' }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      })
      .on('error', reject),
  );
  assert.equal(foreignHost, 404, 'a DNS-rebound page cannot fetch the redirect');
  const first = await fetch(opened, { redirect: 'manual' });
  assert.equal(first.status, 302);
  const login = new URL(first.headers.get('location')!);
  assert.equal(login.searchParams.get('Action'), 'login');
  assert.equal(first.headers.get('referrer-policy'), 'no-referrer');
  await assert.rejects(fetch(opened, { redirect: 'manual' }), 'the address works once');
  const r = await cli.done;
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /Opened the AWS console for app in your browser/);
  assert.equal(r.stderr.includes(login.searchParams.get('SigninToken')!), false);
  // With no way to show a browser, the default is to print.
  const noBrowser = { ...w.env, DISPLAY: '', WAYLAND_DISPLAY: '', BROWSER: '' };
  const printed = await runInProcess(['console', 'app'], noBrowser);
  assert.equal(printed.code, 0, printed.stderr);
  assert.equal(new URL(printed.stdout.trim()).searchParams.get('Action'), 'login');
  // --open with no browser is an error that points at --print, and prints no URL.
  const refused = await runInProcess(['console', 'app', '--open'], noBrowser);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /could not open a browser/);
  assert.match(refused.stderr, /hint: .*--print/);
  assert.equal(refused.stdout, '');
});

test('--open fails clearly when the browser never loads the page, and the address stops working', async (t) => {
  const home = tempHome(t);
  const spy = browserSpy(home.home);
  let stderr = '';
  const deps = {
    env: { ...home.env, ...spy.env },
    stdout: { write: () => assert.fail('nothing may be printed') },
    stderr: {
      write: (text: string) => {
        stderr += text;
        return true;
      },
    },
    stdin: process.stdin,
    log: createLogger({ write: (text: string) => (stderr += text) }),
    now: () => Date.now(),
    cwd: home.home,
    color: false,
    signal: new AbortController().signal,
  };
  await assert.rejects(
    deliverSigninUrl(
      'https://signin.aws.amazon.com/federation?Action=login&SigninToken=x',
      'open',
      'app',
      deps,
      300,
    ),
    /the browser did not load the sign-in page/,
  );
  const opened = await waitFor(() => spy.launches()[0], 'the browser launch');
  await assert.rejects(fetch(opened, { redirect: 'manual' }));
  assert.equal(stderr, '');
});

test('bad input is refused with what was wrong and a hint, before any credentials are fetched, and no file changes', async (t) => {
  const w = await sandboxWorld(t);
  await signInAsDev(w, SSO_CONFIG(w));
  const snapshot = () =>
    fs
      .readdirSync(w.home.home, { recursive: true })
      .map(String)
      .sort()
      .map((f) => {
        const p = path.join(w.home.home, f);
        return fs.statSync(p).isFile() ? `${f}:${fs.readFileSync(p, 'utf8')}` : f;
      });
  const before = snapshot();
  const cases: Array<[string[], RegExp]> = [
    [['console', 'app', '--print', '--open'], /--print and --open cannot be used together/],
    [['console', 'app', '--print', '--destination', 'javascript:alert(1)'], /invalid --destination/],
    [['console', 'app', '--print', '--destination', 'http://evil.example/'], /invalid --destination/],
    [['console', 'app', 'extra', '--print'], /unexpected argument "extra"/],
    [['console', 'nosuch', '--print'], /nosuch/],
  ];
  for (const [args, message] of cases) {
    const r = await runInProcess(args, w.env);
    assert.equal(r.code, args[1] === 'nosuch' ? 1 : 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /hint: /);
    assert.equal(r.stdout, '');
  }
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials ?? 0, 0);
  assert.deepEqual(snapshot(), before);
});

test('SessionDuration only for one AssumeRole on long-term keys: not for SSO, chains, or temporary static keys', () => {
  const view = (profiles: Record<string, Record<string, string>>) => ({
    profiles,
    ssoSessions: {},
    services: {},
    warnings: [],
  });
  const hop = { roleArn: 'arn:aws:iam::123456789012:role/R' };
  const longTerm = view({ base: { aws_access_key_id: 'AKIA', aws_secret_access_key: 's' } });
  const temporary = view({
    base: { aws_access_key_id: 'ASIA', aws_secret_access_key: 's', aws_session_token: 't' },
  });
  const staticSource = { kind: 'static' as const, profile: 'base' };
  assert.equal(sessionDurationFor({ source: staticSource, hops: [hop] }, longTerm), 3600);
  assert.equal(
    sessionDurationFor({ source: staticSource, hops: [{ ...hop, durationSeconds: 7200 }] }, longTerm),
    7200,
  );
  assert.equal(sessionDurationFor({ source: staticSource, hops: [hop, hop] }, longTerm), undefined);
  assert.equal(sessionDurationFor({ source: staticSource, hops: [] }, longTerm), undefined);
  assert.equal(sessionDurationFor({ source: staticSource, hops: [hop] }, temporary), undefined);
  const sso = { kind: 'sso' as const, startUrl: 'u', ssoRegion: 'us-east-1', accountId: '1', roleName: 'r' };
  assert.equal(sessionDurationFor({ source: sso, hops: [] }, longTerm), undefined);
  assert.equal(sessionDurationFor({ source: sso, hops: [hop] }, longTerm), undefined);
  // The console's partition follows the region, else the role, else the SSO region.
  assert.equal(consolePartition({ source: sso, hops: [] }, 'cn-north-1'), 'aws-cn');
  assert.equal(
    consolePartition(
      { source: staticSource, hops: [{ roleArn: 'arn:aws-us-gov:iam::123456789012:role/R' }] },
      undefined,
    ),
    'aws-us-gov',
  );
  assert.equal(
    consolePartition({ source: { ...sso, ssoRegion: 'cn-northwest-1' }, hops: [] }, undefined),
    'aws-cn',
  );
  assert.equal(consolePartition({ source: staticSource, hops: [] }, undefined), 'aws');
});
