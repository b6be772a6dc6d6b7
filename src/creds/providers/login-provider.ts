import * as fs from 'node:fs';
import * as path from 'node:path';
import { clientSettings } from '../../config/endpoints.ts';
import { configPaths, loginCacheDir } from '../../config/paths.ts';
import type { Source } from '../../config/plan.ts';
import { ConfigError, NetworkError, SignInRequiredError } from '../../util/errors.ts';
import { withLock } from '../../util/lock.ts';
import { redactText } from '../../util/redact.ts';
import type { RunPlanDeps } from '../types.ts';
import { requireSameFolder } from './process-env-only.ts';
import { type CredentialProvider, fromSdkCredentials } from './provider.ts';

// A login_session profile (`aws login`, AWS CLI 2.32+) through the SDK's own provider
// (@aws-sdk/credential-provider-login): it returns the cached keys while more than 5 minutes are left,
// else refreshes them with the sign-in service (a DPoP-bound refresh token) and rewrites the cache file.
// Refresh tokens rotate, so rolehop processes take the file's lock around it: one refresh at a time.

export function loginProvider(
  source: Extract<Source, { kind: 'login' }>,
  deps: RunPlanDeps,
): CredentialProvider {
  return async () => {
    const { createHash } = await import('node:crypto');
    const file = path.join(
      loginCacheDir(deps.env),
      `${createHash('sha256').update(source.session).digest('hex')}.json`,
    );
    const signIn = `run 'aws login --profile ${source.profile}'`;
    if (!fs.existsSync(file)) {
      throw new SignInRequiredError(
        `profile "${source.profile}" uses login_session, but there is no aws login sign-in for it (${file})`,
        { hint: signIn },
      );
    }
    // The SDK's provider finds (and rewrites) the file from process.env and the home folder itself.
    const { homedir } = await import('node:os');
    requireSameFolder(
      loginCacheDir(deps.env),
      process.env.AWS_LOGIN_CACHE_DIRECTORY ?? path.join(homedir(), '.aws', 'login', 'cache'),
      ['AWS_LOGIN_CACHE_DIRECTORY', 'HOME'],
      `profile "${source.profile}" (login_session)`,
    );
    const sdk = await import('../../sdk/clients.ts');
    const files = configPaths(deps.env);
    return withLock(
      file,
      async () => {
        try {
          const provider = sdk.fromLoginCredentials({
            profile: source.profile,
            configFilepath: files.configFile,
            filepath: files.credentialsFile,
            clientConfig: { ...clientSettings('SIGNIN', deps.env, deps.view, source.profile) },
            logger: {
              debug: () => {},
              info: () => {},
              warn: (m: string) => deps.log.warn(m),
              error: () => {},
            },
          });
          return fromSdkCredentials(await provider());
        } catch (error) {
          const message = redactText(String((error as Error)?.message ?? error)).split('\n')[0] ?? '';
          if (/re-?authenticate|expired/i.test(message)) {
            throw new SignInRequiredError(
              `the aws login sign-in of profile "${source.profile}": ${message}`,
              {
                hint: signIn,
                cause: error,
              },
            );
          }
          if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|TimeoutError/.test(message)) {
            throw new NetworkError(
              `the aws login refresh for profile "${source.profile}" failed: ${message}`,
              {
                hint: 'check the network or AWS_ENDPOINT_URL_SIGNIN, then try again',
                cause: error,
              },
            );
          }
          throw new ConfigError(`the aws login sign-in of profile "${source.profile}" failed: ${message}`, {
            hint: signIn,
            cause: error,
          });
        }
      },
      { timeoutMs: deps.lockTimeoutMs, signal: deps.signal },
    );
  };
}
