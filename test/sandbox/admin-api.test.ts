import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adminClient, signIn, startSandbox } from '../harness/sandbox.ts';
import { authorizeUrl, DEVICE_GRANT, pkcePair, portalGet, postJson, registerPkceClient } from './wire.ts';

test('the HTTP admin client: pending, approve with a user, deny, revoke, lifetimes, faults, reset', async (t) => {
  const sb = await startSandbox(t);
  const admin = adminClient(sb.url);
  const c = await postJson(sb.url, '/client/register', {
    clientName: 'http-admin',
    clientType: 'public',
    scopes: ['sso:account:access'],
  });
  const d1 = await postJson(sb.url, '/device_authorization', { ...c.body, startUrl: sb.startUrl });
  const d2 = await postJson(sb.url, '/device_authorization', { ...c.body, startUrl: sb.startUrl });
  const index = await (await fetch(`${sb.url}/`)).text();
  assert.ok(index.includes(`/device?user_code=${d1.body.userCode}`), 'the index page lists waiting sign-ins');
  const pending = await admin.pending();
  assert.deepEqual(
    pending.devices.map((d) => d.userCode).sort(),
    [d1.body.userCode, d2.body.userCode].sort(),
  );
  assert.equal(pending.devices[0]!.clientName, 'http-admin');
  assert.equal((await admin.approve({ userCode: String(d1.body.userCode), user: 'bob' })).decided, 1);
  assert.equal((await admin.deny({ userCode: String(d2.body.userCode) })).decided, 1);
  await assert.rejects(admin.approve({ userCode: String(d2.body.userCode) }), /already decided/);
  await assert.rejects(admin.approve({ userCode: 'ZZZZ-ZZZZ' }), /no pending sign-in with code ZZZZ-ZZZZ/);
  const tok = await postJson(sb.url, '/token', {
    ...c.body,
    grantType: DEVICE_GRANT,
    deviceCode: d1.body.deviceCode,
  });
  const accounts = await portalGet(sb.url, '/assignment/accounts', String(tok.body.accessToken));
  assert.equal((accounts.body.accountList as unknown[]).length, 2, "bob's two accounts");

  assert.equal(await admin.revokeTokens({ token: String(tok.body.accessToken) }), 1);
  assert.equal((await portalGet(sb.url, '/assignment/accounts', String(tok.body.accessToken))).status, 401);
  const refreshed = await postJson(sb.url, '/token', {
    ...c.body,
    grantType: 'refresh_token',
    refreshToken: tok.body.refreshToken,
  });
  assert.equal(refreshed.status, 200, 'revoking one access token leaves its refresh token');
  assert.ok((await admin.revokeTokens()) >= 2, 'revoke all: access and refresh tokens');
  const spent = await postJson(sb.url, '/token', {
    ...c.body,
    grantType: 'refresh_token',
    refreshToken: refreshed.body.refreshToken,
  });
  assert.equal(spent.errorType, 'InvalidGrantException');

  const lifetimes = await admin.setLifetimes({ accessTokenSeconds: 5, roleCredentialSeconds: 60 });
  assert.equal(lifetimes.accessTokenSeconds, 5);
  assert.equal(lifetimes.refreshTokenSeconds, 90 * 24 * 3600);
  const faults = await admin.setFaults({
    latencyMs: 1,
    forceError: { operation: 'Logout', error: 'InvalidRequestException' },
  });
  assert.equal(faults.latencyMs, 1);
  assert.deepEqual(faults.forcedErrors, [
    { operation: 'Logout', error: 'InvalidRequestException', status: 400 },
  ]);
  await assert.rejects(
    admin.setFaults({ forceError: { operation: 'Logout' } as never }),
    /needs "operation" and "error"/,
  );

  await admin.reset();
  assert.deepEqual(await admin.counts(), {});
  assert.equal((await admin.setLifetimes({})).accessTokenSeconds, 8 * 3600, 'reset restores start lifetimes');
  assert.deepEqual((await admin.setFaults({})).forcedErrors, []);

  const unknown = await fetch(`${sb.url}/_sandbox/nothing`);
  assert.equal(unknown.status, 404);
  assert.ok(((await unknown.json()) as { known: string[] }).known.includes('POST approve'));
  const badBody = await fetch(`${sb.url}/_sandbox/approve`, { method: 'POST', body: 'nope' });
  assert.equal(badBody.status, 400);
  // 413, or a reset when the sandbox answers before the client has finished sending.
  const huge = await fetch(`${sb.url}/token`, { method: 'POST', body: 'x'.repeat(2 * 1024 * 1024) }).catch(
    (error: Error) => error,
  );
  assert.ok(huge instanceof Error || huge.status === 413, 'an oversized body is refused');
});

test('short lifetimes: auth codes, access tokens and role credentials expire when set to', async (t) => {
  const sb = await startSandbox(t, { autoApprove: true, lifetimes: { authCodeSeconds: 0 } });
  const c = await registerPkceClient(sb.url);
  const { verifier, challenge } = pkcePair();
  const redirectUri = 'http://127.0.0.1:49999/oauth/callback';
  const res = await fetch(authorizeUrl(sb.url, c.clientId, redirectUri, challenge, 's'), {
    redirect: 'manual',
  });
  const code = new URL(res.headers.get('location')!).searchParams.get('code');
  const expired = await postJson(sb.url, '/token', {
    ...c,
    grantType: 'authorization_code',
    code,
    redirectUri,
    codeVerifier: verifier,
  });
  assert.equal(expired.errorType, 'InvalidGrantException');
  assert.match(String(expired.body.error_description), /expired/);

  await sb.admin.setLifetimes({ accessTokenSeconds: 0 });
  const { accessToken } = await signIn(sb);
  const r = await portalGet(sb.url, '/assignment/accounts', accessToken);
  assert.equal(r.status, 401, 'a token with no lifetime left is refused');

  await sb.admin.setLifetimes({ accessTokenSeconds: 3600, roleCredentialSeconds: 2 });
  const fresh = await signIn(sb);
  const before = Date.now();
  const rc = await portalGet(sb.url, '/federation/credentials', fresh.accessToken, {
    account_id: '111111111111',
    role_name: 'ReadOnlyAccess',
  });
  const expiration = Number((rc.body.roleCredentials as { expiration: number }).expiration);
  assert.ok(expiration >= before + 1000 && expiration <= Date.now() + 2000, String(expiration - before));
});
