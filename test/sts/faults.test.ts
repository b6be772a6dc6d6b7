import assert from 'node:assert/strict';
import * as http from 'node:http';
import { type TestContext, test } from 'node:test';
import { clientSettings } from '../../src/config/endpoints.ts';
import { assumeRole } from '../../src/sts/assume-role.ts';
import { exitCodeOf, NetworkError } from '../../src/util/errors.ts';

type Mode = 'error-500' | 'throttle' | 'hang';

const THROTTLE_XML =
  '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
  '<Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>r1</RequestId></ErrorResponse>';

/** A misbehaving STS on 127.0.0.1:0 that counts the requests it got. */
async function faultyServer(t: TestContext, mode: Mode) {
  const state = { requests: 0, url: '' };
  const server = http.createServer((req, res) => {
    state.requests++;
    req.resume();
    req.on('end', () => {
      if (mode === 'hang') return;
      if (mode === 'error-500') res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      else res.writeHead(400, { 'content-type': 'text/xml' }).end(THROTTLE_XML);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  state.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return state;
}

const params = {
  source: { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'fault-test-secret-value' },
  hop: { roleArn: 'arn:aws:iam::123456789012:role/Deploy' },
  sessionName: 'faults',
};

const cases: [Mode, RegExp][] = [
  [
    'error-500',
    /could not reach STS at http:\/\/127\.0\.0\.1:\d+ after 3 attempts \(server error HTTP 500\)/,
  ],
  ['throttle', /STS throttled the request after 3 attempts \(Rate exceeded\)/],
  ['hang', /could not reach STS at http:\/\/127\.0\.0\.1:\d+ after 3 attempts \(no answer in time\)/],
];

for (const [mode, message] of cases) {
  test(`STS answering ${mode} is retried, then fails with NetworkError (exit 5)`, async (t) => {
    const server = await faultyServer(t, mode);
    await assert.rejects(
      assumeRole(params, {
        client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: server.url }),
        maxAttempts: 3,
        requestTimeoutMs: 300,
      }),
      (error: unknown) => {
        assert.ok(error instanceof NetworkError, String(error));
        assert.equal(exitCodeOf(error), 5);
        assert.match(error.message, /^AssumeRole arn:aws:iam::123456789012:role\/Deploy: /);
        assert.match(error.message, message);
        assert.ok(error.hint);
        assert.ok(!error.message.includes(params.source.secretAccessKey));
        return true;
      },
    );
    assert.equal(server.requests, 3);
  });
}

test('a closed port fails with NetworkError after retries', async () => {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await assert.rejects(
    assumeRole(params, {
      client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${port}` }),
      maxAttempts: 2,
      requestTimeoutMs: 300,
    }),
    /could not reach STS at .* after 2 attempts \(ECONNREFUSED\)/,
  );
});
