import { registerSecret } from '../../util/redact.ts';
import type { Credentials, RunPlanDeps, SsoSource } from '../types.ts';
import type { CredentialProvider } from './provider.ts';

/** Role credentials from IAM Identity Center: the token (refreshed or signed in), then the portal. */
export function ssoProvider(source: SsoSource, deps: RunPlanDeps, profile?: string): CredentialProvider {
  return async () => {
    // `profile`: its endpoint_url, [services] and use_fips/dualstack settings reach the portal.
    const creds = deps.sso
      ? await deps.sso.getRoleCredentials(source, {
          ...(deps.signal ? { signal: deps.signal } : {}),
          ...(profile !== undefined ? { profile } : {}),
        })
      : await fromPortal(source, deps, profile);
    registerSecret(creds.secretAccessKey);
    registerSecret(creds.sessionToken);
    return creds;
  };
}

/** Loaded here, as the process provider loads child_process: only an SSO miss needs the portal. */
async function fromPortal(
  source: SsoSource,
  deps: RunPlanDeps,
  profile: string | undefined,
): Promise<Credentials> {
  const { getRoleCredentials } = await import('../../sso/portal.ts');
  const signIn = deps.signIn ?? {};
  const ssoDeps = {
    env: deps.env,
    now: deps.now,
    log: deps.log,
    ...(deps.view ? { view: deps.view } : {}),
    ...(profile !== undefined ? { profile } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(signIn.stderr ? { stderr: signIn.stderr } : {}),
    ...(signIn.openBrowser ? { openBrowser: signIn.openBrowser } : {}),
    ...(deps.whileWaiting ? { whileWaiting: deps.whileWaiting } : {}),
  };
  return getRoleCredentials(source, ssoDeps, signIn.token ?? {});
}
