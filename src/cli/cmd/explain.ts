import { envProfileName } from '../../config/env-profile.ts';
import { loadConfigView } from '../../config/load.ts';
import type { AssumeRoleHop, Plan, Source } from '../../config/plan.ts';
import { chooseRegion } from '../../config/region.ts';
import { type PlanTrace, resolvePlanWithTrace } from '../../config/resolve.ts';
import { webIdentityFromEnv } from '../../config/web-identity-env.ts';
import { checkSsoSource, planForWebIdentity } from '../../creds/target.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, flagOf, onePositional } from '../spec.ts';

function describeSource(source: Source): string {
  switch (source.kind) {
    case 'sso':
      return `IAM Identity Center: account ${source.accountId}, role ${source.roleName}, ${
        source.session
          ? `sso-session "${source.session}" (${source.startUrl}, ${source.ssoRegion})`
          : `legacy start URL ${source.startUrl} (${source.ssoRegion})`
      }`;
    case 'static':
      return `static keys of profile "${source.profile}"`;
    case 'process':
      return `credential_process of profile "${source.profile ?? '?'}": ${source.command}`;
    case 'env':
      return 'AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment';
    case 'login':
      return `aws login sign-in ${source.session} (the AWS CLI's ~/.aws/login/cache; refreshed by the SDK's login provider)`;
    case 'web-identity':
      return `web identity: AssumeRoleWithWebIdentity ${source.roleArn}${source.sessionName ? `, session name ${source.sessionName}` : ''}, token from ${source.tokenFile}`;
    case 'credential-source':
      return `credential_source ${source.name}`;
  }
}

function describeHop(hop: AssumeRoleHop): string {
  const parts = [`assume ${hop.roleArn}`];
  if (hop.sessionName) parts.push(`session name ${hop.sessionName}`);
  if (hop.externalId) parts.push('with external id');
  if (hop.mfaSerial) parts.push(`MFA ${hop.mfaSerial}`);
  if (hop.durationSeconds) parts.push(`for ${hop.durationSeconds} s`);
  if (hop.sourceIdentity) parts.push(`source identity ${hop.sourceIdentity}`);
  return parts.join(', ');
}

function human(plan: Plan, trace: PlanTrace): string {
  const lines = [`profile ${plan.profile} (chain ${trace.chain.join(' -> ')})`];
  lines.push(`  region:  ${trace.region ? `${trace.region.value} (from ${trace.region.from})` : 'none set'}`);
  lines.push(`  source:  ${describeSource(plan.source)}  [profile "${trace.sourceProfile}"]`);
  plan.hops.forEach((hop, i) => {
    lines.push(`  hop ${i + 1}:   ${describeHop(hop)}  [profile "${hop.profile}"]`);
  });
  return `${lines.join('\n')}\n`;
}

/** What explain acts on, typed: the command line is read once, in parseExplainInput. */
export interface ExplainInput {
  /** As named; undefined means the default profile (AWS_PROFILE, AWS_DEFAULT_PROFILE, default). */
  profile: string | undefined;
  region: string | undefined;
  json: boolean;
}

export function parseExplainInput(raw: CommandInput): ExplainInput {
  return {
    profile: onePositional(raw, 'explain', 'profile') ?? raw.globals.profile,
    region: raw.globals.region,
    json: flagOf(raw, 'json'),
  };
}

/**
 * The plan and its trace the commands would run: the profile named, else the environment's profile,
 * else the environment's web identity (as creds/target.ts chooses), else `default`.
 */
function planToExplain(input: ExplainInput, deps: Deps): { profile: string; plan: Plan; trace: PlanTrace } {
  const view = loadConfigView(deps.env);
  const profile = input.profile ?? envProfileName(deps.env);
  const webIdentity = profile === undefined ? webIdentityFromEnv(deps.env) : undefined;
  if (webIdentity) {
    const plan = planForWebIdentity(webIdentity, { region: input.region }, view, deps.env);
    const region = chooseRegion(view, deps.env, { override: input.region });
    const from = '(environment: AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)';
    return {
      profile: from,
      plan,
      trace: { chain: [from], sourceProfile: from, ...(region ? { region } : {}) },
    };
  }
  const name = profile ?? 'default';
  const options = { env: deps.env, ...(input.region ? { regionOverride: input.region } : {}) };
  const { plan, trace } = resolvePlanWithTrace(view, name, options);
  checkSsoSource(plan.source, name);
  return { profile: name, plan, trace };
}

/** The plan of a profile, hop by hop, and where each part came from. */
export function explain(input: ExplainInput, deps: Deps): number {
  const { profile, plan, trace } = planToExplain(input, deps);
  if (input.json) {
    const region = { region: plan.region ?? null, regionFrom: trace.region?.from ?? null };
    deps.stdout.write(
      `${JSON.stringify({ profile, ...region, source: plan.source, hops: plan.hops }, null, 2)}\n`,
    );
  } else {
    deps.stdout.write(human(plan, trace));
  }
  return 0;
}

export const run: CommandRun = (raw, deps) => explain(parseExplainInput(raw), deps);
