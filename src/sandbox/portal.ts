// SSO portal (rest-json, bearer header): ListAccounts, ListAccountRoles with real paging,
// GetRoleCredentials and Logout.
import { createHmac } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from './context.ts';
import { accountsOf, rolesOf } from './directory.ts';
import { type Request, sendAwsError, sendJson } from './http.ts';
import type { AccessToken } from './store.ts';
import { mintLocalCredentials } from './sts.ts';

const portalStatus: Record<string, number> = {
  InvalidRequestException: 400,
  UnauthorizedException: 401,
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  TooManyRequestsException: 429,
};

export function portalError(res: ServerResponse, type: string, message: string, status?: number): void {
  sendAwsError(res, status ?? portalStatus[type] ?? 400, type, { message });
}

class PortalFailure extends Error {
  readonly type: string;
  constructor(type: string, message: string) {
    super(message);
    this.type = type;
  }
}

const fail = (type: string, message: string): never => {
  throw new PortalFailure(type, message);
};

const DEFAULT_PAGE = 20;

function bearer(ctx: SandboxContext, req: Request): AccessToken & { value: string } {
  const value = req.headers['x-amz-sso_bearer_token'];
  const token = typeof value === 'string' ? ctx.store.accessTokens.get(value) : undefined;
  if (!token || token.revoked || token.expiresAt <= ctx.now()) {
    return fail('UnauthorizedException', 'Session token not found or invalid');
  }
  return { ...token, value: value as string };
}

function pageSize(req: Request): number {
  const raw = req.query.get('max_result');
  if (raw === null) return DEFAULT_PAGE;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 100) {
    fail('InvalidRequestException', `max_result must be an integer from 1 to 100 (got ${raw})`);
  }
  return n;
}

/** Opaque paging token: the offset, bound to the listing it came from by an HMAC. */
function pagingToken(ctx: SandboxContext, scope: string, offset: number): string {
  const mac = createHmac('sha256', ctx.store.pagingKey).update(`${scope}|${offset}`).digest('base64url');
  return Buffer.from(`${offset}.${mac.slice(0, 22)}`).toString('base64url');
}

function pageOffset(ctx: SandboxContext, scope: string, req: Request): number {
  const raw = req.query.get('next_token');
  if (raw === null || raw === '') return 0;
  const decoded = Buffer.from(raw, 'base64url').toString('utf8');
  const offset = Number(decoded.split('.')[0]);
  if (!Number.isInteger(offset) || offset < 0 || pagingToken(ctx, scope, offset) !== raw) {
    fail('InvalidRequestException', 'next_token is invalid');
  }
  return offset;
}

function page<T>(ctx: SandboxContext, scope: string, req: Request, items: T[]) {
  const size = pageSize(req);
  const offset = pageOffset(ctx, scope, req);
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? pagingToken(ctx, scope, offset + size) : undefined;
  return { slice, next };
}

function listAccounts(ctx: SandboxContext, req: Request) {
  const token = bearer(ctx, req);
  const accounts = accountsOf(ctx.store.directory, token.userName);
  const { slice, next } = page(ctx, `accounts|${token.userName}`, req, accounts);
  return {
    accountList: slice.map((a) => ({ accountId: a.id, accountName: a.name, emailAddress: a.email })),
    ...(next ? { nextToken: next } : {}),
  };
}

function accountParam(ctx: SandboxContext, req: Request, userName: string): string {
  const accountId = req.query.get('account_id');
  if (!accountId) return fail('InvalidRequestException', 'account_id is required');
  if (!ctx.store.directory.accounts.some((a) => a.id === accountId)) {
    return fail('ResourceNotFoundException', `Account ${accountId} not found`);
  }
  if (rolesOf(ctx.store.directory, userName, accountId).length === 0) {
    return fail('ForbiddenException', 'No access');
  }
  return accountId;
}

function listAccountRoles(ctx: SandboxContext, req: Request) {
  const token = bearer(ctx, req);
  const accountId = accountParam(ctx, req, token.userName);
  const roles = rolesOf(ctx.store.directory, token.userName, accountId);
  const { slice, next } = page(ctx, `roles|${token.userName}|${accountId}`, req, roles);
  return {
    roleList: slice.map((roleName) => ({ roleName, accountId })),
    ...(next ? { nextToken: next } : {}),
  };
}

async function getRoleCredentials(ctx: SandboxContext, req: Request) {
  const token = bearer(ctx, req);
  const roleName = req.query.get('role_name');
  if (!roleName) return fail('InvalidRequestException', 'role_name is required');
  const accountId = accountParam(ctx, req, token.userName);
  if (!ctx.store.directory.permissionSets.some((p) => p.name === roleName)) {
    return fail('ResourceNotFoundException', `Role ${roleName} not found`);
  }
  if (!rolesOf(ctx.store.directory, token.userName, accountId).includes(roleName)) {
    return fail('ForbiddenException', 'No access');
  }
  const creds = ctx.upstream
    ? await ctx.upstream.assumePermissionSet(accountId, roleName, token.userName)
    : mintLocalCredentials(ctx, {
        accountId,
        roleName,
        sessionName: token.userName,
        seconds: ctx.store.lifetimes.roleCredentialSeconds,
        chained: false,
      });
  ctx.store.credentials.set(creds.accessKeyId, creds);
  return {
    roleCredentials: {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      sessionToken: creds.sessionToken,
      expiration: creds.expiresAt,
    },
  };
}

function logout(ctx: SandboxContext, req: Request) {
  const token = bearer(ctx, req);
  // Logout ends the whole sign-in session: every access and refresh token from it.
  for (const t of ctx.store.accessTokens.values()) if (t.sessionId === token.sessionId) t.revoked = true;
  for (const t of ctx.store.refreshTokens.values()) if (t.sessionId === token.sessionId) t.spent = true;
  return undefined;
}

export const portalOperations: Record<
  string,
  { method: string; path: string; run: (ctx: SandboxContext, req: Request) => unknown }
> = {
  ListAccounts: { method: 'GET', path: '/assignment/accounts', run: listAccounts },
  ListAccountRoles: { method: 'GET', path: '/assignment/roles', run: listAccountRoles },
  GetRoleCredentials: { method: 'GET', path: '/federation/credentials', run: getRoleCredentials },
  Logout: { method: 'POST', path: '/logout', run: logout },
};

export async function handlePortal(
  ctx: SandboxContext,
  operation: string,
  req: Request,
  res: ServerResponse,
): Promise<void> {
  try {
    const result = await portalOperations[operation]!.run(ctx, req);
    if (result === undefined) {
      res.writeHead(200, { 'content-length': 0 });
      res.end();
    } else sendJson(res, 200, result);
  } catch (error) {
    if (error instanceof PortalFailure) return portalError(res, error.type, error.message);
    throw error;
  }
}
