import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDir } from './atomic-file.ts';
import { InterruptedError, RolehopError } from './errors.ts';
import { fileAccessError } from './file-error.ts';
import { processAlive } from './process-alive.ts';

// A cross-process lock: `<target>.lock` created with O_EXCL holding owner pid, host and a nonce.
// A lock whose owner died (same host, pid gone) or that has not been refreshed for `staleMs` is
// taken over; the holder refreshes its mtime while it works.

export interface LockOptions {
  /** Give up after this long (default 60 s). */
  timeoutMs?: number;
  /** A lock untouched for this long is stale (default 20 s). */
  staleMs?: number;
  /** Called once, when the lock is busy and we start waiting. */
  onWait?: (owner: LockOwner | undefined) => void;
  signal?: AbortSignal;
}

export interface LockOwner {
  pid: number;
  host: string;
  nonce: string;
  since: number;
}

export class LockTimeoutError extends RolehopError {}

export function lockPathFor(target: string): string {
  return `${target}.lock`;
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockPath, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function isStale(lockPath: string, staleMs: number): LockOwner | 'stale' | undefined {
  const owner = readOwner(lockPath);
  let mtime: number;
  try {
    mtime = fs.statSync(lockPath).mtimeMs;
  } catch {
    return undefined; // gone: just retry
  }
  if (owner && owner.host === os.hostname() && !processAlive(owner.pid)) return 'stale';
  if (Date.now() - mtime > staleMs) return 'stale';
  if (!owner && Date.now() - mtime > 2000) return 'stale'; // half-written by a killed process
  return owner;
}

function tryCreate(lockPath: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = fs.openSync(lockPath, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fileAccessError('create the lock', lockPath, error); // a read-only ~/.aws: EACCES, EROFS
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner));
  } catch (error) {
    fs.rmSync(lockPath, { force: true }); // a full disk: leave no ownerless lock behind
    throw fileAccessError('create the lock', lockPath, error);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** A writer killed under the lock leaves its temp file (writeFileAtomic's `.<name>.<pid>.<hex>.tmp`). */
function removeTempFilesOf(lockPath: string, pid: number): void {
  const target = lockPath.slice(0, -'.lock'.length);
  const prefix = `.${path.basename(target)}.${pid}.`;
  try {
    for (const name of fs.readdirSync(path.dirname(target))) {
      if (name.startsWith(prefix) && name.endsWith('.tmp'))
        fs.rmSync(path.join(path.dirname(target), name), { force: true });
    }
  } catch {
    // best effort: a leftover temp file is untidy, not harmful
  }
}

function takeOverStale(lockPath: string): void {
  const before = readOwner(lockPath);
  const aside = `${lockPath}.${randomBytes(4).toString('hex')}.stale`;
  try {
    fs.renameSync(lockPath, aside);
  } catch {
    return;
  }
  const moved = readOwner(aside);
  if (moved && moved.host === os.hostname() && !processAlive(moved.pid))
    removeTempFilesOf(lockPath, moved.pid);
  if (before && moved && moved.nonce !== before.nonce) {
    // Raced with another taker and moved a live lock: put it back if the slot is still free.
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // someone holds it now; the displaced owner still releases by nonce
    }
  }
  fs.rmSync(aside, { force: true });
}

export interface HeldLock {
  release(): void;
}

export async function acquireLock(target: string, options: LockOptions = {}): Promise<HeldLock> {
  const lockPath = lockPathFor(target);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const staleMs = options.staleMs ?? 20_000;
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    nonce: randomBytes(8).toString('hex'),
    since: Date.now(),
  };
  const deadline = Date.now() + timeoutMs;
  try {
    ensureDir(path.dirname(lockPath));
  } catch (error) {
    throw fileAccessError('create the folder for the lock', lockPath, error);
  }
  let waited = false;
  let delay = 5;
  for (;;) {
    if (options.signal?.aborted) throw new InterruptedError('interrupted while waiting for a lock');
    if (tryCreate(lockPath, owner)) break;
    const state = isStale(lockPath, staleMs);
    if (state === 'stale') {
      takeOverStale(lockPath);
      continue;
    }
    if (!waited) {
      waited = true;
      options.onWait?.(state);
    }
    if (Date.now() > deadline) {
      throw new LockTimeoutError(`timed out after ${Math.round(timeoutMs / 1000)}s waiting for ${lockPath}`, {
        hint: state
          ? `process ${state.pid} holds it; if it is gone, delete the lock file`
          : 'delete the lock file if no rolehop is running',
      });
    }
    await sleep(delay + Math.random() * delay, undefined, { ref: true });
    delay = Math.min(delay * 1.5, 100);
  }
  const heartbeat = setInterval(
    () => {
      const now = new Date();
      try {
        fs.utimesSync(lockPath, now, now);
      } catch {
        // lost the lock file; release() will notice
      }
    },
    Math.max(1000, staleMs / 3),
  );
  heartbeat.unref();
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      clearInterval(heartbeat);
      if (readOwner(lockPath)?.nonce === owner.nonce) fs.rmSync(lockPath, { force: true });
    },
  };
}

/** Run `fn` while holding the lock for `target`. */
export async function withLock<T>(
  target: string,
  fn: () => Promise<T> | T,
  options: LockOptions = {},
): Promise<T> {
  const lock = await acquireLock(target, options);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}
