import { FileAccessError, NetworkError, SignInRequiredError } from '../util/errors.ts';
import { withLock } from '../util/lock.ts';
import type { SsoDeps } from './deps.ts';
import { type LoginOptions, login } from './login.ts';
import { createOidcClient, OidcError } from './oidc.ts';
import { clearRejectedToken } from './rejected-token.ts';
import { loginCommandFor, type SsoSessionRef, sessionLabel } from './session.ts';
import {
  CorruptTokenError,
  isRefreshable,
  readToken,
  type SsoToken,
  tokenCachePath,
  writeToken,
} from './token-cache.ts';

/** Refresh when less than this is left (as botocore). */
export const REFRESH_WINDOW_MS = 15 * 60_000;
/** A token this close to expiry is not handed out: the call it is for would fail mid-way. */
const MIN_USABLE_MS = 30_000;

export interface AccessToken {
  accessToken: string;
  expiresAt: Date;
}

export interface GetAccessTokenOptions {
  /** Run an interactive sign-in when there is no usable token (single-flight across processes). */
  allowLogin?: boolean;
  login?: Omit<LoginOptions, 'reuse'>;
}

function toAccessToken(token: SsoToken): AccessToken {
  return { accessToken: token.accessToken, expiresAt: new Date(token.expiresAt) };
}

/**
 * The session's access token: the cached one, refreshed single-flight across processes when less
 * than 15 minutes remain; otherwise SignInRequiredError, or a sign-in when `allowLogin`.
 */
export async function getAccessToken(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: GetAccessTokenOptions = {},
): Promise<AccessToken> {
  let token: SsoToken | undefined;
  try {
    token = readToken(deps.env, session);
  } catch (error) {
    if (!(error instanceof CorruptTokenError && options.allowLogin)) throw error;
    deps.log.warn(`${error.message}; signing in again replaces it`);
  }
  if (token && token.expiresAt - deps.now() >= REFRESH_WINDOW_MS) return toAccessToken(token);
  if (token && isRefreshable(token, deps.now())) {
    const refreshed = await refreshSingleFlight(session, deps);
    if (refreshed) return toAccessToken(refreshed);
    token = readToken(deps.env, session);
  }
  if (token && token.expiresAt - deps.now() > MIN_USABLE_MS) return toAccessToken(token);
  if (options.allowLogin) {
    const result = await login(session, deps, { ...options.login, reuse: 'valid' });
    return toAccessToken(result.token);
  }
  throw new SignInRequiredError(
    token
      ? `the SSO sign-in for ${sessionLabel(session)} has expired`
      : `not signed in to ${sessionLabel(session)}`,
    { hint: `run ${loginCommandFor(session)}` },
  );
}

/**
 * A new access token after the portal rejected `rejectedAccessToken` before its cached expiry
 * (Identity Center ends sessions early: the IdP, an admin, a sign-out elsewhere). Refreshes once,
 * single-flight; a token another process already put in its place is used as it is. Undefined when
 * the session cannot be refreshed: a sign-in is needed.
 */
export async function refreshRejectedToken(
  session: SsoSessionRef,
  rejectedAccessToken: string,
  deps: SsoDeps,
): Promise<AccessToken | undefined> {
  const next = await refreshSingleFlight(session, deps, rejectedAccessToken);
  return next && next.accessToken !== rejectedAccessToken ? toAccessToken(next) : undefined;
}

/**
 * One process refreshes; the others wait on the lock and then read its result. Without `rejected`
 * a token with 15 minutes left is kept; with it, only a token other than the rejected one is.
 */
async function refreshSingleFlight(
  session: SsoSessionRef,
  deps: SsoDeps,
  rejected?: string,
): Promise<SsoToken | undefined> {
  const file = tokenCachePath(deps.env, session);
  return withLock(
    file,
    async () => {
      const current = readToken(deps.env, session);
      if (!current) return undefined;
      const left = current.expiresAt - deps.now();
      if (
        rejected === undefined
          ? left >= REFRESH_WINDOW_MS
          : current.accessToken !== rejected && left > MIN_USABLE_MS
      )
        return current;
      if (!isRefreshable(current, deps.now())) return undefined;
      try {
        const next = await refreshToken(session, current, deps);
        saveRefreshedToken(session, next, deps);
        // The portal's rejection was of the old token; status must not report it for the new one.
        clearRejectedToken(deps.env, session);
        deps.log.debug(`refreshed the SSO token for ${sessionLabel(session)}`);
        return next;
      } catch (error) {
        if (error instanceof OidcError) {
          // Revoked or expired refresh token / registration: a sign-in is needed; leave the file alone.
          // (Unless another writer — botocore, which takes no lock — refreshed it meanwhile.)
          deps.log.debug(`SSO token refresh refused: ${error.code}`);
          const latest = readToken(deps.env, session);
          if (
            latest &&
            latest.accessToken !== current.accessToken &&
            latest.expiresAt - deps.now() >= REFRESH_WINDOW_MS
          ) {
            return latest;
          }
          return undefined;
        }
        // A rejected token is no use while it lasts: the network error stands.
        if (rejected === undefined && error instanceof NetworkError && left > MIN_USABLE_MS) {
          deps.log.warn(`could not refresh the SSO token (${error.message}); using it while it lasts`);
          return current;
        }
        throw error;
      }
    },
    // A live holder on this host is recognised by its pid; the long staleMs only guards against a
    // holder whose event loop is blocked (loading the SDK on a loaded machine) losing the lock mid-refresh.
    { signal: deps.signal, timeoutMs: 120_000, staleMs: 120_000 },
  );
}

/**
 * A refreshed token that cannot be saved fails the command: the file keeps the previous token, and
 * the service may already have rotated its refresh token, so the user must hear about it now.
 */
function saveRefreshedToken(session: SsoSessionRef, token: SsoToken, deps: SsoDeps): void {
  try {
    writeToken(deps.env, session, token);
  } catch (error) {
    if (!(error instanceof FileAccessError)) throw error;
    throw new FileAccessError(
      `the SSO token for ${sessionLabel(session)} was refreshed but could not be saved: ${error.message}`,
      {
        hint: `${error.hint ? `${error.hint}; ` : ''}the file still holds the previous token; if its refresh is refused, run ${loginCommandFor(session)}`,
        cause: error,
      },
    );
  }
}

/** CreateToken with the refresh token; keeps the old refresh token when no new one comes back. */
export async function refreshToken(
  session: SsoSessionRef,
  token: SsoToken,
  deps: SsoDeps,
): Promise<SsoToken> {
  const oidc = await createOidcClient(session, deps);
  try {
    const response = await oidc.createToken({
      grantType: 'refresh_token',
      clientId: token.clientId!,
      clientSecret: token.clientSecret!,
      refreshToken: token.refreshToken!,
    });
    return {
      ...token,
      startUrl: session.startUrl,
      region: session.region,
      accessToken: response.accessToken,
      expiresAt: deps.now() + response.expiresIn * 1000,
      refreshToken: response.refreshToken ?? token.refreshToken,
    };
  } finally {
    oidc.destroy();
  }
}
