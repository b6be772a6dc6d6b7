import type { Plan } from '../config/plan.ts';
import { cacheFileFor, DEFAULT_MIN_TTL_SECONDS, readFreshCredentials } from './cache-file.ts';
import { type PlanSteps, planSteps, type StepSpec } from './step-key.ts';
import type { Credentials, RunPlanDeps } from './types.ts';
import { checkCredentialValues, checkRegionName } from './value-alphabets.ts';

/**
 * Credentials for a plan. Every command and the library get credentials here, so this is where
 * their values and the region are checked: the region before any request (it names the STS host),
 * the credentials, wherever they came from, before anything is printed, written or served.
 */
export async function runPlan(plan: Plan, deps: RunPlanDeps): Promise<Credentials> {
  if (plan.region !== undefined) checkRegionName(plan.region);
  const steps = planSteps(plan, deps);
  const last = steps.hops.at(-1) ?? steps.source;
  return checkCredentialValues(await credentialsOf(plan, steps, last, deps), last.description);
}

/**
 * A fresh cache entry for the last step is returned straight away, without loading the SDK, crypto
 * or the providers (this path is benchmarked); otherwise the steps run with per-step caching and
 * cross-process single-flight.
 */
async function credentialsOf(
  plan: Plan,
  steps: PlanSteps,
  last: StepSpec,
  deps: RunPlanDeps,
): Promise<Credentials> {
  const minTtlMs = (deps.minTtlSeconds ?? DEFAULT_MIN_TTL_SECONDS) * 1000;
  if (last.cacheable) {
    const hit = readFreshCredentials(
      deps.env,
      cacheFileFor(deps.env, last.key),
      last.key,
      deps.now(),
      minTtlMs,
    );
    if (hit) {
      deps.log.debug(`credentials from cache: ${last.description}`);
      return hit;
    }
  }
  const { runSteps } = await import('./run-steps.ts');
  return runSteps(plan, steps, deps, { lastChecked: last.cacheable });
}
