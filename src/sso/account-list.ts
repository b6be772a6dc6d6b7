import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { homeDir, rolehopCacheDir } from '../config/paths.ts';
import { UsageError } from '../util/errors.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { writePrivateCache } from '../util/private-file-write.ts';
import type { GetAccessTokenOptions } from './access-token.ts';
import type { SsoDeps } from './deps.ts';
import { type PortalAccount, type PortalClient, withPortal } from './portal.ts';
import type { SsoSessionRef } from './session.ts';

// The accounts and roles a session can reach, cached for a while: listing a large organisation
// costs one call per account, and `ls`, the picker and `--account NAME` all need it.

export const ACCOUNT_LIST_TTL_MS = 15 * 60_000;
/** Names → ids change rarely, and `--account NAME` is on the warm path of every call. */
export const ACCOUNT_NAMES_TTL_MS = 24 * 3600_000;

export interface AccountEntry {
  accountId: string;
  accountName?: string;
  emailAddress?: string;
  roles: string[];
}

interface CacheFile {
  version: 1;
  startUrl: string;
  region: string;
  fetchedAt: number;
  accounts: AccountEntry[];
}

export interface ListOptions {
  /** Bypass the cache (and refill it). */
  refresh?: boolean;
  /** Called as role listings complete (done, total), for a progress line. */
  onProgress?: (done: number, total: number) => void;
  /** Portal concurrency (the limiter backs off on 429 whatever this is). */
  concurrency?: number;
  /** Sign in when there is no usable token (commands on a terminal). */
  token?: GetAccessTokenOptions;
}

/** In a subfolder: `status` and `logout` read the top level as credential steps. */
export function accountListPath(
  env: SsoDeps['env'],
  session: SsoSessionRef,
  kind: 'roles' | 'names' = 'roles',
): string {
  const key = createHash('sha256')
    .update(`${session.name ?? ''}\n${session.startUrl}\n${session.region}`)
    .digest('hex')
    .slice(0, 32);
  return path.join(rolehopCacheDir(env), 'accounts', kind === 'roles' ? `${key}.json` : `${key}.names.json`);
}

function readCache(
  file: string,
  home: string,
  session: SsoSessionRef,
  now: number,
  ttlMs = ACCOUNT_LIST_TTL_MS,
): CacheFile | undefined {
  const bytes = readPrivateFile(file, home);
  if (!bytes) return undefined;
  try {
    const c = JSON.parse(bytes.toString('utf8')) as CacheFile;
    if (c.version !== 1 || c.startUrl !== session.startUrl || !Array.isArray(c.accounts)) return undefined;
    if (typeof c.fetchedAt !== 'number' || now - c.fetchedAt > ttlMs || c.fetchedAt > now) return undefined;
    return c;
  } catch {
    return undefined; // a damaged cache is just refetched
  }
}

function portalOf<T>(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: ListOptions,
  fn: (portal: PortalClient) => Promise<T>,
): Promise<T> {
  return withPortal(
    session,
    deps,
    { token: options.token ?? {}, portal: { concurrency: options.concurrency ?? 8 } },
    fn,
  );
}

/** Every account with its roles, from the cache when fresh. Sorted by name, then id. */
export async function listAccountsWithRoles(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: ListOptions = {},
): Promise<{ accounts: AccountEntry[]; cached: boolean }> {
  const file = accountListPath(deps.env, session);
  if (!options.refresh) {
    const hit = readCache(file, homeDir(deps.env), session, deps.now());
    if (hit) return { accounts: hit.accounts, cached: true };
  }
  const accounts = await portalOf(session, deps, options, async (portal) => {
    const list = await portal.listAccounts();
    let done = 0;
    options.onProgress?.(0, list.length);
    const roles = await Promise.all(
      list.map(async (a) => {
        const r = await portal.listAccountRoles(a.accountId);
        options.onProgress?.(++done, list.length);
        return r.map((x) => x.roleName).sort();
      }),
    );
    return list.map((a, i): AccountEntry => ({ ...a, roles: roles[i]! }));
  });
  accounts.sort(byName);
  const body: CacheFile = {
    version: 1,
    startUrl: session.startUrl,
    region: session.region,
    fetchedAt: deps.now(),
    accounts,
  };
  writePrivateCache('the account list', file, `${JSON.stringify(body)}\n`, homeDir(deps.env), (m) =>
    deps.log.warn(m),
  );
  return { accounts, cached: false };
}

function byName(a: PortalAccount, b: PortalAccount): number {
  return (a.accountName ?? '').localeCompare(b.accountName ?? '') || a.accountId.localeCompare(b.accountId);
}

/** FILTER of `rolehop ls`: account id, name or role, case-insensitively; keeps matching roles only when the role matched. */
export function filterAccounts(accounts: AccountEntry[], filter: string | undefined): AccountEntry[] {
  if (!filter) return accounts;
  const f = filter.toLowerCase();
  const out: AccountEntry[] = [];
  for (const a of accounts) {
    if (a.accountId.includes(f) || (a.accountName ?? '').toLowerCase().includes(f)) {
      out.push(a);
      continue;
    }
    const roles = a.roles.filter((r) => r.toLowerCase().includes(f));
    if (roles.length > 0) out.push({ ...a, roles });
  }
  return out;
}

/** `--account NAME` → id: exact name first, then case-insensitive; ambiguous or unknown is a usage error. */
export async function resolveAccountId(
  session: SsoSessionRef,
  account: string,
  deps: SsoDeps,
  options: Pick<ListOptions, 'token'> = {},
): Promise<{ accountId: string; accountName?: string }> {
  const find = (list: PortalAccount[]) => {
    const exact = list.filter((a) => a.accountName === account);
    if (exact.length > 0) return exact;
    return list.filter((a) => (a.accountName ?? '').toLowerCase() === account.toLowerCase());
  };
  const namesFile = accountListPath(deps.env, session, 'names');
  const cached =
    readCache(accountListPath(deps.env, session), homeDir(deps.env), session, deps.now()) ??
    readCache(namesFile, homeDir(deps.env), session, deps.now(), ACCOUNT_NAMES_TTL_MS);
  let list: PortalAccount[] = cached?.accounts ?? [];
  let matches = find(list);
  if (matches.length === 0) {
    // Names alone are one paged call; no need to list every account's roles.
    list = await portalOf(session, deps, options, (portal) => portal.listAccounts());
    matches = find(list);
    const body: CacheFile = {
      version: 1,
      startUrl: session.startUrl,
      region: session.region,
      fetchedAt: deps.now(),
      accounts: list.map((a) => ({ ...a, roles: [] })),
    };
    writePrivateCache('the account names', namesFile, `${JSON.stringify(body)}\n`, homeDir(deps.env), (m) =>
      deps.log.warn(m),
    );
  }
  if (matches.length === 1) {
    const m = matches[0]!;
    return { accountId: m.accountId, ...(m.accountName ? { accountName: m.accountName } : {}) };
  }
  if (matches.length > 1) {
    throw new UsageError(
      `several accounts are named "${account}": ${matches.map((m) => m.accountId).join(', ')}`,
      { hint: 'select by account id: --account 111122223333' },
    );
  }
  const close = list
    .map((a) => a.accountName ?? '')
    .filter((n) => n.toLowerCase().includes(account.toLowerCase()))
    .slice(0, 5);
  throw new UsageError(
    `no account named "${account}" in ${session.name ? `sso-session "${session.name}"` : session.startUrl}`,
    {
      hint: `${close.length > 0 ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}? ` : ''}'rolehop ls' lists the accounts you can reach`,
    },
  );
}
