import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { homeDir, rolehopCacheDir } from '../config/paths.ts';
import { formatDuration } from '../util/duration.ts';
import { UsageError } from '../util/errors.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { writePrivateCache } from '../util/private-file-write.ts';
import type { GetAccessTokenOptions } from './access-token.ts';
import type { SsoDeps } from './deps.ts';
import { type PortalAccount, type PortalClient, withPortal } from './portal.ts';
import type { SsoSessionRef } from './session.ts';

// The inventory: the accounts a session can reach and each account's roles, one file per session.
// It is the only enumeration path and the only cache of it: `ls`, the picker, `--account NAME`,
// `populate` and `doctor` all read it. Each account's roles carry the time they were listed, so a
// re-run lists the accounts (one paged call) and asks for roles only of new accounts and of entries
// older than the max age. It is saved every few seconds while roles are listed, so a failed run
// resumes where it stopped.

/** How long an account's roles are trusted: assignments rarely change within a day. */
export const INVENTORY_MAX_AGE_MS = 24 * 3600_000;
const SAVE_EVERY_MS = 2000;

export interface AccountEntry {
  accountId: string;
  accountName?: string;
  emailAddress?: string;
  roles: string[];
}

/** An account as stored: roles and their listing time are absent until listed. */
interface StoredAccount extends PortalAccount {
  roles?: string[];
  rolesAt?: number;
}

interface InventoryFile {
  version: 2;
  startUrl: string;
  region: string;
  session: string;
  /** When the account list was last complete. */
  listedAt: number;
  accounts: StoredAccount[];
}

export interface ListOptions {
  /** List every account's roles again, whatever their age. */
  refresh?: boolean;
  /** Ask the portal for the account list even when the inventory's is fresh (populate: new accounts). */
  relist?: boolean;
  /** Trust listed roles this long (default one day). */
  maxAgeMs?: number;
  /** Called as role listings complete (done, total), for a progress line. */
  onProgress?: (done: number, total: number) => void;
  /** Portal concurrency (the limiter adapts to throttling whatever this is). */
  concurrency?: number;
  /** Sign in when there is no usable token (commands on a terminal). */
  token?: GetAccessTokenOptions;
}

/** In a subfolder: `status` and `logout` read the top level as credential steps. */
export function inventoryPath(env: SsoDeps['env'], session: SsoSessionRef): string {
  const key = createHash('sha256')
    .update(`${session.name ?? ''}\n${session.startUrl}\n${session.region}`)
    .digest('hex')
    .slice(0, 32);
  return path.join(rolehopCacheDir(env), 'accounts', `${key}.json`);
}

function readInventoryFile(file: string, home: string, session: SsoSessionRef, now: number) {
  const bytes = readPrivateFile(file, home);
  if (!bytes) return undefined;
  try {
    const c = JSON.parse(bytes.toString('utf8')) as InventoryFile;
    if (c.version !== 2 || c.startUrl !== session.startUrl || c.session !== (session.name ?? ''))
      return undefined;
    if (!Array.isArray(c.accounts) || typeof c.listedAt !== 'number' || c.listedAt > now) return undefined;
    return c;
  } catch {
    return undefined; // a damaged inventory is just listed again
  }
}

function saveInventory(
  file: string,
  session: SsoSessionRef,
  deps: SsoDeps,
  listedAt: number,
  accounts: StoredAccount[],
): void {
  const body: InventoryFile = {
    version: 2,
    startUrl: session.startUrl,
    region: session.region,
    session: session.name ?? '',
    listedAt,
    accounts,
  };
  writePrivateCache('the account list', file, `${JSON.stringify(body)}\n`, homeDir(deps.env), (m) =>
    deps.log.warn(m),
  );
}

const rolesFresh = (
  a: StoredAccount,
  now: number,
  maxAgeMs: number,
): a is StoredAccount & { roles: string[] } =>
  Array.isArray(a.roles) && typeof a.rolesAt === 'number' && a.rolesAt <= now && now - a.rolesAt <= maxAgeMs;

const toEntry = (a: StoredAccount): AccountEntry => ({
  accountId: a.accountId,
  ...(a.accountName ? { accountName: a.accountName } : {}),
  ...(a.emailAddress ? { emailAddress: a.emailAddress } : {}),
  roles: a.roles ?? [],
});

/**
 * The inventory as it is on disk, without any network call; undefined unless the account list and
 * every account's roles are younger than `maxAgeMs` (doctor, offline checks).
 */
export function readInventory(
  session: SsoSessionRef,
  deps: Pick<SsoDeps, 'env' | 'now'>,
  maxAgeMs = INVENTORY_MAX_AGE_MS,
): AccountEntry[] | undefined {
  const now = deps.now();
  const inv = readInventoryFile(inventoryPath(deps.env, session), homeDir(deps.env), session, now);
  if (!inv || now - inv.listedAt > maxAgeMs) return undefined;
  if (!inv.accounts.every((a) => rolesFresh(a, now, maxAgeMs))) return undefined;
  return inv.accounts.map(toEntry);
}

