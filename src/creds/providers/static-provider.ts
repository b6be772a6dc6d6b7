import { ConfigError } from '../../util/errors.ts';
import { registerSecret } from '../../util/redact.ts';
import type { RunPlanDeps } from '../types.ts';
import type { CredentialProvider } from './provider.ts';

/** aws_access_key_id / aws_secret_access_key (/ aws_session_token) of a profile. */
export function staticProvider(profile: string, deps: RunPlanDeps): CredentialProvider {
  return async () => {
    const props = deps.view?.profiles[profile];
    const keyId = props?.aws_access_key_id;
    const secret = props?.aws_secret_access_key;
    const token = props?.aws_session_token;
    if (typeof keyId !== 'string' || !keyId || typeof secret !== 'string' || !secret) {
      throw new ConfigError(
        `profile ${profile} has no static keys (aws_access_key_id and aws_secret_access_key)`,
        {
          hint: `add both keys to [${profile}] in the credentials file, or give the profile another source`,
        },
      );
    }
    registerSecret(secret);
    if (typeof token === 'string') registerSecret(token);
    return {
      accessKeyId: keyId,
      secretAccessKey: secret,
      sessionToken: typeof token === 'string' && token ? token : undefined,
    };
  };
}
