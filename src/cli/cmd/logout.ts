import { loadConfigView } from '../../config/load.ts';
import { pickSession, type SsoSessionRef, sessionFromView } from '../../config/sso-session.ts';
import { clearCachedCredentials } from '../../creds/cache-status.ts';
import { deleteAwsCliSsoCredentials } from '../../sso/cli-credential-cache.ts';
import { createPortalClient } from '../../sso/portal.ts';
import {
  CorruptTokenError,
  deleteToken,
  readToken,
  type SsoToken,
  tokenCachePath,
} from '../../sso/token-cache.ts';
import { NetworkError, UsageError } from '../../util/errors.ts';
import { withLock } from '../../util/lock.ts';
import type { Deps } from '../deps.ts';
import type { CommandRun } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

/** rolehop's cached credentials (every step of every chain) that started from this session. */
function clearSessionCredentials(env: Deps['env'], session: SsoSessionRef): number {
  return clearCachedCredentials(
    env,
    (step) =>
      step.origin.kind === 'sso' &&
      (session.name
        ? step.origin.session === session.name
        : !step.origin.session && step.origin.startUrl === session.startUrl),
  );
}

async function logoutOne(
  session: SsoSessionRef,
  deps: Deps,
  view: ReturnType<typeof loadConfigView>,
): Promise<void> {
  let token: SsoToken | undefined;
  try {
    token = readToken(deps.env, session);
  } catch (error) {
    if (!(error instanceof CorruptTokenError)) throw error;
  }
  if (token && token.expiresAt > deps.now()) {
    try {
      const portal = await createPortalClient(session, token.accessToken, ssoDepsFor(deps, view), {
        maxAttempts: 2,
      });
      try {
        await portal.logout();
      } finally {
        portal.destroy();
      }
    } catch (error) {
      // Signing out locally still matters when the portal cannot be reached or the token is already dead.
      if (error instanceof NetworkError) {
        deps.log.warn(`could not reach the SSO portal (${error.message}); signed out locally only`);
      } else {
        deps.log.debug(`portal logout: ${(error as Error).message}`);
      }
    }
  }
  const file = tokenCachePath(deps.env, session);
  const deleted = await withLock(file, () => deleteToken(deps.env, session), { signal: deps.signal });
  const removed = clearSessionCredentials(deps.env, session);
  const removedByCli = deleteAwsCliSsoCredentials(deps.env);
  const label = session.name ? `sso-session ${session.name}` : session.startUrl;
  const parts = [deleted ? 'token deleted' : 'no token was cached'];
  if (removed > 0) parts.push(`${removed} cached credential file${removed === 1 ? '' : 's'} deleted`);
  if (removedByCli > 0)
    parts.push(`${removedByCli} AWS CLI cached SSO credential file${removedByCli === 1 ? '' : 's'} deleted`);
  deps.stderr.write(`Signed out of ${label} (${parts.join(', ')}).\n`);
}

export const run: CommandRun = async (input, deps) => {
  const all = input.values.all === true;
  const name = input.values['sso-session'] as string | undefined;
  if (all && name) throw new UsageError('use either --sso-session or --all, not both');
  const view = loadConfigView(deps.env);
  const sessions = all
    ? Object.keys(view.ssoSessions).map((n) => sessionFromView(view, n))
    : [pickSession(view, name)];
  if (sessions.length === 0) {
    deps.stderr.write('No sso-sessions are configured; nothing to sign out of.\n');
    return 0;
  }
  for (const session of sessions) await logoutOne(session, deps, view);
  return 0;
};
