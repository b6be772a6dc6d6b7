// Console federation: `/federation?Action=getSigninToken` turns role credentials into a sign-in
// token, `Action=login` spends it and redirects to the Destination.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from './context.ts';
import { escapeHtml, type Request, redirect, sendJson, sendText } from './http.ts';
import { randomToken, safeEqual } from './store.ts';

const SIGNIN_TOKEN_SECONDS = 15 * 60;

function badRequest(res: ServerResponse, message: string) {
  sendText(res, 400, message);
}

function getSigninToken(ctx: SandboxContext, q: URLSearchParams, res: ServerResponse) {
  let session: Record<string, unknown>;
  try {
    session = JSON.parse(q.get('Session') ?? '');
  } catch {
    return badRequest(res, 'Session must be URL-encoded JSON with sessionId, sessionKey and sessionToken');
  }
  const { sessionId, sessionKey, sessionToken } = session as Record<string, string>;
  if (typeof sessionId !== 'string' || typeof sessionKey !== 'string' || typeof sessionToken !== 'string') {
    return badRequest(res, 'Session must have sessionId, sessionKey and sessionToken');
  }
  const creds = ctx.store.credentials.get(sessionId);
  const knownAndValid =
    creds !== undefined &&
    safeEqual(creds.secretAccessKey, sessionKey) &&
    safeEqual(creds.sessionToken, sessionToken) &&
    creds.expiresAt > ctx.now();
  // Credentials chained through an upstream STS are not known here; only then is trust extended.
  if (!knownAndValid && !(creds === undefined && ctx.upstream)) {
    return badRequest(res, 'The credentials in Session are invalid or expired');
  }
  const rawDuration = q.get('SessionDuration');
  if (rawDuration !== null) {
    const seconds = Number(rawDuration);
    if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) {
      return badRequest(res, 'SessionDuration must be between 900 and 43200 seconds');
    }
    if (creds?.chained) {
      return badRequest(res, 'SessionDuration is not allowed for credentials obtained by role chaining');
    }
  }
  const token = randomToken('st.', 48);
  ctx.store.signinTokens.set(token, {
    accessKeyId: sessionId,
    expiresAt: ctx.now() + SIGNIN_TOKEN_SECONDS * 1000,
  });
  sendJson(res, 200, { SigninToken: token });
}

function login(ctx: SandboxContext, q: URLSearchParams, res: ServerResponse) {
  const token = q.get('SigninToken') ?? '';
  const stored = ctx.store.signinTokens.get(token);
  if (!stored || stored.expiresAt <= ctx.now()) {
    return badRequest(
      res,
      'SigninToken is missing, invalid or expired; request a new one with getSigninToken',
    );
  }
  const destination = q.get('Destination') ?? '';
  let target: URL;
  try {
    target = new URL(destination);
    if (target.protocol !== 'https:' && target.protocol !== 'http:') throw new Error('scheme');
  } catch {
    return badRequest(res, 'Destination must be an http(s) URL');
  }
  ctx.store.signinTokens.delete(token);
  // Like the real console, the sign-in lives in a cookie of the browser profile: two identities in
  // one profile replace each other, in two profiles they stay side by side (console --isolate).
  const identity = ctx.store.credentials.get(stored.accessKeyId)?.arn ?? stored.accessKeyId;
  res.setHeader(
    'set-cookie',
    `${CONSOLE_COOKIE}=${encodeURIComponent(identity)}; Path=/; Max-Age=3600; HttpOnly; SameSite=Lax`,
  );
  redirect(res, target.toString());
}

const CONSOLE_COOKIE = 'sandbox-console-identity';

function signedInAs(req: Request): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CONSOLE_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/** A stand-in console page, handy as a Destination in tests and demos. */
export function consolePage(ctx: SandboxContext, req: Request, res: ServerResponse) {
  const identity = signedInAs(req);
  sendText(
    res,
    200,
    `<!doctype html><html><head><meta charset="utf-8"><title>AWS Management Console (sandbox)</title></head>` +
      `<body><h1>AWS Management Console</h1><p>Sandbox for ${escapeHtml(ctx.store.directory.startUrl)}</p>` +
      `<p id="identity">${identity ? `Signed in as ${escapeHtml(identity)}` : 'Not signed in'}</p></body></html>`,
    'text/html; charset=utf-8',
  );
}

export function handleFederation(ctx: SandboxContext, action: string, req: Request, res: ServerResponse) {
  if (action === 'getSigninToken') return getSigninToken(ctx, req.query, res);
  if (action === 'login') return login(ctx, req.query, res);
  badRequest(res, `Unknown Action "${action}"; use getSigninToken or login`);
}
