import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe, type TestContext, test } from 'node:test';
import { oidcClientConfig } from '../../src/sso/oidc.ts';
import { portalClientConfig } from '../../src/sso/portal.ts';
import { stsRequestSettings } from '../../src/sts/assume-role.ts';
import { silentLogger } from '../../src/util/log.ts';
import { runCli } from '../harness/cli.ts';
import { hashTree, signedIn } from './harness.ts';

// A service that accepts the connection and never answers. The per-request timeout is 30 s; before
// the fix the SDK only logged a warning and credential-process hung for ever. Now the portal gives up
// after two silent attempts (about a minute): exit 5, nothing changed. OIDC has the same fix (three
// attempts, 90 s); measured once by hand, guarded here by a check of each client's settings.

const DEADLINE_MS = 150_000;

async function silentServer(t: TestContext): Promise<{ url: string; connections: () => number }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, connections: () => sockets.length };
}

test('every SDK client that talks to Identity Center turns a request timeout into an error', () => {
  const deps = { env: {}, now: Date.now, log: silentLogger };
  const session = { startUrl: 'https://x.awsapps.com/start', region: 'us-east-1' };
  for (const [name, config] of [
    ['portal', portalClientConfig(session, deps)],
    ['OIDC', oidcClientConfig(session, deps)],
    ['STS', stsRequestSettings({})],
  ] as const) {
    const handler = config.requestHandler;
    assert.equal(handler.throwOnRequestTimeout, true, name);
    assert.ok(handler.requestTimeout > 0 && handler.connectionTimeout > 0, name);
  }
});

describe('a service that never answers', { concurrency: true }, () => {
  for (const c of [
    { service: 'SSO', args: ['credential-process', 'prod'], expired: false, within: 100_000 },
  ]) {
    test(`${c.service} silent: ${c.args[0]} exits 5 within ${c.within / 1000} s`, async (t) => {
      const w = await signedIn(t, c.expired ? { expiresIn: -60 } : {});
      const silent = await silentServer(t);
      const before = hashTree(w.home.home);
      const started = Date.now();
      const r = await runCli(c.args, {
        env: { ...w.env, [`AWS_ENDPOINT_URL_${c.service}`]: silent.url },
        timeoutMs: DEADLINE_MS,
      });
      const took = Date.now() - started;
      assert.equal(r.signal, null, `still running after ${DEADLINE_MS} ms: a hang`);
      assert.equal(r.code, 5, r.stderr);
      assert.ok(took < c.within, `took ${took} ms`);
      assert.match(r.stderr, /could not reach http:\/\/127\.0\.0\.1:\d+ \(TimeoutError/);
      assert.match(r.stderr, /hint: check the network connection/);
      assert.ok(silent.connections() >= 2, 'retried before giving up');
      assert.deepEqual(hashTree(w.home.home), before);
      t.diagnostic(`${took} ms, ${silent.connections()} connections`);
    });
  }
});
