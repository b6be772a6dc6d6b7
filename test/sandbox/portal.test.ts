import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signIn, startSandbox } from '../harness/sandbox.ts';
import { portalGet } from './wire.ts';

test('ListAccounts pages with max_result and an opaque next_token until every account is seen', async (t) => {
  const sb = await startSandbox(t, { accounts: 250 });
  const { accessToken } = await signIn(sb);
  const seen: string[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const r = await portalGet(sb.url, '/assignment/accounts', accessToken, {
      max_result: '100',
      ...(nextToken ? { next_token: nextToken } : {}),
    });
    assert.equal(r.status, 200);
    const list = r.body.accountList as Array<{
      accountId: string;
      accountName: string;
      emailAddress: string;
    }>;
    seen.push(...list.map((a) => a.accountId));
    nextToken = r.body.nextToken as string | undefined;
    if (nextToken) assert.doesNotMatch(nextToken, /^\d+$/, 'the token is opaque');
    pages++;
  } while (nextToken);
  assert.equal(pages, 3);
  assert.equal(new Set(seen).size, 250);
  const first = await portalGet(sb.url, '/assignment/accounts', accessToken);
  assert.equal((first.body.accountList as unknown[]).length, 20, 'default page size is 20');
});

test('ListAccountRoles pages too; max_result outside 1–100 and forged tokens are InvalidRequest', async (t) => {
  const sb = await startSandbox(t);
  const { accessToken } = await signIn(sb);
  const one = await portalGet(sb.url, '/assignment/roles', accessToken, {
    account_id: '222222222222',
    max_result: '1',
  });
  assert.equal(one.status, 200);
  assert.deepEqual(one.body.roleList, [{ roleName: 'AdministratorAccess', accountId: '222222222222' }]);
  const rest = await portalGet(sb.url, '/assignment/roles', accessToken, {
    account_id: '222222222222',
    max_result: '5',
    next_token: String(one.body.nextToken),
  });
  assert.deepEqual(
    (rest.body.roleList as Array<{ roleName: string }>).map((r) => r.roleName),
    ['PowerUserAccess', 'ReadOnlyAccess'],
  );
  assert.equal(rest.body.nextToken, undefined);
  for (const bad of ['0', '101', 'ten', '1.5']) {
    const r = await portalGet(sb.url, '/assignment/accounts', accessToken, { max_result: bad });
    assert.equal(r.status, 400, bad);
    assert.equal(r.errorType, 'InvalidRequestException');
    assert.match(String(r.body.message), /max_result/);
  }
  const forged = await portalGet(sb.url, '/assignment/roles', accessToken, {
    account_id: '333333333333',
    next_token: String(one.body.nextToken),
  });
  assert.equal(forged.errorType, 'InvalidRequestException', 'a token from another listing is refused');
  const noAccount = await portalGet(sb.url, '/assignment/roles', accessToken);
  assert.equal(noAccount.errorType, 'InvalidRequestException');
});

test('GetRoleCredentials: epoch-ms expiration; 403 for unassigned, 404 for unknown accounts and roles', async (t) => {
  const sb = await startSandbox(t);
  const { accessToken } = await signIn(sb);
  const before = Date.now();
  const ok = await portalGet(sb.url, '/federation/credentials', accessToken, {
    account_id: '111111111111',
    role_name: 'ReadOnlyAccess',
  });
  assert.equal(ok.status, 200);
  const rc = ok.body.roleCredentials as Record<string, unknown>;
  assert.match(String(rc.accessKeyId), /^ASIA[A-Z2-7]{16}$/);
  assert.equal(String(rc.secretAccessKey).length, 40);
  assert.ok(Number(rc.expiration) >= before + 3600_000 - 1000 && Number(rc.expiration) < before + 3700_000);

  const cases: Array<[Record<string, string>, number, string]> = [
    [{ account_id: '666666666666', role_name: 'ReadOnlyAccess' }, 403, 'ForbiddenException'],
    [{ account_id: '444444444444', role_name: 'AdministratorAccess' }, 403, 'ForbiddenException'],
    [{ account_id: '999999999999', role_name: 'ReadOnlyAccess' }, 404, 'ResourceNotFoundException'],
    [{ account_id: '111111111111', role_name: 'NoSuchRole' }, 404, 'ResourceNotFoundException'],
    [{ account_id: '111111111111' }, 400, 'InvalidRequestException'],
  ];
  for (const [query, status, type] of cases) {
    const r = await portalGet(sb.url, '/federation/credentials', accessToken, query);
    assert.equal(r.status, status, JSON.stringify(query));
    assert.equal(r.errorType, type);
    assert.equal(typeof r.body.message, 'string');
  }
  const bob = await signIn(sb, { user: 'bob' });
  const bobs = await portalGet(sb.url, '/assignment/accounts', bob.accessToken);
  assert.deepEqual(
    (bobs.body.accountList as Array<{ accountName: string }>).map((a) => a.accountName),
    ['dev', 'audit'],
    'each user sees only their assignments',
  );
});

