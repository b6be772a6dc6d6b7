import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startSandbox } from '../harness/sandbox.ts';
import { authorizeUrl, DEVICE_GRANT, pkcePair, postJson, registerPkceClient } from './wire.ts';

async function registerDeviceClient(url: string, scopes: string[] = ['sso:account:access']) {
  const r = await postJson(url, '/client/register', {
    clientName: 'device-test',
    clientType: 'public',
    scopes,
  });
  assert.equal(r.status, 200);
  return r.body as {
    clientId: string;
    clientSecret: string;
    clientIdIssuedAt: number;
    clientSecretExpiresAt: number;
  };
}

test('RegisterClient answers epoch seconds and refuses bad metadata with the modelled error', async (t) => {
  const sb = await startSandbox(t);
  const before = Math.floor(Date.now() / 1000);
  const c = await registerDeviceClient(sb.url);
  assert.ok(c.clientIdIssuedAt >= before - 1 && c.clientIdIssuedAt <= before + 5, 'issued at is in seconds');
  assert.ok(c.clientSecretExpiresAt > c.clientIdIssuedAt + 80 * 24 * 3600);

  const cases: Array<[Record<string, unknown>, number, string]> = [
    [{ clientType: 'public' }, 400, 'InvalidRequestException'],
    [{ clientName: 'x', clientType: 'confidential' }, 400, 'InvalidClientMetadataException'],
    [{ clientName: 'x', clientType: 'public', scopes: ['not a scope'] }, 400, 'InvalidScopeException'],
    [
      { clientName: 'x', clientType: 'public', grantTypes: ['password'] },
      400,
      'UnsupportedGrantTypeException',
    ],
    [
      {
        clientName: 'x',
        clientType: 'public',
        grantTypes: ['authorization_code'],
        redirectUris: ['https://evil.example/cb'],
      },
      400,
      'InvalidRedirectUriException',
    ],
  ];
  for (const [body, status, type] of cases) {
    const r = await postJson(sb.url, '/client/register', body);
    assert.equal(r.status, status, JSON.stringify(body));
    assert.equal(r.errorType, type);
    assert.equal(typeof r.body.error, 'string');
    assert.equal(typeof r.body.error_description, 'string');
  }
});

test('device flow: pending, SlowDown when polled faster than interval, then a token once approved', async (t) => {
  // A long interval keeps "too fast" true however slow the machine is.
  const sb = await startSandbox(t, { lifetimes: { deviceIntervalSeconds: 30 } });
  const c = await registerDeviceClient(sb.url);
  const d = await postJson(sb.url, '/device_authorization', { ...c, startUrl: sb.startUrl });
  assert.equal(d.status, 200);
  assert.match(String(d.body.userCode), /^[A-Z]{4}-[A-Z]{4}$/);
  assert.equal(d.body.verificationUri, `${sb.url}/device`);
  assert.equal(d.body.verificationUriComplete, `${sb.url}/device?user_code=${d.body.userCode}`);
  assert.equal(d.body.interval, 30);
  const poll = () =>
    postJson(sb.url, '/token', { ...c, grantType: DEVICE_GRANT, deviceCode: d.body.deviceCode });
  const first = await poll();
  assert.equal(first.errorType, 'AuthorizationPendingException');
  assert.equal(first.body.error, 'authorization_pending');
  const tooFast = await poll();
  assert.equal(tooFast.status, 400);
  assert.equal(tooFast.errorType, 'SlowDownException');

  const pending = await sb.admin.pending();
  assert.deepEqual(
    pending.devices.map((x) => x.userCode),
    [d.body.userCode],
  );
  await sb.admin.approve({ userCode: String(d.body.userCode) });
  const ok = await poll();
  assert.equal(ok.status, 200);
  assert.equal(ok.body.tokenType, 'Bearer');
  assert.equal(ok.body.expiresIn, 8 * 3600);
  assert.match(String(ok.body.accessToken), /^aoa/);
  assert.match(String(ok.body.refreshToken), /^aor/);
  const again = await poll();
  assert.equal(again.errorType, 'InvalidGrantException', 'a device code is single use');
});

