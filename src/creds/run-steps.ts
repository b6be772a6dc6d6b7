import { clientSettings } from '../config/endpoints.ts';
import type { Plan } from '../config/plan.ts';
import { defaultRegionFor, parseRoleArn } from '../sts/role-arn.ts';
import { validateHopInput } from '../sts/validate.ts';
import { readFreshStep } from './cache-file.ts';
import { originOf } from './cache-write.ts';
import { hopLabel } from './hop-label.ts';
import { assumeRoleProvider } from './providers/assume-role-provider.ts';
import { cachedProvider } from './providers/cached-provider.ts';
import type { CredentialProvider } from './providers/provider.ts';
import { sourceProvider } from './providers/source-provider.ts';
import type { PlanSteps, StepSpec } from './step-key.ts';
import type { Credentials, RunPlanDeps } from './types.ts';

interface Step {
  spec: StepSpec;
  provider: CredentialProvider;
}

/**
 * The miss path of runPlan: resume after the deepest fresh cached step, caching each new one.
 * `lastChecked`: runPlan has just read the last step's file and missed, so the scan starts below
 * it (the last step's provider still re-reads it under its lock, for a racing process's write).
 */
export async function runSteps(
  plan: Plan,
  specs: PlanSteps,
  deps: RunPlanDeps,
  options: { lastChecked?: boolean } = {},
): Promise<Credentials> {
  const origin = originOf(plan.source, deps.env);
  const wrap = (spec: StepSpec, provider: CredentialProvider): Step => ({
    spec,
    provider: spec.cacheable ? cachedProvider(spec, origin, provider, deps) : provider,
  });
  // Every hop is checked before the first step runs: a typo in hop 2 costs no SSO call.
  const labels = specs.hops.map((_, i) => hopLabel(plan, i));
  specs.hops.forEach((hop, i) => {
    validateHopInput(
      { ...hop.hop, sessionName: hop.sessionName, durationSeconds: hop.durationSeconds },
      deps.mfaCode,
      labels[i],
    );
  });
  // The hops' SDK (the STS client's package) loads while the source's request is on the network,
  // rather than after its answer: ~45 ms of a cold chain's call (bench/RESULTS.md, seventh round).
  const whileWaiting = () => void loadStsClient().catch(() => {}); // a failure shows when a hop loads it
  const sourceDeps = specs.hops.length > 0 ? { ...deps, whileWaiting } : deps;
  const steps: Step[] = [wrap(specs.source, sourceProvider(plan, specs.source, sourceDeps))];
  specs.hops.forEach((hop, i) => {
    const region = plan.region || defaultRegionFor(parseRoleArn(hop.hop.roleArn).partition);
    const client = clientSettings('STS', deps.env, deps.view, hop.hop.profile ?? plan.profile);
    steps.push(wrap(hop, assumeRoleProvider(hop, { region, client, label: labels[i]! }, deps)));
  });

  let start = 0;
  let creds: Credentials | undefined;
  for (let i = steps.length - (options.lastChecked ? 2 : 1); i >= 0; i--) {
    const spec = steps[i]!.spec;
    if (!spec.cacheable) continue;
    const hit = readFreshStep(spec.key, deps);
    if (hit) {
      deps.log.debug(`cached: ${spec.description}`);
      creds = hit;
      start = i + 1;
      break;
    }
  }
  for (const step of steps.slice(start)) creds = await step.provider(creds);
  return creds!;
}

/** Loads the SDK chunk and initialises its STS client package (a lazy one: scripts/lazy-packages.mjs). */
async function loadStsClient(): Promise<unknown> {
  return (await import('../sdk/clients.ts')).STSClient; // reading the name initialises the package
}
