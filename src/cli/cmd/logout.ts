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
import { type CommandInput, type CommandRun, flagOf, textOf } from '../spec.ts';
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

/** What logout acts on, typed: the command line is read once, in parseLogoutInput. */
export interface LogoutInput {
  /** Every configured sso-session (--all), or the one --sso-session names (chosen as pickSession does when absent). */
  sessions: { all: true } | { all: false; name: string | undefined };
}

export function parseLogoutInput(raw: CommandInput): LogoutInput {
  const name = textOf(raw, 'sso-session');
  if (!flagOf(raw, 'all')) return { sessions: { all: false, name } };
  if (name) {
    throw new UsageError('use either --sso-session or --all, not both', {
      hint: 'rolehop logout --sso-session NAME signs out of one; rolehop logout --all of every one',
    });
  }
  return { sessions: { all: true } };
}

/** Signs out: the portal is told when it can be, the token and the credentials it led to are deleted. */
export async function logout(input: LogoutInput, deps: Deps): Promise<number> {
  const view = loadConfigView(deps.env);
  const sessions = input.sessions.all
    ? Object.keys(view.ssoSessions).map((n) => sessionFromView(view, n))
    : [pickSession(view, input.sessions.name)];
  if (sessions.length === 0) {
    deps.stderr.write('No sso-sessions are configured; nothing to sign out of.\n');
    return 0;
  }
  for (const session of sessions) await logoutOne(session, deps, view);
  return 0;
}

export const run: CommandRun = (raw, deps) => logout(parseLogoutInput(raw), deps);
