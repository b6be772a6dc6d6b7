import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { launchBrowser } from '../harness/browser.ts';
import { requires } from '../harness/requires.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { devSession } from '../harness/sso-session.ts';
import { writeFile } from '../harness/temp-home.ts';
import { browserSpy, startCli, waitFor } from '../sso/fixtures/browser-spy.ts';

// End to end: the built CLI signs in against the sandbox while headless Chromium plays the user.

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);
}

async function firstLogin(t: import('node:test').TestContext, extraArgs: string[] = []) {
  const w = await sandboxWorld(t, { lifetimes: { deviceIntervalSeconds: 1 } });
  const spy = browserSpy(w.home.home);
  const cli = startCli(
    t,
    [
      'login',
      '--start-url',
      w.sandbox.startUrl,
      '--sso-region',
      w.sandbox.region,
      '--sso-session',
      'dev',
      ...extraArgs,
    ],
    { ...w.env, ...spy.env },
  );
  const url = await waitFor(() => spy.launches()[0], 'the browser launch');
  const browser = (await launchBrowser(t)).context;
  const page = await browser.newPage();
  await page.goto(url);
  const session = { name: 'dev', startUrl: w.sandbox.startUrl };
  return { w, spy, cli, url, page, tokenFile: tokenCachePath(w.env, session) };
}

test('PKCE login in Chromium: Allow caches the token (0600), writes the sso-session with refresh scopes, --debug shows no secret', async (t) => {
  if (!requires(t, 'chromium')) return;
  const { w, cli, url, page, tokenFile } = await firstLogin(t, ['--debug']);
  const u = new URL(url);
  assert.equal(u.origin, w.sandbox.url);
  assert.equal(u.pathname, '/authorize');
  assert.equal(u.searchParams.get('code_challenge_method'), 'S256');
  assert.match(u.searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
  await page.click('#allow');
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback/);
  assert.match((await page.textContent('body')) ?? '', /signed in/i);
  const r = await cli.done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Signed in to sso-session dev/);
  const token = JSON.parse(fs.readFileSync(tokenFile, 'utf8'));
  assert.deepEqual(Object.keys(token), [
    'startUrl',
    'region',
    'accessToken',
    'expiresAt',
    'clientId',
    'clientSecret',
    'registrationExpiresAt',
    'refreshToken',
  ]);
  assert.match(token.expiresAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.equal(fs.statSync(tokenFile).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), `${devSession(w.sandbox)}`);
  for (const secret of [token.accessToken, token.refreshToken, token.clientSecret]) {
    assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret));
  }
});

test('PKCE login in Chromium: Deny is exit 3 and writes nothing', async (t) => {
  if (!requires(t, 'chromium')) return;
  const { w, cli, page } = await firstLogin(t);
  await page.click('#deny');
  await page.waitForURL(/^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback/);
  assert.match((await page.textContent('body')) ?? '', /failed/i);
  const r = await cli.done;
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /denied[\s\S]*rolehop login --sso-session dev/);
  assert.deepEqual(filesUnder(w.home.awsDir), []);
});

test('device-code login: the user code is shown on stderr, Chromium approves, the token is cached', async (t) => {
  if (!requires(t, 'chromium')) return;
  const { cli, page, tokenFile, url } = await firstLogin(t, ['--device-code']);
  assert.match(cli.stderr(), /To sign in, open \S+ and enter the code: [A-Z0-9-]+/);
  const code = /enter the code: (\S+)/.exec(cli.stderr())![1]!;
  assert.ok(
    url.includes(encodeURIComponent(code)) || url.includes(code),
    'the browser got verificationUriComplete',
  );
  await page.click('#allow');
  const r = await cli.done;
  assert.equal(r.code, 0, r.stderr);
  const token = JSON.parse(fs.readFileSync(tokenFile, 'utf8'));
  assert.ok(token.accessToken && token.refreshToken);
});

test('device-code login: Deny is exit 3 and writes nothing', async (t) => {
  if (!requires(t, 'chromium')) return;
  const { w, cli, page } = await firstLogin(t, ['--device-code']);
  await page.click('#deny');
  const r = await cli.done;
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /denied/);
  assert.deepEqual(filesUnder(w.home.awsDir), []);
});

test('--no-browser prints the URL instead of opening one', async (t) => {
  const w = await sandboxWorld(t, { autoApprove: true });
  const spy = browserSpy(w.home.home);
  writeFile(w.home.configFile, `${devSession(w.sandbox, { scopes: false })}`);
  const cli = startCli(t, ['login', '--no-browser'], { ...w.env, ...spy.env });
  const url = await waitFor(() => /^\s+(http\S+authorize\S+)$/m.exec(cli.stderr())?.[1], 'the printed URL');
  await fetch(url); // auto-approve: redirects straight to the loopback listener
  const r = await cli.done;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(spy.launches(), []);
  // The client registration is cached beside the token, AWS CLI style (its own file: see
  // registration-cache.ts), and reused by the next login.
  const registration = path.join(
    w.home.awsDir,
    'sso',
    'cache',
    `${createHash('sha1').update(registrationKey(w.sandbox, 'dev')).digest('hex')}.json`,
  );
  assert.deepEqual(Object.keys(JSON.parse(fs.readFileSync(registration, 'utf8'))), [
    'clientId',
    'clientSecret',
    'expiresAt',
    'scopes',
    'grantTypes',
  ]);
  assert.equal(fs.statSync(registration).mode & 0o777, 0o600);
  const again = startCli(t, ['login', '--no-browser'], { ...w.env, ...spy.env });
  await fetch(await waitFor(() => /^\s+(http\S+authorize\S+)$/m.exec(again.stderr())?.[1], 'the second URL'));
  assert.equal((await again.done).code, 0);
  assert.equal((await w.sandbox.admin.counts()).RegisterClient, 1);
});

