// The credentials engine: a Plan run with a per-step cache and cross-process single-flight.

export { DEFAULT_MIN_TTL_SECONDS } from './cache-file.ts';
export { type CachedStepInfo, cacheStatus, clearCachedCredentials } from './cache-status.ts';
export { runPlan } from './run-plan.ts';
export { planSteps, type StepSpec } from './step-key.ts';
export type { Credentials, RunPlanDeps, SsoRoleCredentialsProvider, SsoSource } from './types.ts';
