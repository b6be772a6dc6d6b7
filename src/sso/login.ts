import { setTimeout as sleep } from 'node:timers/promises';
import { homeDir } from '../config/paths.ts';
import { InterruptedError, SignInRequiredError } from '../util/errors.ts';
import { acquireLock, withLock } from '../util/lock.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { type SsoDeps, tell } from './deps.ts';
import { startLoopbackListener } from './loopback.ts';
import { createOidcClient, type OidcClient, OidcError, type TokenResponse } from './oidc.ts';
import { authorizeUrl, codeChallengeS256, createCodeVerifier, createState } from './pkce.ts';
import { type ClientRegistration, readRegistration, writeRegistration } from './registration-cache.ts';
import { DEFAULT_SCOPES, loginCommandFor, type SsoSessionRef, sessionLabel } from './session.ts';
import { parseTokenText, type SsoToken, tokenCachePath, writeToken } from './token-cache.ts';

export type LoginFlow = 'pkce' | 'device';

export interface LoginOptions {
  flow?: LoginFlow;
  /** Print the URL instead of opening a browser. */
  noBrowser?: boolean;
  /** Give up waiting for the browser / device approval after this long (default 5 min). */
  timeoutMs?: number;
  /**
   * When another process signed in while we waited for the login lock, use its token:
   * 'changed' (an explicit `rolehop login`) needs the file to have changed since we started;
   * 'valid' (a command that just needs a token) takes any valid one.
   */
  reuse?: 'changed' | 'valid';
}

export interface LoginResult {
  token: SsoToken;
  /** 'other' when a concurrent rolehop process did the sign-in. */
  by: 'this' | 'other';
}

const PKCE_GRANTS = ['authorization_code', 'refresh_token'];
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** A token with less than this left is not worth reusing from another process's login. */
const REUSE_MIN_MS = 15 * 60_000;

export function loginTimeoutMs(deps: SsoDeps, options: LoginOptions): number {
  if (options.timeoutMs) return options.timeoutMs;
  const fromEnv = Number(deps.env.ROLEHOP_LOGIN_TIMEOUT);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv * 1000 : 300_000;
}

function safeRead(file: string, session: SsoSessionRef, deps: SsoDeps): { text?: string; token?: SsoToken } {
  const data = readPrivateFile(file, homeDir(deps.env));
  if (!data) return {};
  const text = data.toString('utf8');
  try {
    return { text, token: parseTokenText(text, file, session) };
  } catch {
    return { text };
  }
}

/**
 * Signs in to the session and caches the token. Single-flight across processes: one process runs
 * the browser / device flow while the others wait on the login lock and then reuse its token.
 */
export async function login(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: LoginOptions = {},
): Promise<LoginResult> {
  const file = tokenCachePath(deps.env, session);
  const before = safeRead(file, session, deps).text;
  const timeoutMs = loginTimeoutMs(deps, options);
  let waited = false;
  const lock = await acquireLock(`${file}.login`, {
    timeoutMs: timeoutMs + 30_000,
    staleMs: 120_000,
    signal: deps.signal,
    onWait: (owner) => {
      waited = true;
      tell(
        deps,
        `Another rolehop process${owner ? ` (pid ${owner.pid})` : ''} is signing in to ${sessionLabel(session)}; waiting for it to finish (Ctrl-C to stop)…`,
      );
    },
  });
  try {
    const current = safeRead(file, session, deps);
    const reuse = options.reuse ?? 'changed';
    if (
      current.token &&
      current.token.expiresAt - deps.now() > REUSE_MIN_MS &&
      (reuse === 'valid' || current.text !== before)
    ) {
      return { token: current.token, by: 'other' };
    }
    if (waited) {
      // The sign-in we waited for was denied or abandoned: opening one more tab per waiting
      // process would repeat the many-tabs problem, so stop here.
      throw new SignInRequiredError(
        `the sign-in to ${sessionLabel(session)} that another rolehop process started did not complete`,
        { hint: `run ${loginCommandFor(session)} to try again` },
      );
    }
    const token = await runFlow(session, deps, options, timeoutMs);
    await withLock(file, () => writeToken(deps.env, session, token), {
      signal: deps.signal,
      staleMs: 120_000,
    });
    return { token, by: 'this' };
  } finally {
    lock.release();
  }
}

async function runFlow(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: LoginOptions,
  timeoutMs: number,
): Promise<SsoToken> {
  const oidc = await createOidcClient(session, deps);
  try {
    const flow = options.flow ?? 'pkce';
    const { registration, response, save } =
      flow === 'device'
        ? await deviceFlow(session, deps, oidc, options, timeoutMs)
        : await pkceFlow(session, deps, oidc, options, timeoutMs);
    save();
    return tokenFromResponse(session, registration, response, deps.now());
  } catch (error) {
    if (error instanceof OidcError) {
      throw new SignInRequiredError(`sign-in to ${sessionLabel(session)} failed: ${error.message}`, {
        hint: `run ${loginCommandFor(session)} again`,
      });
    }
    throw error;
  } finally {
    oidc.destroy();
  }
}