/**
 * The AWS CLI v2's registration cache key, spelled out (python json.dumps, sorted keys), plus the
 * grant types: a PKCE registration is kept out of the file older CLIs reuse for the device flow.
 */
function registrationKey(s: { startUrl: string; region: string }, session: string): string {
  return `{"grantTypes": ["authorization_code", "refresh_token"], "region": "${s.region}", "scopes": ["sso:account:access"], "session_name": "${session}", "startUrl": "${s.startUrl}", "tool": "botocore"}`;
}

test('20 processes that all need a login: one browser launch, the rest wait and then share the token', async (t) => {
  const w = await sandboxWorld(t, { autoApprove: true });
  const spy = browserSpy(w.home.home);
  writeFile(w.home.configFile, `${devSession(w.sandbox, { scopes: false })}`);
  const before = (await w.sandbox.admin.counts()).CreateToken ?? 0;
  const clis = Array.from({ length: 20 }, () => startCli(t, ['login'], { ...w.env, ...spy.env }));
  const url = await waitFor(() => spy.launches()[0], 'the browser launch', 120_000);
  await waitFor(
    () =>
      clis.filter((c) => /Another rolehop process \(pid \d+\) is signing in/.test(c.stderr())).length === 19,
    '19 processes waiting',
    120_000,
  );
  await fetch(url);
  const results = await Promise.all(clis.map((c) => c.done));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  assert.equal(spy.launches().length, 1);
  assert.equal(results.filter((r) => /by another rolehop process/.test(r.stderr)).length, 19);
  assert.equal(((await w.sandbox.admin.counts()).CreateToken ?? 0) - before, 1);
});

test('a sign-in nobody completes times out clearly (exit 3) and writes nothing', async (t) => {
  const w = await sandboxWorld(t);
  const spy = browserSpy(w.home.home);
  const cli = startCli(
    t,
    ['login', '--start-url', w.sandbox.startUrl, '--sso-region', w.sandbox.region, '--sso-session', 'dev'],
    { ...w.env, ...spy.env, ROLEHOP_LOGIN_TIMEOUT: '1' },
  );
  const r = await cli.done;
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /timed out after 1s waiting for the browser sign-in/);
  assert.equal(spy.launches().length, 1);
  assert.deepEqual(filesUnder(w.home.awsDir), []);
});

test("a process waiting for another one's sign-in stops on Ctrl-C (exit 130)", async (t) => {
  const w = await sandboxWorld(t);
  const spy = browserSpy(w.home.home);
  writeFile(w.home.configFile, `${devSession(w.sandbox, { scopes: false })}`);
  const env = { ...w.env, ...spy.env };
  const first = startCli(t, ['login'], env);
  await waitFor(() => spy.launches()[0], 'the browser launch');
  const second = startCli(t, ['login'], env);
  await waitFor(() => /Another rolehop process/.test(second.stderr()), 'the second process to wait');
  second.child.kill('SIGINT');
  const r = await second.done;
  assert.equal(r.code, 130, r.stderr);
  first.child.kill('SIGINT');
  assert.equal((await first.done).code, 130);
  assert.deepEqual(filesUnder(w.home.awsDir), ['config']);
});

test('over SSH with no display, login uses the device-code flow by itself', async (t) => {
  const w = await sandboxWorld(t, { autoApprove: true, lifetimes: { deviceIntervalSeconds: 1 } });
  const env: Record<string, string> = { ...w.env, SSH_CONNECTION: '10.0.0.2 5555 10.0.0.1 22' };
  for (const k of ['DISPLAY', 'WAYLAND_DISPLAY', 'BROWSER']) delete env[k];
  const r = await startCli(
    t,
    ['login', '--start-url', w.sandbox.startUrl, '--sso-region', w.sandbox.region, '--sso-session', 'dev'],
    env,
  ).done;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /No display over SSH: using the device-code flow/);
  // auto-approve: the first CreateToken attempt succeeds, so no code needs showing
  assert.equal((await w.sandbox.admin.counts()).StartDeviceAuthorization, 1);
});

test('when the sign-in others waited for is denied, they stop too instead of each opening a tab', async (t) => {
  const w = await sandboxWorld(t);
  const spy = browserSpy(w.home.home);
  writeFile(w.home.configFile, `${devSession(w.sandbox, { scopes: false })}`);
  const env = { ...w.env, ...spy.env };
  const clis = Array.from({ length: 3 }, () => startCli(t, ['login'], env));
  const url = await waitFor(() => spy.launches()[0], 'the browser launch');
  await waitFor(
    () => clis.filter((c) => /Another rolehop process/.test(c.stderr())).length === 2,
    'two processes waiting',
  );
  await (await fetch(url)).text(); // the page is open: the sign-in is pending
  const decision = await w.sandbox.admin.deny({}); // redirect delivered as the browser would
  assert.equal(decision.decided, 1);
  const results = await Promise.all(clis.map((c) => c.done));
  for (const r of results) assert.equal(r.code, 3, r.stderr);
  assert.equal(
    results.filter((r) => /another rolehop process started did not complete/.test(r.stderr)).length,
    2,
  );
  assert.equal(spy.launches().length, 1);
  assert.deepEqual(filesUnder(w.home.awsDir), ['config']);
});
