import { RolehopError } from '../../util/errors.ts';
import { registerSecret } from '../../util/redact.ts';
import type { RunPlanDeps, SsoSource } from '../types.ts';
import type { CredentialProvider } from './provider.ts';

/** Role credentials from IAM Identity Center through the sso layer (injected as deps.sso). */
export function ssoProvider(source: SsoSource, deps: RunPlanDeps, profile?: string): CredentialProvider {
  return async () => {
    if (!deps.sso) throw new RolehopError('internal: runPlan needs deps.sso for an sso source');
    const creds = await deps.sso.getRoleCredentials(source, {
      ...(deps.signal ? { signal: deps.signal } : {}),
      ...(profile !== undefined ? { profile } : {}),
    });
    registerSecret(creds.secretAccessKey);
    registerSecret(creds.sessionToken);
    return creds;
  };
}
