import { readRoleArn } from '../config/hop-rules.ts';
import type { AssumeRoleHop, Plan } from '../config/plan.ts';

// How run-time messages name a hop: "AssumeRole hop 2 of prod-deploy (dev -> Deploy)" — which hop of
// which profile, from whose credentials to which role — as botocore names the profiles it visited.
// Only the miss path (run-steps) builds labels; a cache hit never does.

function roleNameOf(hop: AssumeRoleHop): string {
  const arn = readRoleArn(hop.roleArn);
  return 'problem' in arn ? hop.roleArn : arn.roleName;
}

/** Where the first credentials come from: the source profile when the plan has one. */
function sourceNameOf(plan: Plan): string {
  if (plan.sourceProfile !== undefined) return plan.sourceProfile;
  const s = plan.source;
  switch (s.kind) {
    case 'sso':
      return `${s.accountId}/${s.roleName}`;
    case 'static':
      return s.profile;
    case 'process':
      return s.profile ?? 'credential_process';
    case 'env':
      return 'environment';
    case 'login':
      return s.profile;
    case 'web-identity':
      return s.profile ?? 'web identity';
    case 'credential-source':
      return `credential_source ${s.name}`;
  }
}

/** The label of `plan.hops[index]`; a hop from a profile is named by it, an --assume hop by its role. */
export function hopLabel(plan: Plan, index: number): string {
  const hop = plan.hops[index]!;
  const previous = plan.hops[index - 1];
  const from = previous ? (previous.profile ?? roleNameOf(previous)) : sourceNameOf(plan);
  const of = plan.profile !== undefined ? ` of ${plan.profile}` : '';
  return `AssumeRole hop ${index + 1}${of} (${from} -> ${roleNameOf(hop)})`;
}
