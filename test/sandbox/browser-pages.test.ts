import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { launchBrowser } from '../harness/browser.ts';
import { requires } from '../harness/requires.ts';
import { startSandbox } from '../harness/sandbox.ts';
import { authorizeUrl, DEVICE_GRANT, pkcePair, postJson, registerPkceClient } from './wire.ts';

/** A CLI's loopback redirect target: records each callback and answers a small page. */
async function callbackListener(t: TestContext) {
  const hits: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/oauth/callback') hits.push(url);
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<title>callback</title><p>You may close this tab.</p>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  return { hits, redirectUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/callback` };
}

test('sign-in pages in headless chromium', async (t) => {
  if (!requires(t, 'chromium')) return;
  const sb = await startSandbox(t);
  const browser = await launchBrowser(t);
  const page = await browser.newPage();

  await t.test('/authorize Allow redirects to the loopback listener with code and state', async (t) => {
    const cb = await callbackListener(t);
    const client = await registerPkceClient(sb.url);
    const { verifier, challenge } = pkcePair();
    await page.goto(authorizeUrl(sb.url, client.clientId, cb.redirectUri, challenge, 'state-allow'));
    assert.equal(await page.title(), 'Allow access?');
    assert.equal(await page.textContent('#app'), 'pkce-test');
    assert.equal(await page.textContent('#start-url'), sb.startUrl);
    await page.selectOption('#user', 'bob');
    await page.click('#allow');
    await page.waitForURL((u) => u.pathname === '/oauth/callback');
    assert.equal(cb.hits.length, 1);
    const hit = cb.hits[0]!;
    assert.equal(hit.searchParams.get('state'), 'state-allow');
    const token = await postJson(sb.url, '/token', {
      ...client,
      grantType: 'authorization_code',
      code: hit.searchParams.get('code'),
      redirectUri: cb.redirectUri,
      codeVerifier: verifier,
    });
    assert.equal(token.status, 200);
    const accounts = await fetch(`${sb.url}/assignment/accounts`, {
      headers: { 'x-amz-sso_bearer_token': String(token.body.accessToken) },
    });
    const names = (
      (await accounts.json()) as { accountList: Array<{ accountName: string }> }
    ).accountList.map((a) => a.accountName);
    assert.deepEqual(names, ['dev', 'audit'], 'signed in as the user picked on the page');
  });

  await t.test('/authorize Deny redirects with error=access_denied and the state', async (t) => {
    const cb = await callbackListener(t);
    const client = await registerPkceClient(sb.url);
    await page.goto(
      authorizeUrl(sb.url, client.clientId, cb.redirectUri, pkcePair().challenge, 'state-deny'),
    );
    await page.click('#deny');
    await page.waitForURL((u) => u.pathname === '/oauth/callback');
    const hit = cb.hits[0]!;
    assert.equal(hit.searchParams.get('error'), 'access_denied');
    assert.equal(hit.searchParams.get('state'), 'state-deny');
    assert.equal(hit.searchParams.get('code'), null);
    assert.deepEqual((await sb.admin.pending()).authorizations, [], 'the request is no longer pending');
  });

  await t.test('device page: enter the code, confirm, Allow; the CLI then gets its token', async () => {
    const c = await postJson(sb.url, '/client/register', {
      clientName: 'device-cli',
      clientType: 'public',
      scopes: ['sso:account:access'],
    });
    const d = await postJson(sb.url, '/device_authorization', { ...c.body, startUrl: sb.startUrl });
    await page.goto(String(d.body.verificationUri));
    await page.fill('#user_code', String(d.body.userCode).toLowerCase());
    await page.click('#continue');
    assert.equal(await page.textContent('#code'), d.body.userCode);
    assert.equal(await page.textContent('#app'), 'device-cli');
    await page.click('#allow');
    await page.waitForSelector('#result');
    assert.equal(await page.title(), 'Request approved');
    const token = await postJson(sb.url, '/token', {
      ...c.body,
      grantType: DEVICE_GRANT,
      deviceCode: d.body.deviceCode,
    });
    assert.equal(token.status, 200);
  });

  await t.test('device page: Deny via the complete URL makes CreateToken answer AccessDenied', async () => {
    const c = await postJson(sb.url, '/client/register', { clientName: 'device-cli', clientType: 'public' });
    const d = await postJson(sb.url, '/device_authorization', { ...c.body, startUrl: sb.startUrl });
    await page.goto(String(d.body.verificationUriComplete));
    await page.click('#deny');
    await page.waitForSelector('#result');
    assert.equal(await page.title(), 'Request denied');
    const token = await postJson(sb.url, '/token', {
      ...c.body,
      grantType: DEVICE_GRANT,
      deviceCode: d.body.deviceCode,
    });
    assert.equal(token.errorType, 'AccessDeniedException');
    await page.goto(String(d.body.verificationUriComplete));
    assert.match(
      String(await page.textContent('#error')),
      /not valid or has expired/,
      'a decided code is not offered again',
    );
  });
});
