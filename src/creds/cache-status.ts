import * as fs from 'node:fs';
import * as path from 'node:path';
import { homeDir, rolehopCacheDir } from '../config/paths.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { type CacheEntry, parseCacheEntry } from './cache-file.ts';
import type { Env } from './types.ts';

/** One cached step as `rolehop status` shows it: never a secret. */
export interface CachedStepInfo {
  file: string;
  /** The step in words; the raw key is left out (it can hold an external id). */
  description: string;
  origin: CacheEntry['origin'];
  expiration: Date;
}

function entries(env: Env): { file: string; entry: CacheEntry | undefined }[] {
  const dir = rolehopCacheDir(env);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith('creds-') && n.endsWith('.json'))
    .map((n) => {
      const file = path.join(dir, n);
      let entry: CacheEntry | undefined;
      try {
        const bytes = readPrivateFile(file, homeDir(env));
        entry = bytes ? parseCacheEntry(bytes.toString('utf8')) : undefined;
      } catch {
        entry = undefined;
      }
      return { file, entry };
    });
}

/** The cached credential steps, soonest expiry first. Unreadable files are skipped. */
export function cacheStatus(env: Env): CachedStepInfo[] {
  const out: CachedStepInfo[] = [];
  for (const { file, entry } of entries(env)) {
    if (!entry) continue;
    out.push({
      file,
      description: entry.description,
      origin: entry.origin ?? { kind: 'unknown' },
      expiration: new Date(entry.expiration),
    });
  }
  return out.sort((a, b) => a.expiration.getTime() - b.expiration.getTime());
}

/**
 * Deletes cached steps the predicate selects (e.g. everything from one sso-session on logout);
 * corrupt files are deleted too when `includeCorrupt`. Returns how many were removed.
 */
export function clearCachedCredentials(
  env: Env,
  predicate: (step: CachedStepInfo) => boolean = () => true,
  options: { includeCorrupt?: boolean } = {},
): number {
  let removed = 0;
  const listed = new Map(cacheStatus(env).map((s) => [s.file, s]));
  for (const { file, entry } of entries(env)) {
    const info = listed.get(file);
    const selected = entry && info ? predicate(info) : options.includeCorrupt === true;
    if (!selected) continue;
    try {
      fs.rmSync(file);
      removed++;
    } catch {
      // already gone
    }
  }
  return removed;
}
