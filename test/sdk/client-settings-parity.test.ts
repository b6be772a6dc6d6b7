import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { STSClient } from '@aws-sdk/client-sts';
import { clientSettings } from '../../src/config/endpoints.ts';
import { loadConfigView } from '../../src/config/load.ts';
import { stsClientConfig } from '../../src/sts/assume-role.ts';
import { repoRoot, runProcess } from '../harness/cli.ts';
import { tempHome } from '../harness/temp-home.ts';

// rolehop passes each SDK client the settings it would otherwise read from process.env and the config
// file on its own (config/endpoints.ts clientSettings). Differential: a plain STS client, configured
// from the env and the file as any SDK user's, resolves the same values. One child per case: the SDK
// keeps the clock-skew default in a module-level memo.

const cases: { name: string; env: Record<string, string>; profile: string }[] = [
  { name: 'nothing set', env: {}, profile: '' },
  { name: 'sdk_ua_app_id', env: {}, profile: 'sdk_ua_app_id = team-a\n' },
  { name: 'sdk-ua-app-id (the older key)', env: {}, profile: 'sdk-ua-app-id = legacy\n' },
  {
    name: 'AWS_SDK_UA_APP_ID over the profile',
    env: { AWS_SDK_UA_APP_ID: 'from-env' },
    profile: 'sdk_ua_app_id = team-a\n',
  },
  { name: 'auth_scheme_preference', env: {}, profile: 'auth_scheme_preference = sigv4a, sigv4\n' },
  {
    name: 'an empty AWS_AUTH_SCHEME_PREFERENCE over the profile',
    env: { AWS_AUTH_SCHEME_PREFERENCE: '' },
    profile: 'auth_scheme_preference = sigv4a\n',
  },
  {
    name: 'sigv4a_signing_region_set',
    env: {},
    profile: 'sigv4a_signing_region_set = us-east-1, us-west-2\n',
  },
  {
    name: 'AWS_SIGV4A_SIGNING_REGION_SET over the profile',
    env: { AWS_SIGV4A_SIGNING_REGION_SET: '*' },
    profile: 'sigv4a_signing_region_set = us-east-1\n',
  },
  { name: 'disable_clock_skew_correction', env: {}, profile: 'disable_clock_skew_correction = true\n' },
  {
    name: 'AWS_DISABLE_CLOCK_SKEW_CORRECTION over the profile',
    env: { AWS_DISABLE_CLOCK_SKEW_CORRECTION: 'false' },
    profile: 'disable_clock_skew_correction = true\n',
  },
];

const keys = { accessKeyId: 'AKID', secretAccessKey: 's' };

/** What a plain STS client resolves for profile p: each setting's provider, called. */
const PLAIN_CLIENT = `import { STSClient } from '@aws-sdk/client-sts';
const { config } = new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKID', secretAccessKey: 's' } });
const read = async (provider) => { try { return await provider(); } catch { return undefined; } };
console.log(JSON.stringify({
  userAgentAppId: await read(config.userAgentAppId),
  authSchemePreference: await read(config.authSchemePreference),
  sigv4aSigningRegionSet: await read(config.sigv4aSigningRegionSet),
  disableClockSkewCorrection: await read(config.disableClockSkewCorrection),
}));`;

for (const c of cases) {
  test(`client settings with ${c.name} match what a plain SDK client reads`, async (t) => {
    const { env } = tempHome(t);
    const configFile = path.join(env.HOME!, 'config');
    fs.writeFileSync(configFile, `[profile p]\n${c.profile}`);
    const sdkEnv: Record<string, string | undefined> = {
      PATH: process.env.PATH,
      HOME: env.HOME,
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: path.join(env.HOME!, 'none'),
      AWS_PROFILE: 'p',
      ...c.env,
    };
    const plain = await runProcess(process.execPath, ['--input-type=module', '-e', PLAIN_CLIENT], {
      env: sdkEnv,
      cwd: repoRoot,
    });
    assert.equal(plain.code, 0, plain.stderr);
    const sdk = JSON.parse(plain.stdout);
    const ourEnv = {
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: sdkEnv.AWS_SHARED_CREDENTIALS_FILE!,
      ...c.env,
    };
    const view = loadConfigView(ourEnv);
    const ours = clientSettings('STS', ourEnv, view, 'p');
    // No app id is undefined to the SDK and empty to us (undefined would make it look again).
    assert.equal(ours.userAgentAppId, sdk.userAgentAppId ?? '');
    assert.deepEqual(ours.authSchemePreference, sdk.authSchemePreference);
    assert.deepEqual(ours.sigv4aSigningRegionSet, sdk.sigv4aSigningRegionSet);
    assert.equal(ours.disableClockSkewCorrection, sdk.disableClockSkewCorrection);
    // And the client rolehop builds holds them under the names the SDK reads (a misspelt one would
    // make it read the files itself).
    const { config } = new STSClient(stsClientConfig(keys, 'us-east-1', { client: ours }));
    const holds = async (provider: unknown) =>
      typeof provider === 'function' ? await (provider as () => Promise<unknown>)() : provider;
    assert.equal((await holds(config.userAgentAppId)) ?? '', sdk.userAgentAppId ?? '');
    assert.deepEqual(await holds(config.authSchemePreference), sdk.authSchemePreference);
    assert.deepEqual(await holds(config.sigv4aSigningRegionSet), sdk.sigv4aSigningRegionSet);
    assert.equal(await holds(config.disableClockSkewCorrection), sdk.disableClockSkewCorrection);
  });
}