test('device flow: Deny gives AccessDenied; an expired device code gives ExpiredToken', async (t) => {
  const sb = await startSandbox(t);
  const c = await registerDeviceClient(sb.url);
  const d1 = await postJson(sb.url, '/device_authorization', { ...c, startUrl: sb.startUrl });
  await sb.admin.deny({ userCode: String(d1.body.userCode) });
  const denied = await postJson(sb.url, '/token', {
    ...c,
    grantType: DEVICE_GRANT,
    deviceCode: d1.body.deviceCode,
  });
  assert.equal(denied.status, 400);
  assert.equal(denied.errorType, 'AccessDeniedException');

  await sb.admin.setLifetimes({ deviceCodeSeconds: 0 });
  const d2 = await postJson(sb.url, '/device_authorization', { ...c, startUrl: sb.startUrl });
  assert.equal(d2.body.expiresIn, 0);
  const expired = await postJson(sb.url, '/token', {
    ...c,
    grantType: DEVICE_GRANT,
    deviceCode: d2.body.deviceCode,
  });
  assert.equal(expired.errorType, 'ExpiredTokenException');
});

test('StartDeviceAuthorization and CreateToken check the client and the start URL', async (t) => {
  const sb = await startSandbox(t);
  const c = await registerDeviceClient(sb.url);
  const badSecret = await postJson(sb.url, '/device_authorization', {
    clientId: c.clientId,
    clientSecret: 'wrong',
    startUrl: sb.startUrl,
  });
  assert.equal(badSecret.status, 401);
  assert.equal(badSecret.errorType, 'InvalidClientException');
  const badUrl = await postJson(sb.url, '/device_authorization', {
    ...c,
    startUrl: 'https://other.awsapps.com/start',
  });
  assert.equal(badUrl.errorType, 'InvalidRequestException');
  const trailing = await postJson(sb.url, '/device_authorization', { ...c, startUrl: `${sb.startUrl}/#/` });
  assert.equal(trailing.status, 200, 'a trailing slash or #/ is the same start URL');

  const grant = await postJson(sb.url, '/token', { ...c, grantType: 'password' });
  assert.equal(grant.errorType, 'UnsupportedGrantTypeException');
  const authCode = await postJson(sb.url, '/token', { ...c, grantType: 'authorization_code', code: 'x' });
  assert.equal(
    authCode.errorType,
    'UnauthorizedClientException',
    'device clients may not use authorization_code',
  );
  const scope = await postJson(sb.url, '/token', {
    ...c,
    grantType: DEVICE_GRANT,
    deviceCode: trailing.body.deviceCode,
    scope: ['codewhisperer:completions'],
  });
  assert.equal(
    scope.errorType,
    'AuthorizationPendingException',
    'pending is reported before scopes are checked',
  );
  await sb.admin.approve({ userCode: String(trailing.body.userCode) });
  const scope2 = await postJson(sb.url, '/token', {
    ...c,
    grantType: DEVICE_GRANT,
    deviceCode: trailing.body.deviceCode,
    scope: ['codewhisperer:completions'],
  });
  assert.equal(scope2.errorType, 'InvalidScopeException');
  const missing = await postJson(sb.url, '/token', { ...c });
  assert.equal(missing.errorType, 'InvalidRequestException');
  const notJson = await fetch(`${sb.url}/token`, { method: 'POST', body: '[1,2]' });
  assert.equal(notJson.status, 400);
  assert.equal(notJson.headers.get('x-amzn-errortype'), 'InvalidRequestException');

  await sb.admin.setLifetimes({ clientRegistrationSeconds: 0 });
  const old = await registerDeviceClient(sb.url);
  const expired = await postJson(sb.url, '/device_authorization', { ...old, startUrl: sb.startUrl });
  assert.equal(expired.status, 401);
  assert.equal(expired.errorType, 'InvalidClientException');
  assert.match(String(expired.body.error_description), /expired/);
});

