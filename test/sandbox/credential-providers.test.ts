import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { requires } from '../harness/requires.ts';
import {
  createMotoRole,
  type SandboxWorld,
  sandboxWorld,
  signIn,
  tokenCacheEntry,
} from '../harness/sandbox.ts';
import { writeFile } from '../harness/temp-home.ts';
import { runPythonChecks } from './python.ts';

const sha1 = (text: string) => createHash('sha1').update(text).digest('hex');

/** Config with sso profiles and a chained role, and token caches for two sso-sessions. */
async function writeAwsFiles(
  world: SandboxWorld,
): Promise<{ refreshingCache: string; jsRefreshingCache: string }> {
  const { sandbox, home } = world;
  const main = await signIn(sandbox);
  const second = await signIn(sandbox);
  const third = await signIn(sandbox);
  const session = (name: string) =>
    `[sso-session ${name}]\nsso_start_url = ${sandbox.startUrl}\nsso_region = ${sandbox.region}\nsso_registration_scopes = sso:account:access\n`;
  writeFile(
    home.configFile,
    [
      session('sb'),
      session('sbr'),
      session('sbjs'),
      '[profile dev]\nsso_session = sb\nsso_account_id = 333333333333\nsso_role_name = PowerUserAccess\nregion = us-east-1\n',
      '[profile readonly]\nsso_session = sb\nsso_account_id = 333333333333\nsso_role_name = ReadOnlyAccess\nregion = us-east-1\n',
      '[profile chained]\nrole_arn = arn:aws:iam::222222222222:role/deploy\nsource_profile = dev\nrole_session_name = chain\nregion = us-east-1\n',
      '[profile refreshing]\nsso_session = sbr\nsso_account_id = 111111111111\nsso_role_name = ReadOnlyAccess\nregion = us-east-1\n',
      '[profile jsrefresh]\nsso_session = sbjs\nsso_account_id = 222222222222\nsso_role_name = ReadOnlyAccess\nregion = us-east-1\n',
      '[profile bogus]\naws_access_key_id = AKIAIOSFODNN7BOGUS00\naws_secret_access_key = nope\nregion = us-east-1\n',
      '[default]\ncli_follow_urlparam = false\nregion = us-east-1\n',
    ].join('\n'),
  );
  const cacheDir = path.join(home.awsDir, 'sso', 'cache');
  writeFile(path.join(cacheDir, `${sha1('sb')}.json`), JSON.stringify(tokenCacheEntry(sandbox, main)));
  // Five minutes left: inside botocore's mandatory refresh window (10 min).
  const refreshingCache = path.join(cacheDir, `${sha1('sbr')}.json`);
  writeFile(refreshingCache, JSON.stringify(tokenCacheEntry(sandbox, { ...second, expiresIn: 300 })));
  // Four minutes left: inside the JS SDK's five-minute refresh window.
  const jsRefreshingCache = path.join(cacheDir, `${sha1('sbjs')}.json`);
  writeFile(jsRefreshingCache, JSON.stringify(tokenCacheEntry(sandbox, { ...third, expiresIn: 240 })));
  return { refreshingCache, jsRefreshingCache };
}

/** The JS SDK reads process.env at call time; point it at this world for the test. */
function useEnv(t: TestContext, env: Record<string, string>) {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
  Object.assign(process.env, env);
  t.after(() => {
    for (const key of Object.keys(process.env)) delete process.env[key];
    Object.assign(process.env, saved);
  });
}

async function jsIdentity(profile: string, env: Record<string, string>) {
  const { fromIni } = await import('@aws-sdk/credential-providers');
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const credentials = fromIni({ profile, ignoreCache: true });
  const client = new STSClient({ region: 'us-east-1', credentials, endpoint: env.AWS_ENDPOINT_URL_STS });
  try {
    return await client.send(new GetCallerIdentityCommand({}));
  } finally {
    client.destroy();
  }
}

test('botocore, awscli v1 and the JS SDK get credentials from the sandbox alone (its own STS)', async (t) => {
  if (!requires(t, 'boto3', 'awscli')) return;
  const world = await sandboxWorld(t);
  const { refreshingCache, jsRefreshingCache } = await writeAwsFiles(world);
  const before = JSON.parse(readFileSync(refreshingCache, 'utf8'));
  await runPythonChecks('providers.py', world.sandbox, world.env, 5);
  const after = JSON.parse(readFileSync(refreshingCache, 'utf8'));
  assert.notEqual(after.accessToken, before.accessToken, 'botocore wrote the refreshed token back');
  assert.notEqual(after.refreshToken, before.refreshToken, 'and the rotated refresh token');

  useEnv(t, world.env);
  const { fromSSO } = await import('@aws-sdk/credential-providers');
  const creds = await fromSSO({ profile: 'dev' })();
  assert.match(creds.accessKeyId, /^ASIA/);
  assert.ok(creds.expiration && creds.expiration.getTime() > Date.now());
  const chained = await jsIdentity('chained', world.env);
  assert.equal(chained.Arn, 'arn:aws:sts::222222222222:assumed-role/deploy/chain');
  const jsBefore = JSON.parse(readFileSync(jsRefreshingCache, 'utf8'));
  const jsCreds = await fromSSO({ profile: 'jsrefresh' })();
  assert.match(jsCreds.accessKeyId, /^ASIA/);
  const jsAfter = JSON.parse(readFileSync(jsRefreshingCache, 'utf8'));
  assert.notEqual(
    jsAfter.accessToken,
    jsBefore.accessToken,
    'the JS SDK refreshed the token and wrote it back',
  );
  const counts = await world.sandbox.admin.counts();
  assert.ok((counts.GetRoleCredentials ?? 0) >= 3, JSON.stringify(counts));
  assert.ok((counts.AssumeRole ?? 0) >= 2, JSON.stringify(counts));
});

test('with --sts moto (authorization on) the same profiles work, and moto enforces the permission sets', async (t) => {
  if (!requires(t, 'moto', 'awscli')) return;
  const world = await sandboxWorld(t, {
    moto: true,
    beforeAuth: async (moto) => {
      await createMotoRole(moto.url, '222222222222', 'deploy', {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'sts:GetCallerIdentity', Resource: '*' }],
      });
    },
  });
  assert.equal(world.env.AWS_ENDPOINT_URL_STS, world.moto!.url);
  await writeAwsFiles(world);
  await runPythonChecks(
    'providers.py',
    world.sandbox,
    { ...world.env, AWS_ENDPOINT_URL_S3: world.moto!.url, MOTO: '1' },
    9,
  );

  useEnv(t, world.env);
  const chained = await jsIdentity('chained', world.env);
  assert.equal(chained.Arn, 'arn:aws:sts::222222222222:assumed-role/deploy/chain');
  const counts = await world.sandbox.admin.counts();
  assert.equal(counts.AssumeRole, undefined, "the sandbox's own STS was not used");
});
