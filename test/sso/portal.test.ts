import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { SsoDeps } from '../../src/sso/deps.ts';
import { createPortalClient, getRoleCredentials } from '../../src/sso/portal.ts';
import { AccessDeniedError, NetworkError } from '../../src/util/errors.ts';
import { silentLogger } from '../../src/util/log.ts';
import { redactText } from '../../src/util/redact.ts';
import { type StartOptions, sandboxWorld, signIn } from '../harness/sandbox.ts';

async function portal(t: TestContext, options: StartOptions = {}, portalOptions = {}) {
  const w = await sandboxWorld(t, options);
  const tokens = await signIn(w.sandbox);
  const deps: SsoDeps = { env: w.env, now: () => Date.now(), log: silentLogger };
  const session = { name: 'dev', startUrl: w.sandbox.startUrl, region: w.sandbox.region };
  const client = await createPortalClient(session, tokens.accessToken, deps, portalOptions);
  t.after(() => client.destroy());
  return { w, client, deps, session, tokens };
}

test('lists every account and role across pages, backing off when the portal throttles (429)', async (t) => {
  const { w, client } = await portal(t, { accounts: 60 }, { concurrency: 8, pageSize: 25 });
  // Ten forced 429s make the back-off certain however slow the machine; the bucket adds real throttling.
  await w.sandbox.admin.setFaults({
    throttleTps: 20,
    forceError: { operation: 'ListAccountRoles', error: 'TooManyRequestsException', status: 429, times: 10 },
  });
  const accounts = await client.listAccounts();
  assert.equal(accounts.length, 60);
  assert.equal(new Set(accounts.map((a) => a.accountId)).size, 60);
  const roles = await client.listRolesOfAccounts(accounts.map((a) => a.accountId));
  assert.equal([...roles.values()].flat().length, 180);
  const counts = await w.sandbox.admin.counts();
  assert.ok((counts.ListAccounts ?? 0) >= 3, 'paged: 60 accounts in pages of 25');
  assert.ok(
    (counts.ListAccountRoles ?? 0) >= 70,
    `throttled calls were retried (${counts.ListAccountRoles})`,
  );
});

test('page size is capped at the portal limit of 100', async (t) => {
  const { w, client } = await portal(t, { accounts: 150 }, { pageSize: 500 });
  assert.equal((await client.listAccounts()).length, 150);
  assert.equal((await w.sandbox.admin.counts()).ListAccounts, 2);
});

test('5xx answers are retried until the call succeeds', async (t) => {
  const { w, client } = await portal(t);
  // Forced failures, not a random rate: a test that retries a coin toss fails now and then.
  const fail = (operation: string, times: number) =>
    w.sandbox.admin.setFaults({
      forceError: { operation, error: 'InternalServerException', status: 500, times },
    });
  await fail('ListAccounts', 3);
  const accounts = await client.listAccounts();
  await fail('ListAccountRoles', 4);
  const roles = await client.listRolesOfAccounts(accounts.map((a) => a.accountId));
  assert.equal(accounts.length, 5);
  assert.equal([...roles.values()].flat().length, 11);
  const counts = await w.sandbox.admin.counts();
  assert.equal(counts.ListAccounts, 1 + 3, 'three failed attempts, then one that answered');
  assert.ok((counts.ListAccountRoles ?? 0) >= 5 + 4, 'each failed roles call was retried');
});

test("GetRoleCredentials' first attempt, made without the SDK, is retried through it after a 5xx", async (t) => {
  const { w, client } = await portal(t);
  await w.sandbox.admin.setFaults({
    forceError: { operation: 'GetRoleCredentials', error: 'InternalServerException', status: 500, times: 2 },
  });
  const c = await client.getRoleCredentials('111111111111', 'AdministratorAccess');
  assert.ok(c.accessKeyId && c.expiration instanceof Date);
  assert.equal(
    (await w.sandbox.admin.counts()).GetRoleCredentials,
    3,
    'two failed attempts, then one that answered',
  );
});

test('throttling that never ends becomes a NetworkError (exit 5) once retries run out', async (t) => {
  const { w, client } = await portal(t, {}, { maxAttempts: 3 });
  await w.sandbox.admin.setFaults({
    forceError: { operation: 'ListAccounts', error: 'TooManyRequestsException', status: 429 },
  });
  await assert.rejects(client.listAccounts(), (e: unknown) => e instanceof NetworkError && e.exitCode === 5);
});

test('role credentials come back with expiration as a Date (epoch ms) and are registered as secrets', async (t) => {
  const { client } = await portal(t);
  const c = await client.getRoleCredentials('111111111111', 'AdministratorAccess');
  assert.ok(c.accessKeyId && c.secretAccessKey && c.sessionToken);
  assert.ok(c.expiration instanceof Date && c.expiration.getTime() > Date.now());
  assert.equal(redactText(`k=${c.secretAccessKey}`), 'k=****');
});

test('an unassigned role (403) or unknown account (404) is AccessDeniedError naming account and role', async (t) => {
  const { client } = await portal(t);
  await assert.rejects(
    client.getRoleCredentials('444444444444', 'AdministratorAccess'),
    (e: unknown) =>
      e instanceof AccessDeniedError &&
      e.exitCode === 4 &&
      /"AdministratorAccess" in account 444444444444/.test(e.message),
  );
  await assert.rejects(
    client.getRoleCredentials('999999999999', 'ReadOnlyAccess'),
    (e: unknown) =>
      e instanceof AccessDeniedError && /"ReadOnlyAccess" in account 999999999999/.test(e.message),
  );
});

test('getRoleCredentials for a Plan source reads the cached token', async (t) => {
  const { deps, session, tokens, w } = await portal(t);
  const { writeToken } = await import('../../src/sso/token-cache.ts');
  writeToken(deps.env, session, {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: tokens.accessToken,
    expiresAt: Date.now() + 3600_000,
  });
  const c = await getRoleCredentials(
    {
      kind: 'sso',
      session: 'dev',
      startUrl: w.sandbox.startUrl,
      ssoRegion: w.sandbox.region,
      accountId: '333333333333',
      roleName: 'ReadOnlyAccess',
    },
    deps,
  );
  assert.ok(c.accessKeyId.length > 0);
});
