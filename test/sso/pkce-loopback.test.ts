import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import { test } from 'node:test';
import { startLoopbackListener } from '../../src/sso/loopback.ts';
import { authorizeUrl, codeChallengeS256, createCodeVerifier, createState } from '../../src/sso/pkce.ts';
import { InterruptedError, SignInRequiredError } from '../../src/util/errors.ts';

function get(port: number, pathAndQuery: string, host = `127.0.0.1:${port}`) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: pathAndQuery, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
  });
}

test('the verifier is 64 unreserved characters and the challenge is its base64url sha256', () => {
  const v = createCodeVerifier();
  assert.match(v, /^[A-Za-z0-9\-._~]{64}$/);
  assert.notEqual(v, createCodeVerifier());
  const expected = createHash('sha256')
    .update(v)
    .digest('base64')
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  assert.equal(codeChallengeS256(v), expected);
  assert.match(createState(), /^[A-Za-z0-9_-]{43}$/);
});

test('the authorize URL sits on the OIDC origin with every PKCE parameter', () => {
  const url = new URL(
    authorizeUrl({
      oidcEndpoint: 'http://127.0.0.1:9999/some/path',
      clientId: 'cid',
      redirectUri: 'http://127.0.0.1:5555/oauth/callback',
      state: 'st',
      codeChallenge: 'ch',
      scopes: ['sso:account:access', 'other'],
    }),
  );
  assert.equal(url.origin + url.pathname, 'http://127.0.0.1:9999/authorize');
  assert.deepEqual(Object.fromEntries(url.searchParams), {
    response_type: 'code',
    client_id: 'cid',
    redirect_uri: 'http://127.0.0.1:5555/oauth/callback',
    state: 'st',
    code_challenge_method: 'S256',
    scopes: 'sso:account:access other',
    code_challenge: 'ch',
  });
});

test('the loopback listener binds 127.0.0.1, ignores strays and a wrong state, and takes the code once', async () => {
  const listener = await startLoopbackListener({ state: 'good-state', timeoutMs: 10_000, retryCommand: 'x' });
  try {
    assert.match(listener.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    assert.equal((await get(listener.port, '/favicon.ico')).status, 404);
    assert.equal((await get(listener.port, '/oauth/callback?code=c&state=evil')).status, 400);
    assert.equal(
      (await get(listener.port, '/oauth/callback?code=c&state=good-state', 'evil.example:80')).status,
      400,
    );
    const ok = await get(listener.port, '/oauth/callback?code=the-code&state=good-state');
    assert.equal(ok.status, 200);
    assert.match(ok.body, /Signed in/);
    assert.equal(await listener.code, 'the-code');
    const again = await get(listener.port, '/oauth/callback?code=other&state=good-state');
    assert.match(again.body, /already used/);
  } finally {
    await listener.close();
  }
});

test('an error redirect (Deny) fails the flow with SignInRequiredError and a failure page', async () => {
  const listener = await startLoopbackListener({
    state: 's',
    timeoutMs: 10_000,
    retryCommand: 'rolehop login',
  });
  try {
    const page = await get(listener.port, '/oauth/callback?error=access_denied&state=s');
    assert.match(page.body, /Sign-in failed/);
    await assert.rejects(
      listener.code,
      (e: unknown) => e instanceof SignInRequiredError && /denied/.test(e.message),
    );
  } finally {
    await listener.close();
  }
});

test('an error callback without our state is ignored: the sign-in keeps waiting for the real one', async () => {
  const listener = await startLoopbackListener({ state: 'good-state', timeoutMs: 10_000, retryCommand: 'x' });
  try {
    let settled = false;
    listener.code.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (const forged of [
      '/oauth/callback?error=access_denied',
      '/oauth/callback?error=server_error&state=evil',
      '/oauth/callback?error=access_denied&state=',
      '/oauth/callback?error=access_denied&state=good-state-not',
    ]) {
      assert.equal((await get(listener.port, forged)).status, 400, forged);
    }
    await new Promise((r) => setImmediate(r));
    assert.equal(settled, false, 'a forged error did not end the sign-in');
    const ok = await get(listener.port, '/oauth/callback?code=the-code&state=good-state');
    assert.equal(ok.status, 200);
    assert.equal(await listener.code, 'the-code');
  } finally {
    await listener.close();
  }
});

test('callback text (error, error_description) reaches the terminal without control characters', async () => {
  const listener = await startLoopbackListener({ state: 's', timeoutMs: 10_000, retryCommand: 'x' });
  try {
    const error = 'server_error\x1b]0;pwned\x07';
    const description = 'bad\x1b[2J\x1b[H\rthing\u009b31m\u202eevil';
    await get(
      listener.port,
      `/oauth/callback?error=${encodeURIComponent(error)}&error_description=${encodeURIComponent(description)}&state=s`,
    );
    await assert.rejects(listener.code, (e: unknown) => {
      assert.ok(e instanceof SignInRequiredError);
      assert.equal(e.message, 'sign-in failed in the browser: server_error]0;pwned (bad[2J[Hthing31mevil)');
      return true;
    });
  } finally {
    await listener.close();
  }
});

test('the listener times out clearly and stops on interruption', async () => {
  const quick = await startLoopbackListener({ state: 's', timeoutMs: 50, retryCommand: 'rolehop login' });
  await assert.rejects(
    quick.code,
    (e: unknown) => e instanceof SignInRequiredError && /timed out/.test(e.message),
  );
  await quick.close();
  const controller = new AbortController();
  const slow = await startLoopbackListener({
    state: 's',
    timeoutMs: 60_000,
    retryCommand: 'x',
    signal: controller.signal,
  });
  controller.abort();
  await assert.rejects(slow.code, InterruptedError);
  await slow.close();
});
