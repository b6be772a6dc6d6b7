import * as path from 'node:path';
import { homeDir } from '../../config/paths.ts';
import { withLock } from '../../util/lock.ts';
import { ensurePrivateDir } from '../../util/private-file.ts';
import { type CacheEntry, cacheFileFor, readFreshStep } from '../cache-file.ts';
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
  return (source) => {
    ensurePrivateDir(path.dirname(file), homeDir(deps.env));
    return withLock(
      file,
      async () => {
        const cached = readFreshStep(spec.key, deps);
        if (cached) {
          deps.log.debug(`cached by another process: ${spec.description}`);
          return cached;
        }
        deps.log.debug(`fetching: ${spec.description}`);
        // Checked before it is cached: a malformed answer would otherwise be refused until it expired.
        const fresh = checkCredentialValues(await provider(source), spec.description);
        // The credentials are good; a failed write only loses reuse (writeCacheEntry warns).
        writeCacheEntry(deps.env, file, spec, origin, fresh, deps.now(), (m) => deps.log.warn(m));
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
