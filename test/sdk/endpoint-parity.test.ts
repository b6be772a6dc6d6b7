import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ListAccountsCommand, SSOClient } from '@aws-sdk/client-sso';
import { RegisterClientCommand, SSOOIDCClient } from '@aws-sdk/client-sso-oidc';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { clientSettings } from '../../src/config/endpoints.ts';
import { loadConfigView } from '../../src/config/load.ts';
import { oidcClientConfig } from '../../src/sso/oidc.ts';
import { portalClientConfig } from '../../src/sso/portal.ts';
import { stsClientConfig } from '../../src/sts/assume-role.ts';
import { createLogger } from '../../src/util/log.ts';
import { urlOf } from '../harness/stop-before-network.ts';

// FIPS and dual-stack reach the endpoint the plain SDK reaches: each client rolehop builds and a plain
// SDK client (configured from process.env and the config file, as any SDK user's) send one request,
// which a middleware stops before the network and records. GovCloud and China are in the matrix.

const keys = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' };
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-endpoints-'));
let fileNumber = 0;

/** Runs `body` with process.env set for the plain SDK (a fresh config file: the SDK caches file reads). */
async function withSdkEnv<T>(
  env: Record<string, string>,
  profileText: string,
  body: () => Promise<T>,
): Promise<T> {
  const configFile = path.join(dir, `config-${fileNumber++}`);
  fs.writeFileSync(configFile, `[profile p]\n${profileText}`);
  const saved = { ...process.env };
  for (const k of Object.keys(process.env)) if (k.startsWith('AWS_')) delete process.env[k];
  Object.assign(process.env, env, {
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'none'),
    AWS_PROFILE: 'p',
  });
  try {
    return await body();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

const regions = ['us-east-1', 'eu-west-1', 'us-gov-west-1', 'us-gov-east-1', 'cn-north-1'];
const settings: { name: string; env: Record<string, string>; profile: string }[] = [
  { name: 'nothing set', env: {}, profile: '' },
  { name: 'AWS_USE_FIPS_ENDPOINT', env: { AWS_USE_FIPS_ENDPOINT: 'true' }, profile: '' },
  { name: 'use_fips_endpoint', env: {}, profile: 'use_fips_endpoint = true\n' },
  { name: 'AWS_USE_DUALSTACK_ENDPOINT', env: { AWS_USE_DUALSTACK_ENDPOINT: 'true' }, profile: '' },
  { name: 'use_dualstack_endpoint', env: {}, profile: 'use_dualstack_endpoint = true\n' },
  {
    name: 'both, in the profile',
    env: {},
    profile: 'use_fips_endpoint = true\nuse_dualstack_endpoint = true\n',
  },
  {
    name: 'the variable beats the profile',
    env: { AWS_USE_FIPS_ENDPOINT: 'false' },
    profile: 'use_fips_endpoint = true\n',
  },
];

for (const setting of settings) {
  test(`STS, portal and OIDC endpoints with ${setting.name} match the plain SDK in every partition`, async () => {
    for (const region of regions) {
      const plain = await withSdkEnv(setting.env, setting.profile, async () => ({
        sts: await urlOf(new STSClient({ region, credentials: keys }), new GetCallerIdentityCommand({})),
        sso: await urlOf(new SSOClient({ region }), new ListAccountsCommand({ accessToken: 't' })),
        oidc: await urlOf(
          new SSOOIDCClient({ region }),
          new RegisterClientCommand({ clientName: 'c', clientType: 'public' }),
        ),
      }));
      // rolehop reads the same settings from its own env and view; process.env holds none of them.
      const configFile = path.join(dir, `ours-${fileNumber++}`);
      fs.writeFileSync(configFile, `[profile p]\n${setting.profile}`);
      const env = { ...setting.env, AWS_CONFIG_FILE: configFile, HOME: dir };
      const view = loadConfigView(env);
      const ssoDeps = { env, view, profile: 'p', now: Date.now, log: createLogger({ write() {} }) };
      const session = { startUrl: 'https://x.awsapps.com/start', region };
      const ours = {
        sts: await urlOf(
          new STSClient(stsClientConfig(keys, region, { client: clientSettings('STS', env, view, 'p') })),
          new GetCallerIdentityCommand({}),
        ),
        sso: await urlOf(
          new SSOClient(portalClientConfig(session, ssoDeps)),
          new ListAccountsCommand({ accessToken: 't' }),
        ),
        oidc: await urlOf(
          new SSOOIDCClient(oidcClientConfig(session, ssoDeps)),
          new RegisterClientCommand({ clientName: 'c', clientType: 'public' }),
        ),
      };
      assert.deepEqual(ours, plain, `${region} with ${setting.name}`);
    }
  });
}

test('FIPS reaches sts-fips in the commercial partition; GovCloud STS is FIPS on its regional host', async () => {
  const env = { AWS_USE_FIPS_ENDPOINT: 'true' };
  const reach = (region: string) =>
    urlOf(
      new STSClient(stsClientConfig(keys, region, { client: clientSettings('STS', env) })),
      new GetCallerIdentityCommand({}),
    );
  assert.equal(await reach('us-east-1'), 'https://sts-fips.us-east-1.amazonaws.com/');
  assert.equal(await reach('us-gov-west-1'), 'https://sts.us-gov-west-1.amazonaws.com/');
});
