import type { Plan } from '../config/plan.ts';
import { lookUpCache } from './cache-hit.ts';
import type { Credentials, RunPlanDeps } from './types.ts';
import { checkCredentialValues } from './value-alphabets.ts';

/**
 * Credentials for a plan. Every command and the library get credentials here, so this is where
 * their values and the region are checked: the region before any request (it names the STS host),
 * the credentials, wherever they came from, before anything is printed, written or served.
 *
 * A fresh cache entry for the last step is returned straight away, without loading the SDK, crypto
 * or the providers (this path is benchmarked); otherwise the steps run with per-step caching and
 * cross-process single-flight.
 */
export async function runPlan(plan: Plan, deps: RunPlanDeps): Promise<Credentials> {
  const { steps, last, hit } = lookUpCache(plan, deps);
  if (hit) {
    deps.log.debug(`credentials from cache: ${last.description}`);
    return hit;
  }
  const { runSteps } = await import('./run-steps.ts');
  return checkCredentialValues(
    await runSteps(plan, steps, deps, { lastChecked: last.cacheable }),
    last.description,
  );
}
