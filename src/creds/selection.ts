import type { AssumeRoleHop, Plan } from '../config/plan.ts';
import { parseRoleArn } from '../sts/role-arn.ts';
import {
  validateDuration,
  validateExternalId,
  validateMfaSerial,
  validateSessionName,
  validateSourceIdentity,
  validateTags,
} from '../sts/validate.ts';
import { parseDurationSeconds } from '../util/duration.ts';
import { UsageError } from '../util/errors.ts';

// The selectors of a command line (or fromRolehop's options) and the hops they add to a Plan.
// Pure: every hop option is checked before any call is made. creds/target.ts turns a selection
// into a Plan.

/** What a user can name a target with (the selectors of design.md). */
export interface Selection {
  profile?: string;
  ssoSession?: string;
  /** Account id (12 digits) or name. */
  account?: string;
  role?: string;
  /** Role ARNs to assume in order, after the profile's or account's own credentials. */
  assume?: string[];
  externalId?: string;
  mfaSerial?: string;
  sessionName?: string;
  /** Seconds, or text like `1h` / `3600`. */
  duration?: string | number;
  sourceIdentity?: string;
  /** `key=value` strings or a record. */
  tags?: string[] | Record<string, string>;
  region?: string;
}

/** Options for the last hop that make no sense without one. */
const LAST_HOP_OPTIONS = [
  ['externalId', '--external-id'],
  ['mfaSerial', '--mfa-serial'],
  ['sourceIdentity', '--source-identity'],
  ['tags', '--tag'],
] as const;

export interface HopOptions {
  hops: AssumeRoleHop[];
  /** Applied to every hop: --session-name and --duration override the profile's values. */
  sessionName?: string;
  durationSeconds?: number;
  last: Partial<Pick<AssumeRoleHop, 'externalId' | 'mfaSerial' | 'sourceIdentity' | 'tags'>>;
}

function parseTags(tags: Selection['tags']): Record<string, string> | undefined {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags)) return validateTags(tags);
  const out: Record<string, string> = {};
  for (const tag of tags) {
    const eq = tag.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`invalid --tag "${tag}": expected KEY=VALUE`, {
        hint: 'e.g. --tag project=atlas (repeat --tag for more)',
      });
    }
    out[tag.slice(0, eq)] = tag.slice(eq + 1);
  }
  return validateTags(out);
}

/** Validates every hop option of a selection; throws UsageError before anything touches the network. */
export function parseHopOptions(sel: Selection): HopOptions {
  const hops: AssumeRoleHop[] = (sel.assume ?? []).map((arn) => {
    parseRoleArn(arn);
    return { roleArn: arn.trim() };
  });
  const options: HopOptions = { hops, last: {} };
  if (sel.sessionName !== undefined) options.sessionName = validateSessionName(sel.sessionName);
  if (sel.duration !== undefined) {
    const seconds =
      typeof sel.duration === 'number' ? sel.duration : parseDurationSeconds(sel.duration, '--duration');
    options.durationSeconds = validateDuration(seconds);
  }
  if (sel.externalId !== undefined)
    options.last.externalId = validateExternalId(sel.externalId, '--external-id');
  if (sel.mfaSerial !== undefined) options.last.mfaSerial = validateMfaSerial(sel.mfaSerial, '--mfa-serial');
  if (sel.sourceIdentity !== undefined) {
    options.last.sourceIdentity = validateSourceIdentity(sel.sourceIdentity, '--source-identity');
  }
  const tags = parseTags(sel.tags);
  if (tags !== undefined) options.last.tags = tags;
  return options;
}

/** Appends the selection's hops to a plan and applies the per-hop options. */
export function applyHops(plan: Plan, options: HopOptions): Plan {
  const hops = [...plan.hops.map((h) => ({ ...h })), ...options.hops.map((h) => ({ ...h }))];
  for (const hop of hops) {
    if (options.sessionName !== undefined) hop.sessionName = options.sessionName;
    if (options.durationSeconds !== undefined) hop.durationSeconds = options.durationSeconds;
  }
  const last = hops.at(-1);
  for (const [key, flag] of LAST_HOP_OPTIONS) {
    if (options.last[key] === undefined) continue;
    if (!last) {
      throw new UsageError(`${flag} applies to a role to assume, and there is none`, {
        hint: 'add --assume ROLE_ARN, or use a profile with role_arn',
      });
    }
    Object.assign(last, { [key]: options.last[key] });
  }
  return { ...plan, hops };
}

/** `profile p: sso 111122223333/Admin (sso-session org) -> assume arn:…` for messages. */
export function describePlan(plan: Plan): string {
  const s = plan.source;
  let source: string;
  if (s.kind === 'sso') {
    source = `sso ${s.accountId}/${s.roleName}${s.session ? ` (sso-session ${s.session})` : ''}`;
  } else if (s.kind === 'static') source = `static keys of profile "${s.profile}"`;
  else if (s.kind === 'process') source = 'credential_process';
  else if (s.kind === 'env') source = 'environment variables';
  else if (s.kind === 'web-identity') source = `web identity ${s.roleArn}`;
  else if (s.kind === 'login') source = `aws login session of profile "${s.profile}"`;
  else source = `credential_source ${s.name}`;
  const head = plan.profile ? `profile ${plan.profile}: ${source}` : source;
  return [head, ...plan.hops.map((h) => `assume ${h.roleArn}`)].join(' -> ');
}
