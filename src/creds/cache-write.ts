import { homeDir } from '../config/paths.ts';
import type { Source } from '../config/plan.ts';
import { tokenCachePath } from '../sso/token-cache.ts';
import { formatIsoMillis } from '../util/iso-time.ts';
import { writePrivateCache } from '../util/private-file-write.ts';
import { CACHE_FORMAT_VERSION, type CacheEntry } from './cache-file.ts';
import type { Credentials, Env } from './types.ts';

export function originOf(source: Source, env: Env): CacheEntry['origin'] {
  if (source.kind === 'sso') {
    return {
      kind: 'sso',
      session: source.session,
      startUrl: source.startUrl,
      accountId: source.accountId,
      roleName: source.roleName,
      tokenFile: tokenCachePath(env, {
        ...(source.session ? { name: source.session } : {}),
        startUrl: source.startUrl,
      }),
    };
  }
  return { kind: source.kind };
}

/** Writes one step's credentials (0600, folder 0700, atomic); credentials without expiry are not cached. */
export function writeCacheEntry(
  env: Env,
  file: string,
  step: { key: string; description: string },
  origin: CacheEntry['origin'],
  creds: Credentials,
  nowMs: number,
  warn: (message: string) => void,
): void {
  if (!creds.expiration) return;
  const entry: CacheEntry = {
    version: CACHE_FORMAT_VERSION,
    key: step.key,
    description: step.description,
    origin,
    accessKeyId: creds.accessKeyId,
    secretAccessKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
    // Not Date#toISOString, whose first call costs ~1 ms of an SSO cold call (util/iso-time.ts).
    expiration: formatIsoMillis(creds.expiration.getTime()),
    createdAt: formatIsoMillis(nowMs),
  };
  writePrivateCache('credentials', file, `${JSON.stringify(entry, null, 2)}\n`, homeDir(env), warn);
}
