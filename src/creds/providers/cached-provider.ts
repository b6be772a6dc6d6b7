import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureDir } from '../../util/atomic-file.ts';
import { withLock } from '../../util/lock.ts';
import {
  type CacheEntry,
  cacheFileFor,
  DEFAULT_MIN_TTL_SECONDS,
  readFreshCredentials,
} from '../cache-file.ts';
import { writeCacheEntry } from '../cache-write.ts';
import type { StepSpec } from '../step-key.ts';
import type { RunPlanDeps } from '../types.ts';
import { checkCredentialValues } from '../value-alphabets.ts';
import type { CredentialProvider } from './provider.ts';

/**
 * Wraps any provider with the on-disk cache and cross-process single-flight: under the step's
 * lock, re-read the cache (another process may have just fetched it), else fetch and write.
 */
export function cachedProvider(
  spec: StepSpec,
  origin: CacheEntry['origin'],
  provider: CredentialProvider,
  deps: RunPlanDeps,
): CredentialProvider {
  const file = cacheFileFor(deps.env, spec.key);
  const minTtlMs = (deps.minTtlSeconds ?? DEFAULT_MIN_TTL_SECONDS) * 1000;
  return (source) => {
    ensurePrivateDir(path.dirname(file));
    return withLock(
      file,
      async () => {
        const cached = readFreshCredentials(file, spec.key, deps.now(), minTtlMs);
        if (cached) {
          deps.log.debug(`cached by another process: ${spec.description}`);
          return cached;
        }
        deps.log.debug(`fetching: ${spec.description}`);
        // Checked before it is cached: a malformed answer would otherwise be refused until it expired.
        const fresh = checkCredentialValues(await provider(source), spec.description);
        try {
          writeCacheEntry(file, spec, origin, fresh, deps.now());
        } catch (error) {
          // The credentials are good; only reuse is lost.
          deps.log.warn(`could not cache credentials in ${file}: ${(error as Error).message}`);
        }
        return fresh;
      },
      {
        timeoutMs: deps.lockTimeoutMs,
        signal: deps.signal,
        onWait: () => deps.log.debug(`waiting for another rolehop fetching: ${spec.description}`),
      },
    );
  };
}

/** The cache folder holds secrets: create it 0700, and narrow it if someone widened it. */
function ensurePrivateDir(dir: string): void {
  ensureDir(dir);
  const mode = fs.statSync(dir).mode & 0o777;
  if (mode & 0o077) fs.chmodSync(dir, 0o700);
}
