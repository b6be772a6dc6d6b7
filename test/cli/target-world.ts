import type { TestContext } from 'node:test';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { type StartOptions, sandboxWorld, signIn, tokenCacheEntry } from '../harness/sandbox.ts';
import { writeFile } from '../harness/temp-home.ts';

// Shared by the credential command tests: a sandbox (optionally minting through moto) and a temp
// HOME already signed in to it as sso-session "dev".

/** A temp HOME signed in to the sandbox as sso-session "dev". */
export async function signedInWorld(t: TestContext, options: StartOptions & { moto?: boolean } = {}) {
  const w = await sandboxWorld(t, options);
  const tokens = await signIn(w.sandbox);
  writeFile(
    w.home.configFile,
    `[sso-session dev]\nsso_start_url = ${w.sandbox.startUrl}\nsso_region = ${w.sandbox.region}\nsso_registration_scopes = sso:account:access\n`,
  );
  writeFile(
    tokenCachePath(w.env, { name: 'dev', startUrl: w.sandbox.startUrl }),
    JSON.stringify(tokenCacheEntry(w.sandbox, tokens)),
  );
  return w;
}