/** How old the inventory's account list is, in ms; undefined without one. */
export function inventoryAge(session: SsoSessionRef, deps: Pick<SsoDeps, 'env' | 'now'>): number | undefined {
  const now = deps.now();
  const inv = readInventoryFile(inventoryPath(deps.env, session), homeDir(deps.env), session, now);
  return inv ? now - inv.listedAt : undefined;
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

/**
 * Every account with its roles, sorted by name then id. Served from the inventory when it is fresh;
 * otherwise lists the accounts and only the roles that are missing or older than the max age.
 */
export async function listAccountsWithRoles(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: ListOptions = {},
): Promise<{ accounts: AccountEntry[]; cached: boolean; listedRoles: number }> {
  const maxAgeMs = options.maxAgeMs ?? INVENTORY_MAX_AGE_MS;
  const file = inventoryPath(deps.env, session);
  const start = deps.now();
  const inv = readInventoryFile(file, homeDir(deps.env), session, start);
  if (!options.refresh && !options.relist) {
    const fresh = readInventory(session, deps, maxAgeMs);
    if (fresh) return { accounts: fresh, cached: true, listedRoles: 0 };
  }
  return portalOf(session, deps, options, async (portal) => {
    const reuseList = inv && !options.relist && !options.refresh && start - inv.listedAt <= maxAgeMs;
    const listed = reuseList ? inv.accounts : await portal.listAccounts();
    const known = new Map((inv?.accounts ?? []).map((a) => [a.accountId, a]));
    // Accounts gone from the listing drop out; names and emails come from the newest listing.
    const accounts: StoredAccount[] = listed.map((a) => {
      const old = known.get(a.accountId);
      const { roles: _r, rolesAt: _t, ...account } = a as StoredAccount;
      return old && !options.refresh && rolesFresh(old, start, maxAgeMs)
        ? { ...account, roles: old.roles, rolesAt: old.rolesAt }
        : account;
    });
    accounts.sort(byName);
    const todo = accounts.filter((a) => a.rolesAt === undefined);
    const reused = accounts.length - todo.length;
    if (reused > 0 && todo.length > 0) {
      deps.log.info(
        `reusing: ${reused} of ${accounts.length} accounts already listed (younger than ${formatDuration(Math.round(maxAgeMs / 1000))}); listing ${todo.length}`,
      );
    }
    let done = reused;
    options.onProgress?.(done, accounts.length);
    let next = 0;
    let failure: unknown;
    let lastSave = deps.now();
    // Until this run completes, the file keeps the previous listing time: a half-done run is not fresh.
    const listedAt = inv?.listedAt ?? 0;
    const worker = async () => {
      while (failure === undefined && next < todo.length) {
        const account = todo[next++]!;
        try {
          const roles = await portal.listAccountRoles(account.accountId);
          account.roles = roles.map((r) => r.roleName).sort();
          account.rolesAt = deps.now();
        } catch (error) {
          failure ??= error;
          return;
        }
        options.onProgress?.(++done, accounts.length);
        if (deps.now() - lastSave > SAVE_EVERY_MS) {
          lastSave = deps.now();
          saveInventory(file, session, deps, listedAt, accounts);
        }
      }
    };
    const concurrency = Math.max(1, options.concurrency ?? 8);
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
    if (failure !== undefined) {
      saveInventory(file, session, deps, listedAt, accounts);
      throw failure;
    }
    saveInventory(file, session, deps, reuseList ? listedAt : start, accounts);
    return { accounts: accounts.map(toEntry), cached: false, listedRoles: todo.length };
  });
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
  const file = inventoryPath(deps.env, session);
  const now = deps.now();
  // Names → ids change rarely, and `--account NAME` is on the warm path of every call: any listing will do.
  const read = readInventoryFile(file, homeDir(deps.env), session, now);
  const inv = read && now - read.listedAt <= INVENTORY_MAX_AGE_MS ? read : undefined;
  let list: PortalAccount[] = inv?.accounts ?? [];
  let matches = find(list);
  if (matches.length === 0) {
    // Names alone are one paged call; no need to list every account's roles.
    const listed = await portalOf(session, deps, options, (portal) => portal.listAccounts());
    const known = new Map((inv?.accounts ?? []).map((a) => [a.accountId, a]));
    const merged: StoredAccount[] = listed.map((a) => {
      const old = known.get(a.accountId);
      return old?.rolesAt !== undefined ? { ...a, roles: old.roles ?? [], rolesAt: old.rolesAt } : a;
    });
    merged.sort(byName);
    saveInventory(file, session, deps, now, merged);
    list = listed;
    matches = find(list);
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
