import type { Plan } from '../config/plan.ts';
import { cacheFileFor, DEFAULT_MIN_TTL_SECONDS, readFreshCredentials } from './cache-file.ts';
import { planSteps } from './step-key.ts';
import type { Credentials, RunPlanDeps } from './types.ts';

/**
 * Credentials for a plan. A fresh cache entry for the last step is returned straight away,
 * without loading the SDK, crypto or the providers (this path is benchmarked); otherwise the
 * steps run with per-step caching and cross-process single-flight.
 */
export async function runPlan(plan: Plan, deps: RunPlanDeps): Promise<Credentials> {
  const steps = planSteps(plan, deps);
  const last = steps.hops.at(-1) ?? steps.source;
  const minTtlMs = (deps.minTtlSeconds ?? DEFAULT_MIN_TTL_SECONDS) * 1000;
  if (last.cacheable) {
    const hit = readFreshCredentials(cacheFileFor(deps.env, last.key), last.key, deps.now(), minTtlMs);
    if (hit) {
      deps.log.debug(`credentials from cache: ${last.description}`);
      return hit;
    }
  }
  const { runSteps } = await import('./run-steps.ts');
  return runSteps(plan, steps, deps, { lastChecked: last.cacheable });
}
