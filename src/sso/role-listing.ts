import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rolehopCacheDir } from '../config/paths.ts';
import type { SsoSessionRef } from '../config/sso-session.ts';
import { readFileIfExists, writeFileAtomic } from '../util/atomic-file.ts';
import { getAccessToken } from './access-token.ts';
import type { SsoDeps } from './deps.ts';
import { createPortalClient, type PortalAccount } from './portal.ts';

// Every account × role of a session for `populate`: listing is concurrent and throttle-aware (the
// portal client's shared back-off); progress is checkpointed so a failed run resumes where it
// stopped instead of listing thousands of accounts again.

type Env = Readonly<Record<string, string | undefined>>;

export interface AccountRoles {
  account: PortalAccount;
  roles: string[];
}

interface Checkpoint {
  version: 1;
  startUrl: string;
  session: string;
  savedAt: number;
  roles: Record<string, string[]>;
}

/** A checkpoint is trusted for an hour: assignments rarely change faster. */
const CHECKPOINT_TTL_MS = 60 * 60_000;

export function checkpointPath(env: Env, session: SsoSessionRef): string {
  const key = createHash('sha256')
    .update(`${session.name ?? ''}\n${session.startUrl}`)
    .digest('hex')
    .slice(0, 32);
  return path.join(rolehopCacheDir(env), 'populate', `${key}.json`);
}

function readCheckpoint(file: string, session: SsoSessionRef, now: number): Map<string, string[]> {
  const bytes = readFileIfExists(file);
  if (!bytes) return new Map();
  try {
    const c = JSON.parse(bytes.toString('utf8')) as Checkpoint;
    if (c.version !== 1 || c.startUrl !== session.startUrl || c.session !== (session.name ?? ''))
      return new Map();
    if (now - c.savedAt > CHECKPOINT_TTL_MS || c.savedAt > now) return new Map();
    return new Map(Object.entries(c.roles).filter(([, r]) => Array.isArray(r)));
  } catch {
    return new Map(); // a damaged checkpoint only costs a full listing
  }
}

function saveCheckpoint(
  file: string,
  session: SsoSessionRef,
  now: number,
  roles: Map<string, string[]>,
): void {
  const body: Checkpoint = {
    version: 1,
    startUrl: session.startUrl,
    session: session.name ?? '',
    savedAt: now,
    roles: Object.fromEntries(roles),
  };
  writeFileAtomic(file, JSON.stringify(body));
}

export interface EnumerateOptions {
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Every account with its roles; resumes from the checkpoint of an earlier failed run. */
export async function enumerateRoles(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: EnumerateOptions = {},
): Promise<AccountRoles[]> {
  const concurrency = options.concurrency ?? 8;
  const token = await getAccessToken(session, deps);
  // Many attempts: under a tight throttle every call may be refused a few times before it fits.
  const portal = await createPortalClient(session, token.accessToken, deps, { concurrency, maxAttempts: 40 });
  const file = checkpointPath(deps.env, session);
  try {
    const accounts = await portal.listAccounts();
    const known = readCheckpoint(file, session, deps.now());
    const roles = new Map<string, string[]>();
    for (const a of accounts) {
      const r = known.get(a.accountId);
      if (r) roles.set(a.accountId, r);
    }
    const todo = accounts.filter((a) => !roles.has(a.accountId));
    if (roles.size > 0)
      deps.log.info(`resuming: ${roles.size} of ${accounts.length} accounts already listed`);
    let next = 0;
    let failure: unknown;
    let lastSave = deps.now();
    options.onProgress?.(roles.size, accounts.length);
    const worker = async () => {
      while (failure === undefined && next < todo.length) {
        const account = todo[next++]!;
        try {
          const list = await portal.listAccountRoles(account.accountId);
          roles.set(account.accountId, list.map((r) => r.roleName).sort());
        } catch (error) {
          failure ??= error;
          return;
        }
        options.onProgress?.(roles.size, accounts.length);
        if (deps.now() - lastSave > 2000) {
          lastSave = deps.now();
          saveCheckpoint(file, session, lastSave, roles);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
    if (failure !== undefined) {
      saveCheckpoint(file, session, deps.now(), roles);
      throw failure;
    }
    fs.rmSync(file, { force: true });
    return accounts.map((account) => ({ account, roles: roles.get(account.accountId) ?? [] }));
  } finally {
    portal.destroy();
  }
}
