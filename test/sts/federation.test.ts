import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TestContext, test } from 'node:test';
import { consoleDestination, consoleSigninUrl } from '../../src/sts/federation.ts';

const creds = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret/with+chars', sessionToken: 'tok"en' };

async function signinServer(t: TestContext, handler: (url: URL) => [number, string]) {
  const seen: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://127.0.0.1');
    seen.push(url);
    const [status, body] = handler(url);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen };
}

test('destinations: URLs pass through, service names map to the partition console', () => {
  assert.equal(consoleDestination('https://example.com/x', 'aws'), 'https://example.com/x');
  assert.equal(
    consoleDestination('s3', 'aws', 'eu-west-1'),
    'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1',
  );
  assert.equal(
    consoleDestination(undefined, 'aws-cn'),
    'https://cn-north-1.console.amazonaws.cn/console/home?region=cn-north-1',
  );
  assert.equal(
    consoleDestination('ec2', 'aws-us-gov', 'us-gov-east-1'),
    'https://us-gov-east-1.console.amazonaws-us-gov.com/ec2/home?region=us-gov-east-1',
  );
  assert.throws(() => consoleDestination('javascript:alert(1)', 'aws'), /invalid --destination/);
});

test('the sign-in token exchange sends the session JSON and builds the login URL', async (t) => {
  const signin = await signinServer(t, () => [200, '{"SigninToken":"TOKEN123"}']);
  const url = await consoleSigninUrl({
    credentials: creds,
    region: 'eu-west-1',
    destination: 's3',
    sessionDurationSeconds: 3600,
    env: { AWS_ENDPOINT_URL_SIGNIN: signin.url },
  });
  const request = signin.seen[0]!;
  assert.equal(request.searchParams.get('Action'), 'getSigninToken');
  assert.equal(request.searchParams.get('SessionDuration'), '3600');
  assert.deepEqual(JSON.parse(request.searchParams.get('Session')!), {
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  const login = new URL(url);
  assert.equal(login.origin, signin.url);
  assert.equal(login.searchParams.get('Action'), 'login');
  assert.equal(login.searchParams.get('SigninToken'), 'TOKEN123');
  assert.equal(
    login.searchParams.get('Destination'),
    'https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1',
  );
  assert.equal(url.includes(creds.secretAccessKey), false);
});

test('no SessionDuration unless asked; refusals and outages are typed errors without secrets', async (t) => {
  const signin = await signinServer(t, (u) =>
    u.searchParams.has('SessionDuration') ? [400, 'bad'] : [200, '{"SigninToken":"T"}'],
  );
  await consoleSigninUrl({ credentials: creds, env: { AWS_ENDPOINT_URL_SIGNIN: signin.url } });
  assert.equal(signin.seen[0]!.searchParams.has('SessionDuration'), false);
  await assert.rejects(
    consoleSigninUrl({
      credentials: creds,
      sessionDurationSeconds: 3600,
      env: { AWS_ENDPOINT_URL_SIGNIN: signin.url },
    }),
    (e: Error & { exitCode?: number }) => e.exitCode === 4 && !e.message.includes(creds.secretAccessKey),
  );
  const down = await signinServer(t, () => [503, 'down']);
  await assert.rejects(
    consoleSigninUrl({ credentials: creds, env: { AWS_ENDPOINT_URL_SIGNIN: down.url } }),
    /answered 503/,
  );
  await assert.rejects(
    consoleSigninUrl({ credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' }, env: {} }),
    /temporary credentials/,
  );
});