export function tokenFromResponse(
  session: SsoSessionRef,
  registration: ClientRegistration,
  response: TokenResponse,
  now: number,
): SsoToken {
  return {
    startUrl: session.startUrl,
    region: session.region,
    accessToken: response.accessToken,
    expiresAt: now + response.expiresIn * 1000,
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    registrationExpiresAt: registration.expiresAt,
    ...(response.refreshToken ? { refreshToken: response.refreshToken } : {}),
  };
}

/** A cached registration, or a new one saved only once sign-in succeeds (a denied login writes nothing). */
async function ensureRegistration(
  session: SsoSessionRef,
  deps: SsoDeps,
  oidc: OidcClient,
  grantTypes: string[] | undefined,
): Promise<{ registration: ClientRegistration; save: () => void }> {
  const scopes = session.scopes ?? DEFAULT_SCOPES;
  const cached = readRegistration(deps.env, session, scopes, grantTypes, deps.now());
  if (cached) return { registration: cached, save: () => {} };
  const r = await oidc.register({
    clientName: `rolehop-${session.name ?? 'legacy'}`.slice(0, 64),
    scopes,
    ...(grantTypes
      ? { grantTypes, redirectUris: ['http://127.0.0.1/oauth/callback'], issuerUrl: session.startUrl }
      : {}),
  });
  const registration: ClientRegistration = {
    clientId: r.clientId,
    clientSecret: r.clientSecret,
    expiresAt: r.clientSecretExpiresAt,
    scopes,
    ...(grantTypes ? { grantTypes } : {}),
  };
  return { registration, save: () => writeRegistration(deps.env, session, scopes, registration) };
}

async function showUrl(deps: SsoDeps, url: string, options: LoginOptions): Promise<void> {
  if (options.noBrowser || !deps.openBrowser) {
    tell(deps, `Open this URL in a browser to sign in:\n\n  ${url}\n`);
    return;
  }
  tell(deps, `Opening your browser to sign in. If it does not open, visit:\n\n  ${url}\n`);
  const opened = await deps.openBrowser(url).catch(() => false);
  if (!opened) tell(deps, 'Could not start a browser; open the URL above yourself.');
}

async function pkceFlow(
  session: SsoSessionRef,
  deps: SsoDeps,
  oidc: OidcClient,
  options: LoginOptions,
  timeoutMs: number,
) {
  const { registration, save } = await ensureRegistration(session, deps, oidc, PKCE_GRANTS);
  const verifier = createCodeVerifier();
  const state = createState();
  const listener = await startLoopbackListener({
    state,
    timeoutMs,
    ...(deps.signal ? { signal: deps.signal } : {}),
    retryCommand: loginCommandFor(session),
  });
  let code: string;
  try {
    const url = authorizeUrl({
      oidcEndpoint: oidc.endpoint,
      clientId: registration.clientId,
      redirectUri: listener.redirectUri,
      state,
      codeChallenge: codeChallengeS256(verifier),
      scopes: session.scopes ?? DEFAULT_SCOPES,
    });
    await showUrl(deps, url, options);
    code = await listener.code;
  } finally {
    await listener.close();
  }
  const response = await oidc.createToken({
    grantType: 'authorization_code',
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    code,
    redirectUri: listener.redirectUri,
    codeVerifier: verifier,
  });
  return { registration, response, save };
}

async function deviceFlow(
  session: SsoSessionRef,
  deps: SsoDeps,
  oidc: OidcClient,
  options: LoginOptions,
  timeoutMs: number,
) {
  const { registration, save } = await ensureRegistration(session, deps, oidc, undefined);
  const auth = await oidc.startDeviceAuthorization({
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    startUrl: session.startUrl,
  });
  const poll = () =>
    oidc.createToken({
      grantType: DEVICE_GRANT,
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      deviceCode: auth.deviceCode,
    });
  const deadline = deps.now() + Math.min(timeoutMs, auth.expiresIn * 1000);
  let interval = auth.interval * 1000;
  let shown = false;
  for (;;) {
    try {
      return { registration, response: await poll(), save };
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      if (error.code === 'SlowDown') interval += 5000;
      else if (error.code === 'ExpiredToken') {
        throw new SignInRequiredError('the device code expired before it was approved', {
          hint: `run ${loginCommandFor(session)} again`,
        });
      } else if (error.code === 'AccessDenied') {
        throw new SignInRequiredError('sign-in was denied', {
          hint: `to try again, run: ${loginCommandFor(session)}`,
        });
      } else if (error.code !== 'AuthorizationPending') throw error;
    }
    if (!shown) {
      shown = true;
      tell(deps, `To sign in, open ${auth.verificationUri} and enter the code: ${auth.userCode}`);
      if (auth.verificationUriComplete && !options.noBrowser && deps.openBrowser) {
        const opened = await deps.openBrowser(auth.verificationUriComplete).catch(() => false);
        if (opened) tell(deps, 'A browser was opened at that page; check the code matches, then approve.');
      }
    }
    if (deps.now() + interval > deadline) {
      throw new SignInRequiredError(`timed out waiting for the device code ${auth.userCode} to be approved`, {
        hint: `run ${loginCommandFor(session)} again`,
      });
    }
    try {
      await sleep(interval, undefined, deps.signal ? { signal: deps.signal } : {});
    } catch {
      throw new InterruptedError('sign-in interrupted');
    }
  }
}
