import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { GetRoleCredentialsCommand, SSOClient } from '@aws-sdk/client-sso';
import type { SsoDeps } from '../../src/sso/deps.ts';
import { createPortalClient } from '../../src/sso/portal.ts';
import { directPortalUrl, requestRoleCredentials } from '../../src/sso/portal-direct.ts';
import { isNetworkFailure } from '../../src/sso/sdk-errors.ts';
import { silentLogger } from '../../src/util/log.ts';
import { urlOf } from '../harness/stop-before-network.ts';

// rolehop's own first attempt at GetRoleCredentials (sso/portal-direct.ts) against the SDK client it
// stands in for: the endpoint, the request, and every answer but a plain success read by the SDK.

const PLAIN = { useFipsEndpoint: false, useDualstackEndpoint: false };
const COMMERCIAL = [
  ...['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'af-south-1', 'ap-east-1', 'ap-east-2'],
  ...['ap-south-1', 'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'],
  ...['ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5'],
  ...['ap-southeast-7', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1'],
  ...['eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1'],
  ...['me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1'],
  // Not (yet) regions: the partition's pattern still places them, as it will a new region.
  ...['us-west-9', 'eu-moon-1'],
];
const ELSEWHERE = [
  ...['cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1', 'us-iso-east-1'],
  ...['us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1', 'eusc-de-east-1', 'aws-global'],
  ...['us-east-1-fips', 'xx-foo-1', 'local', 'us-east-1.evil.example'],
];

const sdkUrl = (region: string, settings: object) =>
  urlOf(
    new SSOClient({ region, ...settings }),
    new GetRoleCredentialsCommand({ accessToken: 't', accountId: '1', roleName: 'r' }),
  );

test('the direct URL is the one the SDK endpoint rules give, and only in the commercial partition', async () => {
  for (const region of COMMERCIAL) {
    const url = directPortalUrl(region, PLAIN);
    assert.equal(`${url}/federation/credentials`, (await sdkUrl(region, PLAIN)).split('?')[0], region);
  }
  for (const region of ELSEWHERE) assert.equal(directPortalUrl(region, PLAIN), undefined, region);
  // FIPS and dual-stack are the SDK's to resolve, anywhere.
  assert.equal(directPortalUrl('us-east-1', { ...PLAIN, useFipsEndpoint: true }), undefined);
  assert.equal(directPortalUrl('us-east-1', { ...PLAIN, useDualstackEndpoint: true }), undefined);
  // An explicit endpoint is used as the SDK uses it, path and all; an unusual one goes to the SDK.
  const endpoint = 'https://proxy.example:8443/sso';
  assert.equal(
    `${directPortalUrl('us-east-1', { ...PLAIN, endpoint })}/federation/credentials`,
    (await sdkUrl('us-east-1', { endpoint })).split('?')[0],
  );
  for (const odd of ['https://user@proxy.example', 'https://proxy.example/?x=1', 'ftp://proxy.example']) {
    assert.equal(directPortalUrl('us-east-1', { ...PLAIN, endpoint: odd }), undefined, odd);
  }
});

interface Seen {
  method: string;
  path: string;
  query: string[];
  headers: IncomingMessage['headers'];
}

/** A local portal that records each request and answers with `reply`. */
async function fakePortal(t: TestContext, reply: (res: ServerResponse) => void) {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    seen.push({
      method: req.method ?? '',
      path: url.pathname,
      query: [...url.searchParams].map(([k, v]) => `${k}=${v}`).sort(),
      headers: req.headers,
    });
    reply(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return { seen, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const answer =
  (status: number, body: string, headers: Record<string, string> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
const GOOD = JSON.stringify({
  roleCredentials: {
    accessKeyId: 'ASIAFAKEFAKEFAKEFAKE',
    secretAccessKey: 'fakesecretfakesecretfakesecretfakesecret',
    sessionToken: 'faketokenfaketoken',
    expiration: 1_900_000_000_000,
  },
});

function portalDeps(endpoint: string, extra: Record<string, string> = {}): SsoDeps {
  return {
    env: { AWS_ENDPOINT_URL_SSO: endpoint, AWS_CONFIG_FILE: '/nonexistent', HOME: '/nonexistent', ...extra },
    now: Date.now,
    log: silentLogger,
  };
}

/** GetRoleCredentials through a portal client, rolehop's first attempt or (sdk) the SDK client's. */
async function outcome(endpoint: string, sdk: boolean) {
  const deps = portalDeps(endpoint, sdk ? { ROLEHOP_PORTAL_SDK: '1' } : {});
  const session = { startUrl: 'https://x.awsapps.com/start', region: 'us-east-1' };
  const client = await createPortalClient(session, 'aoa-token', deps, { maxAttempts: 1 });
  try {
    const c = await client.getRoleCredentials('111111111111', 'Admin');
    return { ok: { ...c, expiration: c.expiration.toISOString() } };
  } catch (error) {
    const e = error as Error & { exitCode?: number };
    return { error: `${e.constructor.name} ${e.exitCode}: ${e.message}` };
  } finally {
    client.destroy();
  }
}

test('it sends what the SDK client sends: GET, path, query and bearer token; the app id in its User-Agent', async (t) => {
  const portal = await fakePortal(t, answer(200, GOOD));
  const call = { accessToken: 'aoa/token+=', accountId: '111111111111', roleName: 'Admin Role&x' };
  await requestRoleCredentials(portal.endpoint, call, {
    connectionTimeout: 1000,
    requestTimeout: 1000,
    userAgentAppId: 'team tool/1\r\n',
  });
  const client = new SSOClient({ region: 'us-east-1', endpoint: portal.endpoint });
  await client.send(new GetRoleCredentialsCommand(call));
  client.destroy();
  const [ours, sdks] = portal.seen;
  assert.ok(ours && sdks);
  assert.deepEqual(
    { method: ours.method, path: ours.path, query: ours.query },
    { method: sdks.method, path: sdks.path, query: sdks.query },
  );
  assert.equal(ours.headers['x-amz-sso_bearer_token'], 'aoa/token+=');
  assert.equal(ours.headers['x-amz-sso_bearer_token'], sdks.headers['x-amz-sso_bearer_token']);
  assert.match(
    String(ours.headers['user-agent']),
    /^rolehop md\/nodejs#[\w.-]+ api\/sso app\/team-tool-1--$/,
  );
});

// Throttling and 5xx are retried, through the SDK after the first attempt (portal.test.ts).
test('every answer but a plain success is read by the SDK client: the same credentials or the same error', async (t) => {
  const error = (status: number, type: string) =>
    answer(status, JSON.stringify({ message: `${type} from the fake` }), { 'x-amzn-errortype': type });
  const replies: [string, (res: ServerResponse) => void][] = [
    ['a plain success', answer(200, GOOD)],
    ['expiration as a string', answer(200, GOOD.replace('1900000000000', '"1900000000000"'))],
    ['an extra field', answer(200, GOOD.replace('"roleCredentials"', '"x":1,"roleCredentials"'))],
    ['truncated JSON', answer(200, GOOD.slice(0, 40))],
    ['an empty body', answer(200, '')],
    ['401', error(401, 'UnauthorizedException')],
    ['403', error(403, 'ForbiddenException')],
    ['404', error(404, 'ResourceNotFoundException')],
    ['400', error(400, 'InvalidRequestException')],
    ['302 to elsewhere', answer(302, '', { location: 'https://example.com/' })],
    ['HTML', (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>')],
  ];
  for (const [name, reply] of replies) {
    const portal = await fakePortal(t, reply);
    const direct = await outcome(portal.endpoint, false);
    const viaSdk = await outcome(portal.endpoint, true);
    assert.deepEqual(direct, viaSdk, name);
    assert.equal(portal.seen.length, 2, `${name}: one request each`);
  }
});

test('a silent portal, a refused connection and an abort end as the SDK handler ends them', async (t) => {
  const silent = await fakePortal(t, () => {});
  const options = { connectionTimeout: 1000, requestTimeout: 200, userAgentAppId: '' };
  const call = { accessToken: 't', accountId: '1', roleName: 'r' };
  await assert.rejects(requestRoleCredentials(silent.endpoint, call, options), (e: Error) => {
    assert.equal(e.name, 'TimeoutError');
    assert.ok(isNetworkFailure(e));
    return true;
  });
  await assert.rejects(requestRoleCredentials('http://127.0.0.1:1', call, options), (e: Error) => {
    assert.ok(isNetworkFailure(e), `${e.name}: ${e.message}`);
    return true;
  });
  const abort = new AbortController();
  const pending = requestRoleCredentials(silent.endpoint, call, {
    ...options,
    requestTimeout: 5000,
    signal: abort.signal,
  });
  setTimeout(() => abort.abort(), 50);
  await assert.rejects(pending, { name: 'AbortError', message: 'Request aborted' });
  // The process is not held open by a timer once the call has failed.
  const started = Date.now();
  await assert.rejects(
    requestRoleCredentials('http://127.0.0.1:1', call, { ...options, requestTimeout: 60_000 }),
  );
  assert.ok(Date.now() - started < 5000);
});

test('onSent runs once the request is written, before the answer, for work that can run meanwhile', async (t) => {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  // The portal answers only after onSent: a call that resolves proves the order.
  const portal = await fakePortal(t, (res) => void held.then(() => answer(200, GOOD)(res)));
  let sent = 0;
  const got = await requestRoleCredentials(
    portal.endpoint,
    { accessToken: 't', accountId: '1', roleName: 'r' },
    {
      connectionTimeout: 1000,
      requestTimeout: 5000,
      userAgentAppId: '',
      onSent: () => {
        sent++;
        release();
      },
    },
  );
  assert.equal(got.statusCode, 200);
  assert.equal(sent, 1);
});
