import { clientEndpointUrl, clientSettings, requestHandlerSettings } from '../config/endpoints.ts';
import type { Source } from '../config/plan.ts';
import { closeMatches } from '../config/resolve.ts';
import type { Credentials } from '../util/credentials.ts';
import { AccessDeniedError, NetworkError, SignInRequiredError } from '../util/errors.ts';
import { registerSecret } from '../util/redact.ts';
import { type GetAccessTokenOptions, getAccessToken, refreshRejectedToken } from './access-token.ts';
import type { SsoDeps } from './deps.ts';
import { type AttemptOutcome, createLimiter } from './limiter.ts';
import { directPortalUrl, type PortalAnswer, plainSuccess, requestRoleCredentials } from './portal-direct.ts';
import { recordRejectedToken } from './rejected-token.ts';
import { isNetworkFailure, networkError, sdkErrorInfo } from './sdk-errors.ts';
import { loginCommandFor, type SsoSessionRef } from './session.ts';

// The Identity Center portal (aws-protocols.md §2) through @aws-sdk/client-sso, loaded on demand.

export interface PortalAccount {
  accountId: string;
  accountName?: string;
  emailAddress?: string;
}

export interface PortalRole {
  accountId: string;
  roleName: string;
}

/** What the portal always returns: a session token and an expiry. */
export type RoleCredentials = Required<Credentials>;

export interface PortalClient {
  listAccounts(): Promise<PortalAccount[]>;
  listAccountRoles(accountId: string): Promise<PortalRole[]>;
  /** Roles of many accounts, fetched concurrently under the limiter; keyed by account id. */
  listRolesOfAccounts(accountIds: string[]): Promise<Map<string, PortalRole[]>>;
  getRoleCredentials(accountId: string, roleName: string): Promise<RoleCredentials>;
  logout(): Promise<void>;
  destroy(): void;
}

export interface PortalOptions {
  concurrency?: number;
  maxAttempts?: number;
  /** Page size for the list calls (the portal refuses more than 100). */
  pageSize?: number;
}

const ACCESS_KEY_ID = /^\w{16,128}$/;

/** The portal refused the access token (UnauthorizedException), whatever its cached expiry said. */
export class TokenRejectedError extends SignInRequiredError {}

/** The next page token; a token seen before means the portal is looping, which would never end. */
function nextPage(seen: Set<string>, token: string | undefined, operation: string): string | undefined {
  if (!token) return undefined;
  if (seen.has(token)) {
    throw new NetworkError(
      `the SSO portal repeated a page token in ${operation}; the listing would never end`,
      {
        hint: 'try again later; check AWS_ENDPOINT_URL_SSO points at the Identity Center portal',
      },
    );
  }
  seen.add(token);
  return token;
}

/** A call that keeps failing without an answer gives up after this long (two 30 s timeouts). */
const CALL_BUDGET_MS = 55_000;

class OutOfTime extends Error {
  constructor(cause: unknown) {
    super('out of time', { cause });
  }
}

function classify(error: unknown): AttemptOutcome {
  if (error instanceof OutOfTime) return 'fail';
  if (isNetworkFailure(error)) return 'retry-fault';
  const info = sdkErrorInfo(error);
  if (info.status === 429 || info.name === 'TooManyRequestsException') return 'retry-throttled';
  if (info.status !== undefined && info.status >= 500) return 'retry-fault';
  return 'fail';
}

type Sdk = typeof import('../sdk/clients.ts');

/** The portal client settings; exported so a test can compare the URL they reach with the plain SDK's. */
export function portalClientConfig(session: SsoSessionRef, deps: SsoDeps) {
  return {
    region: session.region,
    ...clientSettings('SSO', deps.env, deps.view, deps.profile),
    // Retries are ours (the limiter), so throttling is shared across concurrent calls. With a mode set,
    // the SDK does not read retry_mode or defaults_mode from the files.
    maxAttempts: 1,
    retryMode: 'standard',
    requestHandler: requestHandlerSettings(30_000, 10_000),
  };
}

