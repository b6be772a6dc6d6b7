import type { ConfigView } from '../config/model.ts';
import type { AssumeRoleHop, Plan, Source } from '../config/plan.ts';
import { resolvePlan } from '../config/resolve.ts';
import type { SsoSessionRef } from '../sso/session.ts';
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
import { ConfigError, UsageError } from '../util/errors.ts';

// Profile or selectors → Plan. Pure: no terminal, no network, so the library entry (fromRolehop)
// and every command build plans the same way, and bad input is refused before any call is made.

type Env = Readonly<Record<string, string | undefined>>;

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

/** A selection whose account and role are known (ids resolved), ready to become a Plan. */
export interface ResolvedAccount {
  session: SsoSessionRef;
  accountId: string;
  roleName: string;
  accountName?: string;
}

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

/** The region a selector plan uses: --region, then the environment. */
export function selectorRegion(sel: Selection, env: Env): string | undefined {
  return sel.region || env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined;
}

/** A profile's plan with the selection's hops appended. */
export function planForProfile(view: ConfigView, sel: Selection & { profile: string }, env: Env): Plan {
  const options = parseHopOptions(sel);
  if (sel.account !== undefined || sel.role !== undefined) {
    throw new UsageError('give either a profile or --account/--role, not both', {
      hint: `drop the profile "${sel.profile}" to select by account, or drop --account/--role`,
    });
  }
  const plan = resolvePlan(view, sel.profile, {
    env,
    ...(sel.region ? { regionOverride: sel.region } : {}),
  });
  checkSsoSource(plan.source, sel.profile);
  return applyHops(plan, options);
}

/** A malformed account id or an empty role name is a config error here, not a portal 404 or 400. */
function checkSsoSource(source: Source, profile: string): void {
  if (source.kind !== 'sso') return;
  if (!ACCOUNT_ID.test(source.accountId)) {
    throw new ConfigError(
      `profile "${profile}" uses sso_account_id "${source.accountId}", which is not a 12-digit AWS account id`,
      { hint: "fix sso_account_id in the profile; 'rolehop ls' shows your account ids" },
    );
  }
  if (source.roleName.trim() === '') {
    throw new ConfigError(`profile "${profile}" uses an empty sso_role_name`, {
      hint: "set sso_role_name in the profile; 'rolehop ls' shows your roles",
    });
  }
}

/** A plan from an account and role in an sso-session (ids already resolved), plus hops. */
export function planForAccount(target: ResolvedAccount, sel: Selection, env: Env): Plan {
  const options = parseHopOptions(sel);
  const source: Source = {
    kind: 'sso',
    startUrl: target.session.startUrl,
    ssoRegion: target.session.region,
    accountId: target.accountId,
    roleName: target.roleName,
    ...(target.session.name ? { session: target.session.name } : {}),
    ...(target.session.scopes ? { registrationScopes: target.session.scopes } : {}),
  };
  const region = selectorRegion(sel, env);
  return applyHops({ source, hops: [], ...(region ? { region } : {}) }, options);
}

/** A plan from the environment's web identity (nothing named: the SDKs' default chain), plus hops. */
export function planForWebIdentity(
  source: Extract<Source, { kind: 'web-identity' }>,
  sel: Selection,
  env: Env,
): Plan {
  const options = parseHopOptions(sel);
  const region = selectorRegion(sel, env);
  return applyHops({ source, hops: [], ...(region ? { region } : {}) }, options);
}

export const ACCOUNT_ID = /^\d{12}$/;

/** The usage error for "nothing selected" (no terminal for the picker). */
export function noTargetError(command: string): UsageError {
  return new UsageError('no profile or account selected', {
    hint: `name a profile (rolehop ${command} PROFILE) or select with --account ID|NAME --role NAME; 'rolehop ls' lists them (the interactive picker needs a terminal)`,
  });
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