test('401 UnauthorizedException for missing, unknown, expired and logged-out tokens', async (t) => {
  const sb = await startSandbox(t);
  const a = await signIn(sb);
  const b = await signIn(sb);
  for (const token of [undefined, 'aoa-not-a-token']) {
    const r = await portalGet(sb.url, '/assignment/accounts', token);
    assert.equal(r.status, 401);
    assert.equal(r.errorType, 'UnauthorizedException');
  }
  await sb.admin.expireTokens({ token: a.accessToken });
  assert.equal((await portalGet(sb.url, '/assignment/accounts', a.accessToken)).status, 401);
  assert.equal(
    (await portalGet(sb.url, '/assignment/accounts', b.accessToken)).status,
    200,
    'only that token',
  );

  const logout = await fetch(`${sb.url}/logout`, {
    method: 'POST',
    headers: { 'x-amz-sso_bearer_token': b.accessToken },
  });
  assert.equal(logout.status, 200);
  assert.equal((await logout.text()).length, 0);
  assert.equal(
    (await portalGet(sb.url, '/assignment/accounts', b.accessToken)).errorType,
    'UnauthorizedException',
  );
  const refresh = await fetch(`${sb.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: b.clientId,
      clientSecret: b.clientSecret,
      grantType: 'refresh_token',
      refreshToken: b.refreshToken,
    }),
  });
  assert.equal(refresh.headers.get('x-amzn-errortype'), 'InvalidGrantException', 'logout ends the session');
  const again = await fetch(`${sb.url}/logout`, {
    method: 'POST',
    headers: { 'x-amz-sso_bearer_token': b.accessToken },
  });
  assert.equal(again.status, 401);
});

test('counts per operation, and reset forgets tokens and counts', async (t) => {
  const sb = await startSandbox(t);
  const { accessToken } = await signIn(sb);
  await portalGet(sb.url, '/assignment/accounts', accessToken);
  await portalGet(sb.url, '/assignment/accounts', accessToken);
  const counts = await sb.admin.counts();
  assert.equal(counts.RegisterClient, 1);
  assert.equal(counts.StartDeviceAuthorization, 1);
  assert.equal(counts.CreateToken, 1);
  assert.equal(counts.ListAccounts, 2);
  await sb.admin.reset();
  assert.deepEqual(await sb.admin.counts(), {});
  assert.equal((await portalGet(sb.url, '/assignment/accounts', accessToken)).status, 401);
});

test('faults: throttle answers 429 TooManyRequests beyond N per second; fail rate 1 answers 5xx', async (t) => {
  const sb = await startSandbox(t, { throttleTps: 3 });
  const { accessToken } = await signIn(sb);
  const results = [];
  for (let i = 0; i < 10; i++) results.push(await portalGet(sb.url, '/assignment/accounts', accessToken));
  const statuses = results.map((r) => r.status);
  assert.ok(statuses.filter((s) => s === 200).length >= 3, statuses.join());
  const throttled = results.find((r) => r.status !== 200);
  assert.ok(throttled, `some calls throttled: ${statuses.join()}`);
  assert.equal(throttled.status, 429);
  assert.equal(throttled.errorType, 'TooManyRequestsException');

  await sb.admin.setFaults({ throttleTps: 0, failRate: 1 });
  const failed = await portalGet(sb.url, '/assignment/accounts', accessToken);
  assert.equal(failed.status, 500);
  const oidc = await fetch(`${sb.url}/client/register`, { method: 'POST', body: '{}' });
  assert.equal(oidc.status, 500);
  assert.equal(oidc.headers.get('x-amzn-errortype'), 'InternalServerException');
  await sb.admin.setFaults({ failRate: 0 });
  assert.equal((await portalGet(sb.url, '/assignment/accounts', accessToken)).status, 200);
});

test('faults: a forced error for one operation, for a number of calls; latency delays answers', async (t) => {
  const sb = await startSandbox(t);
  const { accessToken } = await signIn(sb);
  await sb.admin.setFaults({
    forceError: { operation: 'ListAccountRoles', error: 'TooManyRequestsException', status: 429, times: 2 },
  });
  const q = { account_id: '111111111111' };
  assert.equal((await portalGet(sb.url, '/assignment/roles', accessToken, q)).status, 429);
  assert.equal(
    (await portalGet(sb.url, '/assignment/accounts', accessToken)).status,
    200,
    'other operations pass',
  );
  assert.equal((await portalGet(sb.url, '/assignment/roles', accessToken, q)).status, 429);
  assert.equal((await portalGet(sb.url, '/assignment/roles', accessToken, q)).status, 200, 'only twice');

  await sb.admin.setFaults({ latencyMs: 150 });
  const start = performance.now();
  await portalGet(sb.url, '/assignment/accounts', accessToken);
  assert.ok(performance.now() - start >= 140);

  await assert.rejects(sb.admin.setFaults({ failRate: 2 }), /failRate must be a number from 0 to 1/);
  await assert.rejects(sb.admin.setLifetimes({ bogus: 1 } as never), /unknown lifetime "bogus"/);
});
