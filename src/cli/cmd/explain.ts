import { loadConfigView } from '../../config/load.ts';
import type { AssumeRoleHop, Plan, Source } from '../../config/plan.ts';
import { type PlanTrace, resolvePlanWithTrace } from '../../config/resolve.ts';
import { defaultProfileName } from '../../creds/target.ts';
import { UsageError } from '../../util/errors.ts';
import type { CommandRun } from '../spec.ts';

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

export const run: CommandRun = (input, deps) => {
  if (input.positionals.length > 1) {
    throw new UsageError(`explain takes one profile, got ${input.positionals.length}`, {
      hint: "run 'rolehop explain --help'",
    });
  }
  const profile = input.positionals[0] ?? input.globals.profile ?? defaultProfileName(deps.env);
  const options = {
    env: deps.env,
    ...(input.globals.region ? { regionOverride: input.globals.region } : {}),
  };
  const { plan, trace } = resolvePlanWithTrace(loadConfigView(deps.env), profile, options);
  if (input.values.json === true) {
    deps.stdout.write(
      `${JSON.stringify({ profile, region: plan.region ?? null, regionFrom: trace.region?.from ?? null, source: plan.source, hops: plan.hops }, null, 2)}\n`,
    );
  } else {
    deps.stdout.write(human(plan, trace));
  }
  return 0;
};
