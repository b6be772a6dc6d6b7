import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../harness/cli.ts';
import { startContainerEndpoint, startImds } from '../harness/metadata-servers.ts';
import { type Moto, startMoto } from '../harness/moto.ts';
import { missing, requires } from '../harness/requires.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// credential_source = Ec2InstanceMetadata | EcsContainer, run by the built CLI (the SDK's IMDS provider
// reads its endpoint from the process environment) against local stand-ins for IMDSv2 and the container
// endpoint; the role hop on top goes to moto.

let moto: Moto;
before(async () => {
  if (!missing('moto')) moto = await startMoto();
});
after(() => moto?.stop());

const role = 'arn:aws:iam::123456789012:role/FromCompute';

function profiles(home: ReturnType<typeof tempHome>): void {
  writeFile(
    home.configFile,
    `[profile ec2]\nrole_arn = ${role}\ncredential_source = Ec2InstanceMetadata\nrole_session_name = from-imds\n\n` +
      `[profile ecs]\nrole_arn = ${role}\ncredential_source = EcsContainer\nrole_session_name = from-ecs\n`,
  );
}

async function whoami(profile: string, env: Record<string, string>) {
  const r = await runCli(['whoami', profile, '--json'], { env });
  return { ...r, arn: r.code === 0 ? (JSON.parse(r.stdout).Arn as string) : undefined };
}

test('Ec2InstanceMetadata: IMDSv2 token, role name, credentials, then the role hop', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  profiles(home);
  const imds = await startImds(t, { role: 'web-server-role' });
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: moto.url, AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url };
  delete (env as Record<string, string | undefined>).AWS_EC2_METADATA_DISABLED;
  const r = await whoami('ec2', env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.arn, 'arn:aws:sts::123456789012:assumed-role/FromCompute/from-imds');
  assert.deepEqual(imds.requests, [
    'PUT /latest/api/token',
    'GET /latest/meta-data/iam/security-credentials/',
    'GET /latest/meta-data/iam/security-credentials/web-server-role',
  ]);

  // The hop is cached: a second run asks IMDS nothing.
  const again = await whoami('ec2', env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(imds.requests.length, 3);
});

test('AWS_EC2_METADATA_DISABLED=true refuses Ec2InstanceMetadata before any request', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  profiles(home);
  const imds = await startImds(t);
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_STS: moto.url,
    AWS_EC2_METADATA_SERVICE_ENDPOINT: imds.url,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const r = await whoami('ec2', env);
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /AWS_EC2_METADATA_DISABLED=true turns the instance metadata service off\n {2}hint: /,
  );
  assert.deepEqual(imds.requests, []);
});

test('EcsContainer: the full URI with a token file, and the token variable', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  profiles(home);
  const token = 'container-bearer-token-0123456789';
  const endpoint = await startContainerEndpoint(t, { path: '/v2/credentials/abc', authorization: token });
  const tokenFile = path.join(home.home, 'container-token');
  writeFile(tokenFile, token);
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_STS: moto.url,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/v2/credentials/abc`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
  };
  const viaFile = await whoami('ecs', env);
  assert.equal(viaFile.code, 0, viaFile.stderr);
  assert.equal(viaFile.arn, 'arn:aws:sts::123456789012:assumed-role/FromCompute/from-ecs');
  assert.deepEqual(endpoint.requests, ['GET /v2/credentials/abc']);

  const home2 = tempHome(t);
  profiles(home2);
  const { AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: _, ...rest } = env;
  const viaVariable = await whoami('ecs', {
    ...rest,
    ...home2.env,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
  });
  assert.equal(viaVariable.code, 0, viaVariable.stderr);
  assert.equal(endpoint.requests.length, 2);
});

test('EcsContainer mistakes: no URI, a refused token, an endpoint that is not allowed', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  profiles(home);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: moto.url };
  const none = await whoami('ecs', env);
  assert.equal(none.code, 1);
  assert.match(
    none.stderr,
    /neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set/,
  );

  const endpoint = await startContainerEndpoint(t, { authorization: 'right' });
  const refused = await whoami('ecs', {
    ...env,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${endpoint.url}/creds`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: 'wrong-token-value',
  });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /the container endpoint .* failed: .*403/);
  assert.doesNotMatch(refused.stderr, /wrong-token-value/, 'the token is never printed');

  const notAllowed = await whoami('ecs', {
    ...env,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://example.com/creds',
  });
  assert.equal(notAllowed.code, 1);
  assert.match(
    notAllowed.stderr,
    /the container endpoint http:\/\/example.com\/creds failed: URL not accepted/,
  );
  assert.match(notAllowed.stderr, /\n {2}hint: /);

  const down = await whoami('ecs', {
    ...env,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:9/creds',
  });
  assert.equal(down.code, 5, down.stderr);
});
