// The browser side of sign-in: `/authorize` (authorization code + PKCE) and `/device` (device code),
// each a real page with Allow / Deny, plus the decisions the admin API can also take.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from './context.ts';
import { escapeHtml as h, type Request, redirect, sendText } from './http.ts';
import { GRANT_AUTH_CODE, redirectAllowed } from './oidc.ts';
import { type AuthorizationRequest, randomToken } from './store.ts';

const style = `body{font-family:system-ui,sans-serif;background:#f2f3f3;margin:0;color:#16191f}
main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:8px;padding:2rem;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin-top:0}.app{font-weight:600}.code{font-family:monospace;font-size:1.4rem;letter-spacing:.1em}
button{font-size:1rem;padding:.5rem 1.2rem;border-radius:4px;border:1px solid #545b64;margin-right:.5rem;cursor:pointer}
#allow{background:#ec7211;border-color:#ec7211;color:#fff}.error{color:#d13212}label{display:block;margin:.8rem 0 .3rem}
input,select{font-size:1rem;padding:.4rem}`;

function page(title: string, content: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${h(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"><style>${style}</style></head>
<body><main><h1>${h(title)}</h1>${content}</main></body></html>`;
}

function sendPage(res: ServerResponse, status: number, title: string, content: string) {
  sendText(res, status, page(title, content), 'text/html; charset=utf-8');
}

function userPicker(ctx: SandboxContext): string {
  const users = ctx.store.directory.users;
  if (users.length === 1) {
    const u = users[0]!;
    return `<p>Signing in as <strong id="user">${h(u.displayName)}</strong> (${h(u.email)})</p>
<input type="hidden" name="user" value="${h(u.userName)}">`;
  }
  const options = users
    .map((u) => `<option value="${h(u.userName)}">${h(u.displayName)} (${h(u.email)})</option>`)
    .join('');
  return `<label for="user">Signing in as</label><select id="user" name="user">${options}</select>`;
}

function decisionButtons(): string {
  return `<p><button id="allow" type="submit" name="decision" value="allow">Allow</button>
<button id="deny" type="submit" name="decision" value="deny">Deny</button></p>`;
}

function withParams(uri: string, params: Record<string, string>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

function knownUser(ctx: SandboxContext, userName: string | undefined): string {
  const name = userName || ctx.store.defaultUser();
  if (!ctx.store.directory.users.some((u) => u.userName === name)) throw new Error(`unknown user "${name}"`);
  return name;
}

/** Allow or deny a pending /authorize request; returns where the browser goes next. */
export function decideAuthorization(
  ctx: SandboxContext,
  auth: AuthorizationRequest,
  allow: boolean,
  userName?: string,
): string {
  if (auth.status !== 'pending') throw new Error('this sign-in request was already decided');
  ctx.store.authorizations.delete(auth.id);
  if (!allow) {
    auth.status = 'denied';
    return withParams(auth.redirectUri, {
      error: 'access_denied',
      error_description: 'The user denied the request',
      state: auth.state,
    });
  }
  const user = knownUser(ctx, userName);
  auth.status = 'approved';
  const code = randomToken('ac.', 32);
  ctx.store.authCodes.set(code, {
    clientId: auth.clientId,
    redirectUri: auth.redirectUri,
    codeChallenge: auth.codeChallenge,
    scopes: auth.scopes,
    userName: user,
    expiresAt: ctx.now() + ctx.store.lifetimes.authCodeSeconds * 1000,
    used: false,
  });
  return withParams(auth.redirectUri, { code, state: auth.state });
}

/** Allow or deny a pending device code by its user code. */
export function decideDevice(ctx: SandboxContext, userCode: string, allow: boolean, userName?: string) {
  const device = ctx.store.devices.get(ctx.store.userCodes.get(userCode.toUpperCase()) ?? '');
  if (!device || device.expiresAt <= ctx.now()) throw new Error(`no pending sign-in with code ${userCode}`);
  if (device.status !== 'pending') throw new Error(`the sign-in with code ${userCode} was already decided`);
  device.status = allow ? 'approved' : 'denied';
  if (allow) device.userName = knownUser(ctx, userName);
}

export function handleAuthorizeGet(ctx: SandboxContext, req: Request, res: ServerResponse) {
  const q = req.query;
  const client = ctx.store.clients.get(q.get('client_id') ?? '');
  if (!client || client.expiresAt <= ctx.now()) {
    return sendPage(
      res,
      400,
      'Sign-in failed',
      '<p class="error">Unknown or expired application (client_id).</p>',
    );
  }
  const redirectUri = q.get('redirect_uri') ?? '';
  if (!redirectAllowed(client, redirectUri)) {
    return sendPage(
      res,
      400,
      'Sign-in failed',
      '<p class="error">The redirect_uri is not registered for this application.</p>',
    );
  }
  const state = q.get('state') ?? '';
  const reject = (error: string, description: string) =>
    redirect(res, withParams(redirectUri, { error, error_description: description, state }));
  if (q.get('response_type') !== 'code')
    return reject('unsupported_response_type', 'response_type must be code');
  if (!client.grantTypes.includes(GRANT_AUTH_CODE)) {
    return reject('unauthorized_client', 'client is not registered for authorization_code');
  }
  const challenge = q.get('code_challenge') ?? '';
  if (q.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
    return reject('invalid_request', 'PKCE with code_challenge_method=S256 is required');
  }
  const requested = (q.get('scopes') ?? q.get('scope') ?? '').split(/[\s,]+/).filter(Boolean);
  const badScope = requested.find((s) => !client.scopes.includes(s));
  if (badScope !== undefined) return reject('invalid_scope', `scope ${badScope} was not registered`);
  const auth: AuthorizationRequest = {
    id: randomToken('', 18),
    clientId: client.clientId,
    redirectUri,
    state,
    codeChallenge: challenge,
    scopes: requested.length > 0 ? requested : client.scopes,
    status: 'pending',
    createdAt: ctx.now(),
    expiresAt: ctx.now() + ctx.store.lifetimes.deviceCodeSeconds * 1000,
  };
  if (ctx.autoApprove) return redirect(res, decideAuthorization(ctx, auth, true));
  ctx.store.authorizations.set(auth.id, auth);
  sendPage(
    res,
    200,
    'Allow access?',
    `<form method="post" action="/authorize">
<p><span class="app" id="app">${h(client.clientName)}</span> wants to access your AWS accounts through
<span id="start-url">${h(ctx.store.directory.startUrl)}</span>.</p>
${userPicker(ctx)}
<p>Scopes: <span id="scopes">${h(auth.scopes.join(' ') || '(none)')}</span></p>
<input type="hidden" name="request" value="${h(auth.id)}">
${decisionButtons()}</form>`,
  );
}

export function handleAuthorizePost(ctx: SandboxContext, req: Request, res: ServerResponse) {
  const form = new URLSearchParams(req.body);
  const auth = ctx.store.authorizations.get(form.get('request') ?? '');
  if (!auth || auth.expiresAt <= ctx.now()) {
    return sendPage(
      res,
      400,
      'Sign-in failed',
      '<p class="error">This sign-in request expired or was already used.</p>',
    );
  }
  try {
    redirect(
      res,
      decideAuthorization(ctx, auth, form.get('decision') === 'allow', form.get('user') ?? undefined),
      303,
    );
  } catch (error) {
    sendPage(res, 400, 'Sign-in failed', `<p class="error">${h((error as Error).message)}</p>`);
  }
}

function codeForm(message = ''): string {
  return `${message}<form method="get" action="/device">
<label for="user_code">Enter the code shown in your terminal</label>
<input id="user_code" name="user_code" autocomplete="off" placeholder="ABCD-EFGH">
<button id="continue" type="submit">Next</button></form>`;
}

export function handleDeviceGet(ctx: SandboxContext, req: Request, res: ServerResponse) {
  const userCode = (req.query.get('user_code') ?? '').trim().toUpperCase();
  if (!userCode) return sendPage(res, 200, 'Authorize request', codeForm());
  const device = ctx.store.devices.get(ctx.store.userCodes.get(userCode) ?? '');
  if (!device || device.expiresAt <= ctx.now() || device.status !== 'pending') {
    return sendPage(
      res,
      400,
      'Authorize request',
      codeForm(`<p class="error" id="error">Code ${h(userCode)} is not valid or has expired.</p>`),
    );
  }
  const client = ctx.store.clients.get(device.clientId);
  sendPage(
    res,
    200,
    'Authorize request',
    `<form method="post" action="/device">
<p><span class="app" id="app">${h(client?.clientName ?? 'An application')}</span> is asking to sign in.</p>
<p>Confirm this code matches your terminal: <span class="code" id="code">${h(userCode)}</span></p>
${userPicker(ctx)}
<input type="hidden" name="user_code" value="${h(userCode)}">
${decisionButtons()}</form>`,
  );
}

export function handleDevicePost(ctx: SandboxContext, req: Request, res: ServerResponse) {
  const form = new URLSearchParams(req.body);
  const allow = form.get('decision') === 'allow';
  try {
    decideDevice(ctx, form.get('user_code') ?? '', allow, form.get('user') ?? undefined);
  } catch (error) {
    return sendPage(
      res,
      400,
      'Authorize request',
      codeForm(`<p class="error" id="error">${h((error as Error).message)}</p>`),
    );
  }
  if (allow) {
    sendPage(
      res,
      200,
      'Request approved',
      '<p id="result">You can close this window and return to your terminal.</p>',
    );
  } else {
    sendPage(res, 200, 'Request denied', '<p id="result">The sign-in request was denied.</p>');
  }
}

/** `GET /`: what this sandbox is and what waits for a decision, for a person who opens it. */
export function handleIndex(ctx: SandboxContext, res: ServerResponse) {
  const now = ctx.now();
  const { directory } = ctx.store;
  const devices = [...ctx.store.devices.values()].filter((d) => d.status === 'pending' && d.expiresAt > now);
  const pendingList =
    devices.length === 0
      ? '<p>No sign-in is waiting.</p>'
      : `<ul>${devices
          .map((d) => `<li><a href="/device?user_code=${h(d.userCode)}">${h(d.userCode)}</a></li>`)
          .join('')}</ul>`;
  sendPage(
    res,
    200,
    'rolehop sandbox',
    `<p>A local IAM Identity Center for <span id="start-url">${h(directory.startUrl)}</span>
(${h(directory.region)}): ${directory.accounts.length} accounts, ${directory.users.length} users.</p>
<h2>Waiting device sign-ins</h2>${pendingList}<p><a href="/device">Enter a code</a></p>`,
  );
}