export async function createPortalClient(
  session: SsoSessionRef,
  accessToken: string,
  deps: SsoDeps,
  options: PortalOptions = {},
): Promise<PortalClient> {
  const config = portalClientConfig(session, deps);
  // ROLEHOP_PORTAL_SDK=1: every call through the SDK client (the bench's side by side; a way out).
  const direct = deps.env.ROLEHOP_PORTAL_SDK ? undefined : directPortalUrl(session.region, config);
  // The SDK client, made once on first use (concurrent listings share it): a cold SSO call whose
  // first attempt succeeds never loads it.
  let made: { sdk: Sdk; client: InstanceType<Sdk['SSOClient']> } | undefined;
  let making: Promise<NonNullable<typeof made>> | undefined;
  let endpoint: string;
  const sdkClient = () =>
    (making ??= (async () => {
      const sdk = await import('../sdk/clients.ts');
      const client = new sdk.SSOClient(config);
      endpoint = clientEndpointUrl(client, 'SSO', session.region, () =>
        sdk.endpointUrlOf(client, session.region, config),
      );
      made = { sdk, client };
      return made;
    })());
  if (direct !== undefined) endpoint = direct;
  else await sdkClient();
  const pageSize = Math.min(100, Math.max(1, options.pageSize ?? 100));
  const limiter = createLimiter({
    concurrency: options.concurrency ?? 8,
    maxAttempts: options.maxAttempts ?? 8,
    classify,
    ...(deps.signal ? { signal: deps.signal } : {}),
    exhausted: (error, attempts) => {
      if (isNetworkFailure(error)) return networkError('the portal call', endpoint, error);
      const info = sdkErrorInfo(error);
      return new NetworkError(`the SSO portal kept failing (${info.name}, ${attempts} attempts)`, {
        hint: 'the portal kept refusing or failing every call; try again later',
      });
    },
  });

  const mapError = (error: unknown, what: { accountId?: string; roleName?: string }): Error => {
    if (error instanceof Error && 'exitCode' in error) return error;
    if (isNetworkFailure(error)) return networkError('the portal call', endpoint, error);
    const info = sdkErrorInfo(error);
    if (info.status === 401 || info.name === 'UnauthorizedException') {
      recordRejectedToken(deps.env, session, accessToken, deps.now());
      return new TokenRejectedError(
        `the SSO sign-in for ${session.name ?? session.startUrl} is no longer valid`,
        {
          hint: `run ${loginCommandFor(session)}`,
        },
      );
    }
    if (info.status === 403 || info.status === 404 || info.name === 'ResourceNotFoundException') {
      const target = what.roleName
        ? `role "${what.roleName}" in account ${what.accountId}`
        : `account ${what.accountId ?? '?'}`;
      return new AccessDeniedError(`access denied to ${target} (${info.name})`, {
        hint: 'check the account id and role name with `rolehop ls`; the role must be assigned to you',
      });
    }
    // The SDK's parse failures end in a sentence about a hidden field, which helps nobody here.
    const detail = info.message.replace(/\s*Deserialization error:.*$/s, '').trim();
    return new NetworkError(
      `the SSO portal call failed: ${info.name}: ${detail || 'an answer it could not read'}`,
      {
        hint:
          info.name === 'SyntaxError'
            ? "the answer was not the portal's JSON: check AWS_ENDPOINT_URL_SSO and any proxy in between"
            : 'try again; if it persists, run with --debug to see the call',
      },
    );
  };
  const call = async <T>(fn: () => Promise<T>, what: { accountId?: string; roleName?: string } = {}) => {
    let started: number | undefined;
    const attempt = async () => {
      started ??= Date.now();
      try {
        return await fn();
      } catch (error) {
        if (isNetworkFailure(error) && Date.now() - started >= CALL_BUDGET_MS) throw new OutOfTime(error);
        throw error;
      }
    };
    try {
      return await limiter.run(attempt);
    } catch (error) {
      throw mapError(error instanceof OutOfTime ? error.cause : error, what);
    }
  };

  /** The SDK client's reading of an answer rolehop did not take as a plain success: its output or its error. */
  const sdkReading = async (
    answer: PortalAnswer,
    input: { accessToken: string; accountId: string; roleName: string },
  ) => {
    const { sdk } = await sdkClient();
    const replay = new sdk.SSOClient({
      ...config,
      requestHandler: { handle: async () => ({ response: answer }) },
    });
    try {
      return await replay.send(new sdk.GetRoleCredentialsCommand(input));
    } finally {
      replay.destroy();
    }
  };

  const listAccountRoles = async (accountId: string): Promise<PortalRole[]> => {
    const roles: PortalRole[] = [];
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      const { sdk, client } = await sdkClient();
      const page = await call(
        () =>
          client.send(
            new sdk.ListAccountRolesCommand({
              accessToken,
              accountId,
              maxResults: pageSize,
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
        { accountId },
      );
      for (const r of page.roleList ?? []) {
        if (r.roleName) roles.push({ accountId: r.accountId ?? accountId, roleName: r.roleName });
      }
      nextToken = nextPage(seen, page.nextToken, 'ListAccountRoles');
    } while (nextToken);
    return roles;
  };

  return {
    async listAccounts() {
      const accounts: PortalAccount[] = [];
      const seen = new Set<string>();
      let nextToken: string | undefined;
      do {
        const { sdk, client } = await sdkClient();
        const page = await call(() =>
          client.send(
            new sdk.ListAccountsCommand({
              accessToken,
              maxResults: pageSize,
              ...(nextToken ? { nextToken } : {}),
            }),
          ),
        );
        if (page.accountList !== undefined && !Array.isArray(page.accountList)) {
          throw new NetworkError('the SSO portal returned a malformed account list (ListAccounts)', {
            hint: 'try again later; check AWS_ENDPOINT_URL_SSO points at the Identity Center portal',
          });
        }
        for (const a of page.accountList ?? []) {
          if (!a.accountId) continue;
          accounts.push({
            accountId: a.accountId,
            ...(a.accountName ? { accountName: a.accountName } : {}),
            ...(a.emailAddress ? { emailAddress: a.emailAddress } : {}),
          });
        }
        nextToken = nextPage(seen, page.nextToken, 'ListAccounts');
      } while (nextToken);
      return accounts;
    },
    listAccountRoles,
    async listRolesOfAccounts(accountIds) {
      const entries = await Promise.all(
        accountIds.map(async (id) => [id, await listAccountRoles(id)] as const),
      );
      return new Map(entries);
    },
    async getRoleCredentials(accountId, roleName) {
      const input = { accessToken, accountId, roleName };
      let directFirst = direct !== undefined;
      const r = await call(
        async () => {
          if (!directFirst) {
            const { sdk, client } = await sdkClient();
            return client.send(new sdk.GetRoleCredentialsCommand(input));
          }
          directFirst = false;
          deps.log.debug(`GetRoleCredentials at ${direct}, first attempt without the SDK client`);
          const answer = await requestRoleCredentials(direct!, input, {
            connectionTimeout: config.requestHandler.connectionTimeout,
            requestTimeout: config.requestHandler.requestTimeout,
            userAgentAppId: config.userAgentAppId,
            ...(deps.signal ? { signal: deps.signal } : {}),
            ...(deps.whileWaiting ? { onSent: deps.whileWaiting } : {}),
          });
          return plainSuccess(answer) ?? (await sdkReading(answer, input));
        },
        { accountId, roleName },
      );
      const c = r.roleCredentials;
      if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration) {
        throw new NetworkError(
          `the SSO portal returned incomplete credentials for ${roleName} in ${accountId}`,
        );
      }
      // Wrong types or an absurd key would otherwise be cached and handed to every caller.
      if (
        typeof c.secretAccessKey !== 'string' ||
        typeof c.sessionToken !== 'string' ||
        !ACCESS_KEY_ID.test(String(c.accessKeyId)) ||
        typeof c.accessKeyId !== 'string' ||
        !Number.isFinite(new Date(c.expiration).getTime())
      ) {
        throw new NetworkError(
          `the SSO portal returned malformed credentials for ${roleName} in ${accountId}`,
          { hint: 'check AWS_ENDPOINT_URL_SSO points at the Identity Center portal; try again later' },
        );
      }
      registerSecret(c.secretAccessKey);
      registerSecret(c.sessionToken);
      return {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey,
        sessionToken: c.sessionToken,
        expiration: new Date(c.expiration), // epoch milliseconds
      };
    },
    async logout() {
      const { sdk, client } = await sdkClient();
      await call(() => client.send(new sdk.LogoutCommand({ accessToken })));
    },
    destroy: () => made?.client.destroy(),
  };
}

/** The session an `sso` source signs in with. */
export function sessionOfSource(source: Extract<Source, { kind: 'sso' }>): SsoSessionRef {
  return {
    ...(source.session ? { name: source.session } : {}),
    startUrl: source.startUrl,
    region: source.ssoRegion,
    ...(source.registrationScopes ? { scopes: source.registrationScopes } : {}),
  };
}

/**
 * Runs `fn` with a portal client on the session's token (refreshed if near expiry). Identity Center
 * rejects tokens before their cached expiry (a session ended by the IdP or an admin): then the token
 * is refreshed once, single-flight, and `fn` runs again on the new one. Only when no refresh is
 * possible does the rejection stand (exit 3).
 */
export async function withPortal<T>(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: { token?: GetAccessTokenOptions; portal?: PortalOptions },
  fn: (portal: PortalClient) => Promise<T>,
): Promise<T> {
  const runWith = async (accessToken: string) => {
    const portal = await createPortalClient(session, accessToken, deps, options.portal);
    try {
      return await fn(portal);
    } finally {
      portal.destroy();
    }
  };
  const token = await getAccessToken(session, deps, options.token);
  try {
    return await runWith(token.accessToken);
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    const refreshed = await refreshRejectedToken(session, token.accessToken, deps);
    if (!refreshed) throw error;
    deps.log.debug('the portal rejected the SSO token before its expiry; refreshed it and retrying');
    return runWith(refreshed.accessToken);
  }
}

/** Role credentials for a Plan's sso source: token (refreshed if needed), then GetRoleCredentials. */
export async function getRoleCredentials(
  source: Extract<Source, { kind: 'sso' }>,
  deps: SsoDeps,
  options: GetAccessTokenOptions = {},
): Promise<RoleCredentials> {
  return withPortal(
    sessionOfSource(source),
    deps,
    { token: options, portal: { concurrency: 1 } },
    async (portal) => {
      try {
        return await portal.getRoleCredentials(source.accountId, source.roleName);
      } catch (error) {
        if (error instanceof AccessDeniedError) throw await explainDeniedRole(portal, source, error);
        throw error;
      }
    },
  );
}

/**
 * A denied role is most often a typo (`--role Admin`): name the roles the account does have and the
 * nearest one. When even the listing fails, the original denial stands.
 */
async function explainDeniedRole(
  portal: PortalClient,
  source: Extract<Source, { kind: 'sso' }>,
  denied: AccessDeniedError,
): Promise<AccessDeniedError> {
  let roles: string[];
  try {
    roles = (await portal.listAccountRoles(source.accountId)).map((r) => r.roleName).sort();
  } catch {
    return denied;
  }
  if (roles.includes(source.roleName)) return denied;
  const close = closeMatches(source.roleName, roles, 3);
  return new AccessDeniedError(
    roles.length === 0
      ? `no role is assigned to you in account ${source.accountId} (asked for "${source.roleName}")`
      : `account ${source.accountId} has no role "${source.roleName}" for you; its roles: ${roles.join(', ')}`,
    {
      hint:
        close.length > 0
          ? `did you mean ${close.map((c) => `--role ${c}`).join(', ')}?`
          : "'rolehop ls' lists the accounts and roles you can reach",
    },
  );
}
