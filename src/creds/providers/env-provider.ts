import { ConfigError } from '../../util/errors.ts';
import { registerSecret } from '../../util/redact.ts';
import type { RunPlanDeps } from '../types.ts';
import type { CredentialProvider } from './provider.ts';

/** AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_CREDENTIAL_EXPIRATION (like the SDKs). */
export function envProvider(deps: RunPlanDeps, what: string): CredentialProvider {
  return async () => {
    const env = deps.env;
    const keyId = env.AWS_ACCESS_KEY_ID;
    const secret = env.AWS_SECRET_ACCESS_KEY;
    if (!keyId || !secret) {
      throw new ConfigError(
        `${what} was chosen as the source, but AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set`,
        {
          hint: 'export both variables (and AWS_SESSION_TOKEN for temporary keys), or use another source',
        },
      );
    }
    const token = env.AWS_SESSION_TOKEN || env.AWS_SECURITY_TOKEN || undefined;
    registerSecret(secret);
    registerSecret(token);
    const expiry = env.AWS_CREDENTIAL_EXPIRATION ? new Date(env.AWS_CREDENTIAL_EXPIRATION) : undefined;
    return {
      accessKeyId: keyId,
      secretAccessKey: secret,
      sessionToken: token,
      expiration: expiry && !Number.isNaN(expiry.getTime()) ? expiry : undefined,
    };
  };
}
