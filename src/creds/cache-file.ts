import * as fs from 'node:fs';
import { homeDir, joinPath, rolehopCacheDir } from '../config/paths.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { registerSecret } from '../util/redact.ts';
import type { Credentials, Env, RunPlanDeps } from './types.ts';

// Reading the credential cache: on the hot path, so plain fs and a JS hash, no crypto.

export const CACHE_FORMAT_VERSION = 1;
export const DEFAULT_MIN_TTL_SECONDS = 600;
/** No AWS session lasts longer (GetSessionToken's maximum): a later expiry was not written by rolehop. */
export const MAX_SESSION_MS = 36 * 60 * 60_000;

export interface CacheEntry {
  version: number;
  key: string;
  description: string;
  /** The chain's origin (no secrets), so logout can find what a session produced. */
  origin: {
    kind: string;
    session?: string;
    startUrl?: string;
    accountId?: string;
    roleName?: string;
    /** The SSO token file of the sign-in these credentials came from: served only while it exists. */
    tokenFile?: string;
  };
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration: string;
  createdAt: string;
}

/** FNV-1a, 64 bit, over the text's UTF-8 bytes: a file name, not a security boundary. */
export function fnv1a64(text: string): string {
  return fnv1a64Bytes(Buffer.from(text, 'utf8'));
}

/**
 * FNV-1a, 64 bit, in two 32-bit halves: the BigInt form took ~0.4 ms of a warm call for a chain's
 * key. The prime is 2^40 + 0x1b3, so the product is the halves times 0x1b3 plus the low half shifted
 * 40 bits (8 into the high half). Also the warm memo's digest of a file (cli/warm-memo.ts).
 */
export function fnv1a64Bytes(bytes: Uint8Array): string {
  let high = 0xcbf29ce4;
  let low = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    low = (low ^ bytes[i]!) >>> 0;
    const lowProduct = low * 0x1b3; // < 2^41: exact in a double
    high = (Math.imul(high, 0x1b3) + Math.floor(lowProduct / 2 ** 32) + (low << 8)) >>> 0;
    low = lowProduct >>> 0;
  }
  return high.toString(16).padStart(8, '0') + low.toString(16).padStart(8, '0');
}

export function cacheFileFor(env: Env, key: string): string {
  return joinPath(rolehopCacheDir(env), `creds-${fnv1a64(key)}.json`);
}

/** A string rolehop could have written: no NUL byte (nothing downstream expects one). */
function isCleanString(value: unknown): value is string {
  return typeof value === 'string' && !value.includes('\0');
}

export function parseCacheEntry(text: string): CacheEntry | undefined {
  try {
    const entry = JSON.parse(text) as CacheEntry;
    if (
      !entry ||
      entry.version !== CACHE_FORMAT_VERSION ||
      typeof entry.key !== 'string' ||
      !isCleanString(entry.accessKeyId) ||
      !isCleanString(entry.secretAccessKey) ||
      (entry.sessionToken !== undefined && !isCleanString(entry.sessionToken)) ||
      typeof entry.expiration !== 'string' ||
      Number.isNaN(Date.parse(entry.expiration))
    ) {
      return undefined;
    }
    return entry;
  } catch {
    return undefined;
  }
}

/**
 * The cached credentials for `key` with more than `minTtlMs` left, else undefined: a corrupt,
 * untrusted (see readPrivateFile) or implausible entry (expiring after any AWS session could) is a miss.
 */
export function readFreshCredentials(
  env: Env,
  file: string,
  key: string,
  nowMs: number,
  minTtlMs: number,
): Credentials | undefined {
  const bytes = readPrivateFile(file, homeDir(env));
  if (!bytes) return undefined;
  const entry = parseCacheEntry(bytes.toString('utf8'));
  if (!entry || entry.key !== key) return undefined;
  const expiration = new Date(entry.expiration);
  const left = expiration.getTime() - nowMs;
  if (left <= minTtlMs || left > MAX_SESSION_MS) return undefined;
  // Signed out (`aws sso logout`, `rolehop logout` deletes the token): what it produced is not served.
  if (typeof entry.origin?.tokenFile === 'string' && !fs.existsSync(entry.origin.tokenFile)) return undefined;
  registerSecret(entry.secretAccessKey);
  registerSecret(entry.sessionToken);
  return {
    accessKeyId: entry.accessKeyId,
    secretAccessKey: entry.secretAccessKey,
    sessionToken: entry.sessionToken,
    expiration,
  };
}

/** The step's cache file when it holds credentials fresh enough for the run (its minTtl), else undefined. */
export function readFreshStep(
  key: string,
  deps: Pick<RunPlanDeps, 'env' | 'now' | 'minTtlSeconds'>,
): Credentials | undefined {
  const minTtlMs = (deps.minTtlSeconds ?? DEFAULT_MIN_TTL_SECONDS) * 1000;
  return readFreshCredentials(deps.env, cacheFileFor(deps.env, key), key, deps.now(), minTtlMs);
}