test('legacy clients (no scopes) get no refresh token', async (t) => {
  const sb = await startSandbox(t, { autoApprove: true });
  const c = await registerDeviceClient(sb.url, []);
  const d = await postJson(sb.url, '/device_authorization', { ...c, startUrl: sb.startUrl });
  const tok = await postJson(sb.url, '/token', {
    ...c,
    grantType: DEVICE_GRANT,
    deviceCode: d.body.deviceCode,
  });
  assert.equal(tok.status, 200, 'auto-approve approves device codes at once');
  assert.equal(tok.body.refreshToken, undefined);
});

test('refresh tokens rotate: the new one works, the old one is spent; expired ones are refused', async (t) => {
  const sb = await startSandbox(t, { autoApprove: true });
  const c = await registerDeviceClient(sb.url);
  const d = await postJson(sb.url, '/device_authorization', { ...c, startUrl: sb.startUrl });
  const first = await postJson(sb.url, '/token', {
    ...c,
    grantType: DEVICE_GRANT,
    deviceCode: d.body.deviceCode,
  });
  const second = await postJson(sb.url, '/token', {
    ...c,
    grantType: 'refresh_token',
    refreshToken: first.body.refreshToken,
  });
  assert.equal(second.status, 200);
  assert.notEqual(second.body.refreshToken, first.body.refreshToken);
  assert.notEqual(second.body.accessToken, first.body.accessToken);
  const reuse = await postJson(sb.url, '/token', {
    ...c,
    grantType: 'refresh_token',
    refreshToken: first.body.refreshToken,
  });
  assert.equal(reuse.errorType, 'InvalidGrantException');
  const other = await registerDeviceClient(sb.url);
  const wrongClient = await postJson(sb.url, '/token', {
    ...other,
    grantType: 'refresh_token',
    refreshToken: second.body.refreshToken,
  });
  assert.equal(wrongClient.errorType, 'InvalidGrantException', 'a refresh token is bound to its client');
  assert.equal(await sb.admin.expireTokens({ kind: 'refresh', token: String(second.body.refreshToken) }), 1);
  const expired = await postJson(sb.url, '/token', {
    ...c,
    grantType: 'refresh_token',
    refreshToken: second.body.refreshToken,
  });
  assert.equal(expired.errorType, 'ExpiredTokenException');
});

/** A loopback listener standing in for a CLI's redirect target. */
async function callbackListener(t: import('node:test').TestContext) {
  const hits: URL[] = [];
  const server = createServer((req, res) => {
    hits.push(new URL(req.url ?? '/', 'http://127.0.0.1'));
    res.end('done');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => server.close(() => r())));
  const port = (server.address() as AddressInfo).port;
  return { hits, redirectUri: `http://127.0.0.1:${port}/oauth/callback` };
}

test('authorization code + PKCE: admin approval delivers code and state to the loopback redirect', async (t) => {
  const sb = await startSandbox(t);
  const cb = await callbackListener(t);
  const c = await registerPkceClient(sb.url);
  const { verifier, challenge } = pkcePair();
  const page = await fetch(authorizeUrl(sb.url, c.clientId, cb.redirectUri, challenge, 'st-123'));
  assert.equal(page.status, 200);
  assert.match(await page.text(), /pkce-test/);
  const [auth] = (await sb.admin.pending()).authorizations;
  assert.ok(auth);
  const result = await sb.admin.approve({ authorization: auth.id });
  assert.equal(result.redirects.length, 1);
  assert.equal(cb.hits.length, 1, 'the sandbox followed the redirect for the absent browser');
  const hit = cb.hits[0]!;
  assert.equal(hit.pathname, '/oauth/callback');
  assert.equal(hit.searchParams.get('state'), 'st-123');
  const code = hit.searchParams.get('code')!;

  const base = { ...c, grantType: 'authorization_code', code, redirectUri: cb.redirectUri };
  const wrongVerifier = await postJson(sb.url, '/token', { ...base, codeVerifier: pkcePair().verifier });
  assert.equal(wrongVerifier.errorType, 'InvalidGrantException');
  assert.match(String(wrongVerifier.body.error_description), /PKCE/);
  const reused = await postJson(sb.url, '/token', { ...base, codeVerifier: verifier });
  assert.equal(
    reused.errorType,
    'InvalidGrantException',
    'a code is single use, even after a failed attempt',
  );
});

