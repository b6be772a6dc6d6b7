import type { SsoSessionRef } from '../config/sso-session.ts';

// Messages about a sign-in. Reading `[sso-session]` sections and the start-URL rule live in
// config/sso-session.ts; they are re-exported here for the sso layer's callers.

export {
  DEFAULT_SCOPES,
  parseScopes,
  pickSession,
  type SsoSessionRef,
  sessionFromView,
  validateStartUrl,
} from '../config/sso-session.ts';

/** `rolehop login --sso-session X` for messages. */
export function loginCommandFor(session: Pick<SsoSessionRef, 'name' | 'startUrl'>): string {
  return session.name ? `rolehop login --sso-session ${session.name}` : 'rolehop login';
}

export function sessionLabel(session: Pick<SsoSessionRef, 'name' | 'startUrl'>): string {
  return session.name ? `sso-session "${session.name}"` : `start URL ${session.startUrl}`;
}
