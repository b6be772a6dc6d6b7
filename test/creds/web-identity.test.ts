import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { fromTokenFile } from '@aws-sdk/credential-provider-web-identity';
import { clientSettings } from '../../src/config/endpoints.ts';
import { loadConfigView } from '../../src/config/load.ts';
import { resolvePlan } from '../../src/config/resolve.ts';
import { runPlan } from '../../src/creds/run-plan.ts';
import { fromRolehop } from '../../src/index.ts';
import { getCallerIdentity } from '../../src/sts/assume-role.ts';
import { runInProcess } from '../harness/cli.ts';
import { type Moto, startMoto } from '../harness/moto.ts';
import { missing, requires } from '../harness/requires.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { baseDeps, countingStsProxy } from './helpers.ts';

// Web identity (CI, EKS) as a Plan source, against moto's AssumeRoleWithWebIdentity (it accepts any token):
// a profile, a chain that starts from one, the environment form, and the same answer as the SDK's provider.

let moto: Moto;
before(async () => {
  if (!missing('moto')) moto = await startMoto();
});
after(() => moto?.stop());

const ciRole = 'arn:aws:iam::123456789012:role/CiRole';
const deployRole = 'arn:aws:iam::123456789012:role/Deploy';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjpyZWYifQ.c2ln';

test('a web identity profile, and a role chained from it, run once and then come from the cache', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const proxy = await countingStsProxy(t, moto.url);
  const tokenFile = path.join(home.home, 'token.jwt');
  writeFile(tokenFile, TOKEN);
  writeFile(
    home.configFile,
    `[profile ci]\nrole_arn = ${ciRole}\nweb_identity_token_file = ${tokenFile}\nrole_session_name = gha-run-7\n\n` +
      `[profile deploy]\nrole_arn = ${deployRole}\nsource_profile = ci\nrole_session_name = deploy\n`,
  );
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: proxy.url };
  const view = loadConfigView(env);
  const sts = { client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: moto.url }) };

  const ci = await runPlan(resolvePlan(view, 'ci', { env }), baseDeps(env, { view }));
  assert.equal(
    (await getCallerIdentity(ci, 'us-east-1', sts)).arn,
    'arn:aws:sts::123456789012:assumed-role/CiRole/gha-run-7',
  );
  const deploy = await runPlan(resolvePlan(view, 'deploy', { env }), baseDeps(env, { view }));
  assert.equal(
    (await getCallerIdentity(deploy, 'us-east-1', sts)).arn,
    'arn:aws:sts::123456789012:assumed-role/Deploy/deploy',
  );
  assert.deepEqual(
    proxy.counts,
    { AssumeRoleWithWebIdentity: 1, AssumeRole: 1 },
    'the web identity step was cached',
  );

  const again = await runPlan(resolvePlan(view, 'deploy', { env }), baseDeps(env, { view }));
  assert.equal(again.accessKeyId, deploy.accessKeyId);
  assert.deepEqual(proxy.counts, { AssumeRoleWithWebIdentity: 1, AssumeRole: 1 }, 'a warm run calls nothing');
});

test('rolehop answers a web identity profile as the SDK provider does (same role, same session)', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const tokenFile = path.join(home.home, 'token.jwt');
  writeFile(tokenFile, TOKEN);
  writeFile(home.configFile, `[profile ci]\nrole_arn = ${ciRole}\nweb_identity_token_file = ${tokenFile}\n`);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: moto.url, USER: 'runner' };
  const view = loadConfigView(env);
  const ours = await runPlan(resolvePlan(view, 'ci', { env }), baseDeps(env, { view }));
  const theirs = await fromTokenFile({
    webIdentityTokenFile: tokenFile,
    roleArn: ciRole,
    roleSessionName: 'rolehop-runner',
    clientConfig: { region: 'us-east-1', endpoint: moto.url },
  })();
  const sts = { client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: moto.url }) };
  assert.equal(
    (await getCallerIdentity(ours, 'us-east-1', sts)).arn,
    (await getCallerIdentity(theirs, 'us-east-1', sts)).arn,
  );
});

test('with nothing named, AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN are the source, and --assume chains from it', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const tokenFile = path.join(home.home, 'token.jwt');
  writeFile(tokenFile, TOKEN);
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_STS: moto.url,
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_ROLE_ARN: ciRole,
    AWS_ROLE_SESSION_NAME: 'gha-run-8',
  };
  const plain = await runInProcess(['whoami', '--json'], env);
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(JSON.parse(plain.stdout).Arn, 'arn:aws:sts::123456789012:assumed-role/CiRole/gha-run-8');
  const chained = await runInProcess(
    ['whoami', '--json', '--assume', deployRole, '--session-name', 'd1'],
    env,
  );
  assert.equal(chained.code, 0, chained.stderr);
  assert.equal(JSON.parse(chained.stdout).Arn, 'arn:aws:sts::123456789012:assumed-role/Deploy/d1');

  // The library takes the same road.
  const library = await fromRolehop({ env, assume: [deployRole], sessionName: 'lib' })();
  const sts = { client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: moto.url }) };
  assert.equal(
    (await getCallerIdentity(library, 'us-east-1', sts)).arn,
    'arn:aws:sts::123456789012:assumed-role/Deploy/lib',
  );
});

test('web identity mistakes are clear errors (exit 1) with the fix', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: moto.url };
  const noArn = await runInProcess(['env'], { ...env, AWS_WEB_IDENTITY_TOKEN_FILE: '/nowhere/token' });
  assert.equal(noArn.code, 1);
  assert.match(
    noArn.stderr,
    /AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not\n {2}hint: export AWS_ROLE_ARN=/,
  );

  const missing = await runInProcess(['env'], {
    ...env,
    AWS_WEB_IDENTITY_TOKEN_FILE: path.join(home.home, 'absent.jwt'),
    AWS_ROLE_ARN: ciRole,
  });
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /cannot read the web identity token file .*absent\.jwt \(ENOENT\)\n {2}hint: /,
  );

  writeFile(home.configFile, `[profile w]\nweb_identity_token_file = /t\n`);
  const partial = await runInProcess(['env', 'w'], env);
  assert.equal(partial.code, 1);
  assert.match(partial.stderr, /profile "w" uses web identity but has no role_arn/);
});

test('a token STS refuses is exit 1 naming the token file and the trust policy, never the token', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const tokenFile = path.join(home.home, 'token.jwt');
  writeFile(tokenFile, TOKEN);
  // STS as it answers an expired or untrusted token.
  const server = http.createServer((_req, res) => {
    res.writeHead(400, { 'content-type': 'text/xml' });
    res.end(
      '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' +
        '<Code>InvalidIdentityToken</Code><Message>Incorrect token audience</Message></Error>' +
        '<RequestId>1</RequestId></ErrorResponse>',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const r = await runInProcess(['env'], {
    ...home.env,
    AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_ROLE_ARN: ciRole,
  });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /the web identity token was refused \(InvalidIdentityToken(Exception)?: Incorrect token audience\)/,
  );
  assert.match(r.stderr, /hint: the token in .*token\.jwt is expired or not trusted by the role/);
  assert.doesNotMatch(r.stderr, new RegExp(TOKEN.slice(0, 20)));
});