test('authorization code + PKCE with auto-approve: /authorize redirects at once; the token has a refresh token', async (t) => {
  const sb = await startSandbox(t, { autoApprove: true });
  const c = await registerPkceClient(sb.url);
  const { verifier, challenge } = pkcePair();
  const redirectUri = 'http://127.0.0.1:49999/oauth/callback';
  const res = await fetch(authorizeUrl(sb.url, c.clientId, redirectUri, challenge, 'abc'), {
    redirect: 'manual',
  });
  assert.equal(res.status, 302);
  const location = new URL(res.headers.get('location')!);
  assert.equal(`${location.origin}${location.pathname}`, redirectUri);
  assert.equal(location.searchParams.get('state'), 'abc');
  const base = {
    ...c,
    grantType: 'authorization_code',
    code: location.searchParams.get('code'),
    codeVerifier: verifier,
  };
  const wrongRedirect = await postJson(sb.url, '/token', {
    ...base,
    redirectUri: 'http://127.0.0.1:1/oauth/callback',
  });
  assert.equal(wrongRedirect.errorType, 'InvalidGrantException');

  const res2 = await fetch(authorizeUrl(sb.url, c.clientId, redirectUri, pkcePair().challenge, 'x'), {
    redirect: 'manual',
  });
  const code2 = new URL(res2.headers.get('location')!).searchParams.get('code');
  const noVerifier = await postJson(sb.url, '/token', {
    ...c,
    grantType: 'authorization_code',
    code: code2,
    redirectUri,
  });
  assert.equal(noVerifier.errorType, 'InvalidRequestException');

  const res3 = await fetch(authorizeUrl(sb.url, c.clientId, redirectUri, challenge, 'y'), {
    redirect: 'manual',
  });
  const code3 = new URL(res3.headers.get('location')!).searchParams.get('code');
  const ok = await postJson(sb.url, '/token', { ...base, code: code3, redirectUri });
  assert.equal(ok.status, 200);
  assert.ok(ok.body.refreshToken);
});

test('/authorize refuses unknown clients and unregistered redirects with a page, other faults by redirect', async (t) => {
  const sb = await startSandbox(t, { autoApprove: true });
  const c = await registerPkceClient(sb.url);
  const { challenge } = pkcePair();
  const redirectUri = 'http://127.0.0.1:49999/oauth/callback';
  const unknown = await fetch(authorizeUrl(sb.url, 'nope', redirectUri, challenge, 's'), {
    redirect: 'manual',
  });
  assert.equal(unknown.status, 400);
  assert.match(await unknown.text(), /Unknown or expired application/);
  const otherPath = await fetch(
    authorizeUrl(sb.url, c.clientId, 'http://127.0.0.1:49999/elsewhere', challenge, 's'),
    {
      redirect: 'manual',
    },
  );
  assert.equal(otherPath.status, 400);
  const plain = await fetch(
    authorizeUrl(sb.url, c.clientId, redirectUri, challenge, 's', { code_challenge_method: 'plain' }),
    {
      redirect: 'manual',
    },
  );
  assert.equal(plain.status, 302);
  const loc = new URL(plain.headers.get('location')!);
  assert.equal(loc.searchParams.get('error'), 'invalid_request');
  assert.equal(loc.searchParams.get('state'), 's');
  const scope = await fetch(
    authorizeUrl(sb.url, c.clientId, redirectUri, challenge, 's', { scopes: 'openid' }),
    {
      redirect: 'manual',
    },
  );
  assert.equal(new URL(scope.headers.get('location')!).searchParams.get('error'), 'invalid_scope');
});

test('requests whose Host is not loopback are refused (DNS rebinding)', async (t) => {
  const sb = await startSandbox(t);
  const { request } = await import('node:http');
  const status = await new Promise<number>((resolve, reject) => {
    const req = request(`${sb.url}/_sandbox/counts`, { headers: { host: 'evil.example:80' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  assert.equal(status, 403);
  const ok = await fetch(`http://localhost:${sb.port}/_sandbox/counts`);
  assert.equal(ok.status, 200);
});
