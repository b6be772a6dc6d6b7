import type { Env } from '../util/env.ts';
import type { ConfigView } from './model.ts';

// The one rule for the region rolehop exports, hands to a child, calls STS in and writes into
// profiles. Every command and fromRolehop take it from here, so they cannot disagree.
//
// Order: --region, the selected profile's `region`, AWS_REGION, AWS_DEFAULT_REGION, the [default]
// profile's `region`, then the Identity Center region of the sign-in (sso_region).
// This differs on purpose from the SDKs, which put the environment before the profile
// (@smithy NODE_REGION_CONFIG_OPTIONS: AWS_REGION, then `region`; botocore: AWS_DEFAULT_REGION, then
// `region`): naming a profile is a more specific choice than a variable left in the shell, and
// rolehop writes what it picks into the child's AWS_REGION, which then wins for the child's SDK.
// The last two steps exist so a new user with no default region still gets a working child.

export interface RegionChoice {
  value: string;
  /** Where it came from, as `explain` shows it: `--region`, `profile "p"`, `AWS_REGION`, … */
  from: string;
}

export interface RegionInputs {
  /** --region. */
  override?: string | undefined;
  /** The profile the plan was resolved from (absent for selectors). */
  profile?: string | undefined;
  /** The sign-in the chain starts from, if it is an SSO one: its sso_region is the last fallback. */
  signIn?: { ssoRegion: string; session?: string | undefined } | undefined;
}

function profileRegion(view: ConfigView, name: string): string | undefined {
  const props = Object.hasOwn(view.profiles, name) ? view.profiles[name] : undefined;
  const value = props && Object.hasOwn(props, 'region') ? props.region : undefined;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The region of a plan and where it came from; undefined when nothing names one. */
export function chooseRegion(view: ConfigView, env: Env, inputs: RegionInputs): RegionChoice | undefined {
  if (inputs.override) return { value: inputs.override, from: '--region' };
  const own = inputs.profile === undefined ? undefined : profileRegion(view, inputs.profile);
  if (own) return { value: own, from: `profile "${inputs.profile}"` };
  if (env.AWS_REGION) return { value: env.AWS_REGION, from: 'AWS_REGION' };
  if (env.AWS_DEFAULT_REGION) return { value: env.AWS_DEFAULT_REGION, from: 'AWS_DEFAULT_REGION' };
  const fallback = profileRegion(view, 'default');
  if (fallback) return { value: fallback, from: 'profile "default"' };
  const signIn = inputs.signIn;
  if (signIn) {
    const where = signIn.session ? `sso-session "${signIn.session}"` : 'the SSO settings of the profile';
    return { value: signIn.ssoRegion, from: `sso_region of ${where}` };
  }
  return undefined;
}
