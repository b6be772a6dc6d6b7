'use strict';
// The cold path's floor: the SDK calls a cold credential-process makes and nothing else. It loads
// dist/sdk.cjs with bin/rolehop.cjs's own loader (V8's code cache of a whole earlier run), reads the
// SSO token from the AWS CLI cache, calls GetRoleCredentials and, for a chain, AssumeRole, and
// prints the keys. No config is read, nothing is checked, locked or cached: what rolehop adds to a
// cold call is the distance from this row (bench/cold-credentials.bench.mjs).
// usage: node sdk-floor.cjs ACCOUNT ROLE [ROLE_ARN]   (endpoints from AWS_ENDPOINT_URL_SSO / _STS)
const fs = require('node:fs');
const path = require('node:path');

const [account, roleName, roleArn] = process.argv.slice(2);
// The launcher's own loader: one buffer for the chunk and its code cache, in the bench home's
// rolehop cache folder (named for no command: the floor's code is its own).
const { loadBundle } = require('../bin/rolehop.cjs');

// The settings rolehop gives the clients (src/sso/portal.ts, src/sts/assume-role.ts,
// config/endpoints.ts): one left out, the SDK reads the shared files for it, as rolehop's calls never do.
const requestHandler = (timeoutMs) => ({
  requestTimeout: timeoutMs,
  connectionTimeout: timeoutMs,
  throwOnRequestTimeout: true,
});
const settings = {
  useFipsEndpoint: false,
  useDualstackEndpoint: false,
  ignoreConfiguredEndpointUrls: true,
  userAgentAppId: '',
  authSchemePreference: [],
  disableClockSkewCorrection: false,
};

function cachedAccessToken() {
  const folder = path.join(process.env.HOME, '.aws', 'sso', 'cache');
  for (const name of fs.readdirSync(folder)) {
    const entry = JSON.parse(fs.readFileSync(path.join(folder, name), 'utf8'));
    if (entry.accessToken) return entry.accessToken;
  }
  throw new Error(`no SSO token in ${folder}`);
}

async function main() {
  const accessToken = cachedAccessToken();
  const sdk = loadBundle('sdk.cjs');
  const sso = new sdk.SSOClient({
    region: 'us-east-1',
    endpoint: process.env.AWS_ENDPOINT_URL_SSO,
    maxAttempts: 1,
    retryMode: 'standard',
    requestHandler: requestHandler(30_000),
    ...settings,
  });
  const { roleCredentials: r } = await sso.send(
    new sdk.GetRoleCredentialsCommand({ accessToken, accountId: account, roleName }),
  );
  let keys = { AccessKeyId: r.accessKeyId, SecretAccessKey: r.secretAccessKey, SessionToken: r.sessionToken };
  if (roleArn) {
    const sts = new sdk.STSClient({
      region: 'us-east-1',
      endpoint: process.env.AWS_ENDPOINT_URL_STS,
      credentials: {
        accessKeyId: r.accessKeyId,
        secretAccessKey: r.secretAccessKey,
        sessionToken: r.sessionToken,
      },
      maxAttempts: 4,
      retryMode: 'standard',
      requestHandler: requestHandler(10_000),
      ...settings,
    });
    const { Credentials: c } = await sts.send(
      new sdk.AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'floor' }),
    );
    keys = { AccessKeyId: c.AccessKeyId, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken };
  }
  process.stdout.write(`${JSON.stringify({ Version: 1, ...keys })}\n`);
}

main().catch((error) => {
  process.stderr.write(`sdk-floor: ${error.stack}\n`);
  process.exit(1);
});
