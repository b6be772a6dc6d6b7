// SSO OIDC (rest-json): RegisterClient, StartDeviceAuthorization, CreateToken with the device-code,
// authorization-code (PKCE S256) and refresh-token grants, and the errors botocore models.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from './context.ts';
import { jsonBody, type Request, sendAwsError, sendJson } from './http.ts';
import {
  type AccessToken,
  type ClientRegistration,
  randomToken,
  randomUserCode,
  safeEqual,
  sha256Base64Url,
} from './store.ts';

export const GRANT_DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
export const GRANT_AUTH_CODE = 'authorization_code';
export const GRANT_REFRESH = 'refresh_token';
const KNOWN_GRANTS = [GRANT_DEVICE, GRANT_AUTH_CODE, GRANT_REFRESH];

const oidcStatus: Record<string, number> = { InvalidClientException: 401, InternalServerException: 500 };

const oauthCode: Record<string, string> = {
  AuthorizationPendingException: 'authorization_pending',
  SlowDownException: 'slow_down',
  ExpiredTokenException: 'expired_token',
  AccessDeniedException: 'access_denied',
  InvalidGrantException: 'invalid_grant',
  InvalidClientException: 'invalid_client',
  UnauthorizedClientException: 'unauthorized_client',
  UnsupportedGrantTypeException: 'unsupported_grant_type',
  InvalidScopeException: 'invalid_scope',
  InvalidRequestException: 'invalid_request',
  InternalServerException: 'server_error',
  InvalidClientMetadataException: 'invalid_client_metadata',
  InvalidRedirectUriException: 'invalid_redirect_uri',
};

export function oidcError(res: ServerResponse, type: string, description: string, status?: number) {
  sendAwsError(res, status ?? oidcStatus[type] ?? 400, type, {
    error: oauthCode[type] ?? type,
    error_description: description,
  });
}

class OidcFailure extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

const fail = (type: string, message: string): never => {
  throw new OidcFailure(type, message);
};

function str(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = body[key];
  if (v === undefined || v === null || v === '') {
    if (required) fail('InvalidRequestException', `${key} is required`);
    return undefined;
  }
  if (typeof v !== 'string') fail('InvalidRequestException', `${key} must be a string`);
  return v as string;
}

function strList(body: Record<string, unknown>, key: string): string[] {
  const v = body[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    fail('InvalidRequestException', `${key} must be a list of strings`);
  }
  return v as string[];
}

const SCOPE = /^(openid|aws|[a-z][a-z0-9-]*:[a-z0-9_*-]+(:[a-z0-9_*-]+)*)$/i;

export function isLoopbackRedirect(uri: string): boolean {
  try {
    const u = new URL(uri);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);
  } catch {
    return false;
  }
}

/** The registered redirect URI (which has no port) matches one with the listener's port. */
export function redirectAllowed(client: ClientRegistration, uri: string): boolean {
  if (!isLoopbackRedirect(uri)) return false;
  const u = new URL(uri);
  return client.redirectUris.some((r) => {
    const reg = new URL(r);
    return (
      reg.hostname === u.hostname && reg.pathname === u.pathname && (reg.port === '' || reg.port === u.port)
    );
  });
}

