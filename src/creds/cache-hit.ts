import type { Plan } from '../config/plan.ts';
import { readFreshStep } from './cache-file.ts';
import { type PlanSteps, planSteps, type StepSpec } from './step-key.ts';
import type { Credentials, RunPlanDeps } from './types.ts';
import { checkCredentialValues, checkRegionName } from './value-alphabets.ts';

// A plan's answer from the cache alone: shared by runPlan and the warm entry (cli/warm.ts), which
// must load none of the steps, providers or SDK, so this module imports none of them.

export interface CacheLookup {
  steps: PlanSteps;
  last: StepSpec;
  /** The last step's fresh, checked cache entry; undefined on a miss. */
  hit: Credentials | undefined;
}

/** Checks the region (it names the STS host) before anything else, then looks the last step up. */
export function lookUpCache(
  plan: Plan,
  deps: Pick<RunPlanDeps, 'env' | 'view' | 'now' | 'minTtlSeconds'>,
): CacheLookup {
  if (plan.region !== undefined) checkRegionName(plan.region);
  const steps = planSteps(plan, deps);
  const last = steps.hops.at(-1) ?? steps.source;
  if (!last.cacheable) return { steps, last, hit: undefined };
  const hit = readFreshStep(last.key, deps);
  return { steps, last, hit: hit && checkCredentialValues(hit, last.description) };
}