export function normaliseStartUrl(url: string): string {
  return url.replace(/#.*$/, '').replace(/\/+$/, '');
}

function authenticateClient(ctx: SandboxContext, body: Record<string, unknown>): ClientRegistration {
  const clientId = str(body, 'clientId', true)!;
  const clientSecret = str(body, 'clientSecret', true)!;
  const client = ctx.store.clients.get(clientId);
  if (!client || !safeEqual(client.clientSecret, clientSecret)) {
    return fail('InvalidClientException', 'Invalid client credentials');
  }
  if (client.expiresAt <= ctx.now()) {
    return fail('InvalidClientException', 'Client registration has expired; register the client again');
  }
  return client;
}

function allowsGrant(client: ClientRegistration, grant: string): boolean {
  // Clients registered without grant types (the legacy device flow) may use device code and refresh.
  if (client.grantTypes.length === 0) return grant !== GRANT_AUTH_CODE;
  return client.grantTypes.includes(grant);
}

function registerClient(ctx: SandboxContext, body: Record<string, unknown>) {
  const clientName = str(body, 'clientName', true)!;
  const clientType = str(body, 'clientType', true)!;
  if (clientType !== 'public') fail('InvalidClientMetadataException', 'clientType must be "public"');
  const scopes = strList(body, 'scopes');
  const bad = scopes.find((s) => !SCOPE.test(s));
  if (bad !== undefined) fail('InvalidScopeException', `Invalid scope: ${bad}`);
  const grantTypes = strList(body, 'grantTypes');
  const badGrant = grantTypes.find((g) => !KNOWN_GRANTS.includes(g));
  if (badGrant !== undefined) fail('UnsupportedGrantTypeException', `Unsupported grant type: ${badGrant}`);
  const redirectUris = strList(body, 'redirectUris');
  const badUri = redirectUris.find((u) => !isLoopbackRedirect(u));
  if (badUri !== undefined) {
    fail(
      'InvalidRedirectUriException',
      `Redirect URI must be an http URL on 127.0.0.1 or localhost: ${badUri}`,
    );
  }
  if (grantTypes.includes(GRANT_AUTH_CODE) && redirectUris.length === 0) {
    fail('InvalidRedirectUriException', 'authorization_code clients need at least one redirect URI');
  }
  const issuerUrl = str(body, 'issuerUrl', false);
  if (issuerUrl !== undefined && !/^https:\/\//.test(issuerUrl)) {
    fail('InvalidRequestException', 'issuerUrl must be an https URL');
  }
  const now = ctx.now();
  const client: ClientRegistration = {
    clientId: randomToken('', 16),
    clientSecret: randomToken('cs.', 48),
    clientName,
    scopes,
    grantTypes,
    redirectUris,
    issuedAt: now,
    expiresAt: now + ctx.store.lifetimes.clientRegistrationSeconds * 1000,
  };
  ctx.store.clients.set(client.clientId, client);
  return {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    clientIdIssuedAt: Math.floor(now / 1000),
    clientSecretExpiresAt: Math.floor(client.expiresAt / 1000),
  };
}

function startDeviceAuthorization(ctx: SandboxContext, body: Record<string, unknown>) {
  const client = authenticateClient(ctx, body);
  const startUrl = str(body, 'startUrl', true)!;
  if (normaliseStartUrl(startUrl) !== normaliseStartUrl(ctx.store.directory.startUrl)) {
    fail(
      'InvalidRequestException',
      `Unknown start URL ${startUrl}; this sandbox serves ${ctx.store.directory.startUrl}`,
    );
  }
  if (!allowsGrant(client, GRANT_DEVICE)) {
    fail('UnauthorizedClientException', 'This client is not registered for the device code grant');
  }
  const { lifetimes } = ctx.store;
  let userCode = randomUserCode();
  while (ctx.store.userCodes.has(userCode)) userCode = randomUserCode();
  const deviceCode = randomToken('dc.', 32);
  ctx.store.devices.set(deviceCode, {
    deviceCode,
    userCode,
    clientId: client.clientId,
    startUrl,
    status: ctx.autoApprove ? 'approved' : 'pending',
    ...(ctx.autoApprove ? { userName: ctx.store.defaultUser() } : {}),
    expiresAt: ctx.now() + lifetimes.deviceCodeSeconds * 1000,
    intervalSeconds: lifetimes.deviceIntervalSeconds,
  });
  ctx.store.userCodes.set(userCode, deviceCode);
  return {
    deviceCode,
    userCode,
    verificationUri: `${ctx.url}/device`,
    verificationUriComplete: `${ctx.url}/device?user_code=${userCode}`,
    expiresIn: lifetimes.deviceCodeSeconds,
    interval: lifetimes.deviceIntervalSeconds,
  };
}

function issueTokens(
  ctx: SandboxContext,
  client: ClientRegistration,
  userName: string,
  scopes: string[],
  sessionId: string,
) {
  const now = ctx.now();
  const { lifetimes } = ctx.store;
  const accessToken = randomToken('aoa', 48);
  const token: AccessToken = {
    userName,
    clientId: client.clientId,
    scopes,
    expiresAt: now + lifetimes.accessTokenSeconds * 1000,
    revoked: false,
    sessionId,
  };
  ctx.store.accessTokens.set(accessToken, token);
  const out: Record<string, unknown> = {
    accessToken,
    tokenType: 'Bearer',
    expiresIn: lifetimes.accessTokenSeconds,
  };
  // Like Identity Center: a refresh token only for clients that asked for scopes.
  if (client.scopes.length > 0) {
    const refreshToken = randomToken('aor', 48);
    ctx.store.refreshTokens.set(refreshToken, {
      userName,
      clientId: client.clientId,
      scopes,
      expiresAt: now + lifetimes.refreshTokenSeconds * 1000,
      spent: false,
      sessionId,
    });
    out.refreshToken = refreshToken;
  }
  return out;
}

function requestedScopes(client: ClientRegistration, body: Record<string, unknown>): string[] {
  const scopes = strList(body, 'scope');
  if (scopes.length === 0) return client.scopes;
  const bad = scopes.find((s) => !client.scopes.includes(s));
  if (bad !== undefined) fail('InvalidScopeException', `Scope ${bad} was not registered for this client`);
  return scopes;
}

function createToken(ctx: SandboxContext, body: Record<string, unknown>) {
  const client = authenticateClient(ctx, body);
  const grantType = str(body, 'grantType', true)!;
  if (!KNOWN_GRANTS.includes(grantType))
    fail('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`);
  if (!allowsGrant(client, grantType)) {
    fail('UnauthorizedClientException', `This client is not registered for the ${grantType} grant`);
  }
  const now = ctx.now();
  if (grantType === GRANT_DEVICE) {
    const deviceCode = str(body, 'deviceCode', true)!;
    const device = ctx.store.devices.get(deviceCode);
    if (!device || device.clientId !== client.clientId)
      return fail('InvalidGrantException', 'Invalid device code');
    if (device.status === 'used') return fail('InvalidGrantException', 'Device code was already used');
    if (device.expiresAt <= now) return fail('ExpiredTokenException', 'Device code has expired');
    if (device.status === 'denied')
      return fail('AccessDeniedException', 'The user denied the sign-in request');
    if (device.status === 'pending') {
      const last = device.lastPollAt;
      device.lastPollAt = now;
      // A little slack for timer jitter.
      if (last !== undefined && now - last < device.intervalSeconds * 1000 - 50) {
        return fail('SlowDownException', `Polling too fast: wait ${device.intervalSeconds} s between calls`);
      }
      return fail('AuthorizationPendingException', 'Authorization is still pending');
    }
    device.status = 'used';
    ctx.store.userCodes.delete(device.userCode);
    return issueTokens(ctx, client, device.userName!, requestedScopes(client, body), randomToken('', 12));
  }
  if (grantType === GRANT_AUTH_CODE) {
    const code = str(body, 'code', true)!;
    const redirectUri = str(body, 'redirectUri', true)!;
    const verifier = str(body, 'codeVerifier', true)!;
    const grant = ctx.store.authCodes.get(code);
    if (!grant || grant.clientId !== client.clientId)
      return fail('InvalidGrantException', 'Invalid authorization code');
    if (grant.used) return fail('InvalidGrantException', 'Authorization code was already used');
    grant.used = true;
    if (grant.expiresAt <= now) return fail('InvalidGrantException', 'Authorization code has expired');
    if (grant.redirectUri !== redirectUri) {
      return fail('InvalidGrantException', 'redirectUri does not match the one used to authorize');
    }
    if (!/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) {
      return fail('InvalidRequestException', 'codeVerifier must be 43-128 characters of [A-Za-z0-9._~-]');
    }
    if (!safeEqual(sha256Base64Url(verifier), grant.codeChallenge)) {
      return fail(
        'InvalidGrantException',
        'PKCE verification failed: codeVerifier does not match code_challenge',
      );
    }
    return issueTokens(ctx, client, grant.userName, grant.scopes, randomToken('', 12));
  }
  const refreshToken = str(body, 'refreshToken', true)!;
  const stored = ctx.store.refreshTokens.get(refreshToken);
  if (!stored || stored.clientId !== client.clientId)
    return fail('InvalidGrantException', 'Invalid refresh token');
  if (stored.spent) return fail('InvalidGrantException', 'Refresh token was already used or revoked');
  if (stored.expiresAt <= now) return fail('ExpiredTokenException', 'Refresh token has expired');
  // Rotation: the old refresh token is spent once a new one is issued.
  stored.spent = true;
  return issueTokens(ctx, client, stored.userName, stored.scopes, stored.sessionId);
}

export const oidcOperations: Record<
  string,
  { method: string; path: string; run: (ctx: SandboxContext, body: Record<string, unknown>) => unknown }
> = {
  RegisterClient: { method: 'POST', path: '/client/register', run: registerClient },
  StartDeviceAuthorization: { method: 'POST', path: '/device_authorization', run: startDeviceAuthorization },
  CreateToken: { method: 'POST', path: '/token', run: createToken },
};

export function handleOidc(ctx: SandboxContext, operation: string, req: Request, res: ServerResponse) {
  const op = oidcOperations[operation]!;
  const body = jsonBody(req);
  if (!body) return oidcError(res, 'InvalidRequestException', 'The request body must be a JSON object');
  try {
    sendJson(res, 200, op.run(ctx, body));
  } catch (error) {
    if (error instanceof OidcFailure) return oidcError(res, error.type, error.message);
    throw error;
  }
}
