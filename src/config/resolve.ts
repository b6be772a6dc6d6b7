import type { Env } from '../util/env.ts';
import { ConfigError } from '../util/errors.ts';
import { DURATION_SECONDS, EXTERNAL_ID, MFA_SERIAL, readRoleArn, SESSION_NAME } from './hop-rules.ts';
import type { ConfigView, Properties } from './model.ts';
import { own } from './parse.ts';
import type { AssumeRoleHop, Plan, Source } from './plan.ts';
import { chooseRegion, type RegionChoice } from './region.ts';
import { readSsoSession, ssoSessionSection } from './sso-session.ts';

// Profile → Plan, with botocore's precedence (aws-protocols.md §5): on the selected profile role_arn
// wins over static keys; on a source profile static keys win and end the chain; otherwise the
// source resolves through sso, static keys, then credential_process.

export interface ResolveOptions {
  /** For AWS_REGION / AWS_DEFAULT_REGION. */
  env?: Env;
  /** --region: beats everything else. */
  regionOverride?: string;
}

export type ResolveErrorCode =
  | 'unknown-profile'
  | 'missing-source-profile'
  | 'source-and-credential-source'
  | 'no-role-source'
  | 'invalid-credential-source'
  | 'loop'
  | 'missing-sso-session'
  | 'sso-mismatch'
  | 'sso-key-outside-session'
  | 'partial-sso'
  | 'partial-sso-session'
  | 'partial-static'
  | 'no-credentials'
  | 'invalid-role-arn'
  | 'invalid-duration'
  | 'invalid-session-name'
  | 'invalid-external-id'
  | 'invalid-mfa-serial'
  | 'partial-web-identity';

/** A ConfigError that says which profile is at fault, so `doctor` can group and de-duplicate. */
export class ProfileResolutionError extends ConfigError {
  readonly code: ResolveErrorCode;
  /** The profile whose settings need fixing (for loops: the profiles in the loop, sorted). */
  readonly profile: string;
  constructor(code: ResolveErrorCode, profile: string, message: string, hint: string) {
    super(message, { hint });
    this.code = code;
    this.profile = profile;
  }
}

/** Where each part of a plan came from, for `explain`. */
export interface PlanTrace {
  /** Profiles visited, selected first (`A -> B -> C`). */
  chain: string[];
  /** The profile that supplies the first credentials. */
  sourceProfile: string;
  region?: RegionChoice;
}

const CREDENTIAL_SOURCES = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer'] as const;
type CredentialSourceName = (typeof CREDENTIAL_SOURCES)[number];
const SSO_PROFILE_KEYS = ['sso_start_url', 'sso_region', 'sso_account_id', 'sso_role_name'] as const;

function str(props: Properties, key: string): string | undefined {
  const v = own(props, key);
  return typeof v === 'string' ? v : undefined;
}

function has(props: Properties, key: string): boolean {
  return own(props, key) !== undefined;
}

function arrow(chain: string[]): string {
  return chain.join(' -> ');
}

/** "profile B (reached A -> B)" when B is not the selected one. */
function where(name: string, chain: string[]): string {
  return chain.length > 1 ? `profile "${name}" (chain ${arrow(chain)})` : `profile "${name}"`;
}

/** Names within a small edit distance or sharing a prefix/substring, best first. */
export function closeMatches(name: string, candidates: string[], max = 5): string[] {
  const lower = name.toLowerCase();
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored: { c: string; score: number }[] = [];
  for (const c of candidates) {
    const cl = c.toLowerCase();
    if (cl.includes(lower) || lower.includes(cl))
      scored.push({ c, score: Math.min(1, editDistance(lower, cl)) });
    // The length gap bounds the distance: skip the quadratic work for names that cannot match.
    else if (Math.abs(cl.length - lower.length) <= limit) {
      const score = editDistance(lower, cl);
      if (score <= limit) scored.push({ c, score });
    }
  }
  scored.sort((a, b) => a.score - b.score || a.c.localeCompare(b.c));
  return scored.slice(0, max).map(({ c }) => c);
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

// `doctor` resolves every profile; thousands may point at the same missing name.
const suggestions = new WeakMap<object, Map<string, string>>();

function didYouMean(name: string, names: Record<string, unknown>): string {
  let memo = suggestions.get(names);
  if (!memo) {
    memo = new Map();
    suggestions.set(names, memo);
  }
  let text = memo.get(name);
  if (text === undefined) {
    const close = closeMatches(name, Object.keys(names));
    text = close.length > 0 ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}? ` : '';
    memo.set(name, text);
  }
  return text;
}

/** The error for a profile name that is not defined, listing close matches. */
export function unknownProfileError(view: ConfigView, name: string): ProfileResolutionError {
  const names = Object.keys(view.profiles);
  return new ProfileResolutionError(
    'unknown-profile',
    name,
    names.length === 0
      ? `profile "${name}" is not defined: no profiles are defined in the config or credentials file`
      : `profile "${name}" is not defined in the config or credentials file`,
    view.warnings.length > 0
      ? `${didYouMean(name, view.profiles)}${view.warnings.length} line(s) of your files could not be read and may hide it: 'rolehop doctor' shows where`
      : `${didYouMean(name, view.profiles)}'rolehop config list' shows the profiles; 'rolehop configure ${name} …' creates one`,
  );
}

// Each hop is checked with config/hop-rules.ts, the rules the runner and the selectors use, so a
// profile that resolves here never fails later as a usage error; the message names the profile chain.

function validateRoleArn(arn: string, profile: string, chain: string[]): string {
  const value = arn.trim();
  const read = readRoleArn(value);
  if ('problem' in read) {
    throw new ProfileResolutionError(
      'invalid-role-arn',
      profile,
      `${where(profile, chain)} has role_arn "${value}", which is not an IAM role ARN: ${read.problem}`,
      `expected arn:aws:iam::<12-digit account>:role/<name> (or aws-cn, aws-us-gov): fix it with 'rolehop config set --profile ${profile} role_arn arn:aws:iam::111122223333:role/NAME'`,
    );
  }
  return value;
}

function validateDurationSeconds(raw: string, profile: string, chain: string[]): number {
  const value = raw.trim();
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!DURATION_SECONDS.accepts(n)) {
    throw new ProfileResolutionError(
      'invalid-duration',
      profile,
      `${where(profile, chain)} has duration_seconds "${value}": expected ${DURATION_SECONDS.expected}`,
      `e.g. 'rolehop config set --profile ${profile} duration_seconds 3600'`,
    );
  }
  return n;
}

/** The hop's string settings, each checked with its STS rule; a secret one is never quoted back. */
const SESSION_NAME_SETTING = {
  key: 'role_session_name',
  field: 'sessionName',
  code: 'invalid-session-name',
  rule: SESSION_NAME,
  example: 'my-name',
} as const;
const HOP_SETTINGS = [
  SESSION_NAME_SETTING,
  {
    key: 'external_id',
    field: 'externalId',
    code: 'invalid-external-id',
    rule: EXTERNAL_ID,
    example: 'VALUE-THE-ROLE-OWNER-GAVE-YOU',
    secret: true,
  },
  {
    key: 'mfa_serial',
    field: 'mfaSerial',
    code: 'invalid-mfa-serial',
    rule: MFA_SERIAL,
    example: 'arn:aws:iam::111122223333:mfa/alice',
  },
] as const;

/** A hop setting's value when the profile has one, checked with its STS rule. */
function settingOf(
  props: Properties,
  setting: (typeof HOP_SETTINGS)[number],
  profile: string,
  chain: string[],
): string | undefined {
  const value = str(props, setting.key);
  if (value === undefined || setting.rule.accepts(value)) return value;
  const has = 'secret' in setting ? `an ${setting.key} STS would refuse` : `${setting.key} "${value}"`;
  throw new ProfileResolutionError(
    setting.code,
    profile,
    `${where(profile, chain)} has ${has}: expected ${setting.rule.expected}`,
    `e.g. 'rolehop config set --profile ${profile} ${setting.key} ${setting.example}'`,
  );
}

/** The hop a profile with role_arn asks for; validates its options. */
function hopOf(props: Properties, profile: string, chain: string[]): AssumeRoleHop {
  const hop: AssumeRoleHop = { roleArn: validateRoleArn(str(props, 'role_arn') ?? '', profile, chain) };
  for (const setting of HOP_SETTINGS) {
    const value = settingOf(props, setting, profile, chain);
    if (value !== undefined) hop[setting.field] = value;
  }
  const duration = str(props, 'duration_seconds');
  if (duration !== undefined) hop.durationSeconds = validateDurationSeconds(duration, profile, chain);
  hop.profile = profile;
  return hop;
}

function credentialSourceOf(value: string, profile: string, chain: string[]): Source {
  if (!(CREDENTIAL_SOURCES as readonly string[]).includes(value)) {
    throw new ProfileResolutionError(
      'invalid-credential-source',
      profile,
      `${where(profile, chain)} has credential_source "${value}": expected one of ${CREDENTIAL_SOURCES.join(', ')}`,
      `set credential_source to one of those values (they are case-sensitive), or use source_profile instead`,
    );
  }
  return { kind: 'credential-source', name: value as CredentialSourceName };
}

function hasSsoConfig(props: Properties): boolean {
  return has(props, 'sso_session') || SSO_PROFILE_KEYS.some((k) => has(props, k));
}

/** The SSO source of a profile (sso-session or legacy keys); throws on partial or inconsistent config. */
export function ssoSourceOf(view: ConfigView, profile: string, chain: string[] = [profile]): Source {
  const props = own(view.profiles, profile) ?? {};
  const sessionName = str(props, 'sso_session');
  let startUrl: string | undefined;
  let ssoRegion: string | undefined;
  let registrationScopes: string[] | undefined;
  if (sessionName !== undefined) {
    const session = ssoSessionSection(view, sessionName);
    if (!session) {
      throw new ProfileResolutionError(
        'missing-sso-session',
        profile,
        `${where(profile, chain)} uses sso_session "${sessionName}", but there is no [sso-session ${sessionName}] section`,
        `${didYouMean(sessionName, view.ssoSessions)}add it with 'rolehop login --sso-session ${sessionName} --start-url URL --sso-region REGION', or fix sso_session`,
      );
    }
    for (const key of ['sso_start_url', 'sso_region'] as const) {
      const mine = str(props, key);
      if (mine === undefined) continue;
      const theirs = str(session, key);
      if (theirs === undefined) {
        throw new ProfileResolutionError(
          'sso-key-outside-session',
          profile,
          `${where(profile, chain)} sets ${key}, but with sso_session "${sessionName}" ${key} belongs in [sso-session ${sessionName}], which has none`,
          `move ${key} from [profile ${profile}] to [sso-session ${sessionName}]`,
        );
      }
      if (theirs !== mine) {
        throw new ProfileResolutionError(
          'sso-mismatch',
          profile,
          `${where(profile, chain)} has ${key} "${mine}" but its sso-session "${sessionName}" has "${theirs}"`,
          `remove ${key} from [profile ${profile}] (the sso-session's value is used) or make them equal`,
        );
      }
    }
    // The one reader (config/sso-session.ts) decides what a session lacks, as login and doctor see it.
    const read = readSsoSession(view, sessionName)!;
    if ('missing' in read) {
      throw new ProfileResolutionError(
        'partial-sso-session',
        profile,
        `[sso-session ${sessionName}] (used by ${where(profile, chain)}) is missing ${read.missing.join(', ')}`,
        `add ${read.missing.join(' and ')} to [sso-session ${sessionName}], e.g. 'rolehop config set --sso-session ${sessionName} sso_region eu-west-1'`,
      );
    }
    ({ startUrl, region: ssoRegion, scopes: registrationScopes } = read.ref);
  } else {
    startUrl = str(props, 'sso_start_url');
    ssoRegion = str(props, 'sso_region');
  }
  const accountId = str(props, 'sso_account_id');
  const roleName = str(props, 'sso_role_name');
  const missing = [
    sessionName === undefined && startUrl === undefined ? 'sso_start_url' : undefined,
    sessionName === undefined && ssoRegion === undefined ? 'sso_region' : undefined,
    accountId === undefined ? 'sso_account_id' : undefined,
    roleName === undefined ? 'sso_role_name' : undefined,
  ].filter((k) => k !== undefined);
  if (missing.length > 0) {
    throw new ProfileResolutionError(
      'partial-sso',
      profile,
      `${where(profile, chain)} is configured for SSO but is missing ${missing.join(', ')}`,
      sessionName === undefined && missing.includes('sso_start_url')
        ? `add sso_session (recommended) or sso_start_url + sso_region, plus sso_account_id and sso_role_name; 'rolehop configure ${profile} --account A --role R' writes a complete profile`
        : `add ${missing.join(' and ')} to [profile ${profile}]; 'rolehop ls' shows your accounts and roles`,
    );
  }
  const source: Source = {
    kind: 'sso',
    startUrl: startUrl!,
    ssoRegion: ssoRegion!,
    accountId: accountId!,
    roleName: roleName!,
  };
  if (sessionName !== undefined) source.session = sessionName;
  if (registrationScopes !== undefined) source.registrationScopes = registrationScopes;
  return source;
}

/** role_arn + web_identity_token_file (+ role_session_name): botocore's web identity profile. */
function webIdentitySourceOf(props: Properties, profile: string, chain: string[]): Source {
  const tokenFile = str(props, 'web_identity_token_file') ?? '';
  if (tokenFile.trim() === '' || !has(props, 'role_arn')) {
    throw new ProfileResolutionError(
      'partial-web-identity',
      profile,
      `${where(profile, chain)} uses web identity but ${tokenFile.trim() === '' ? 'web_identity_token_file is empty' : 'has no role_arn'}`,
      `set both role_arn and web_identity_token_file in [profile ${profile}]`,
    );
  }
  const source: Source = {
    kind: 'web-identity',
    roleArn: validateRoleArn(str(props, 'role_arn') ?? '', profile, chain),
    tokenFile: tokenFile.trim(),
    profile,
  };
  const sessionName = settingOf(props, SESSION_NAME_SETTING, profile, chain);
  if (sessionName !== undefined) source.sessionName = sessionName;
  return source;
}

function staticSourceOf(props: Properties, profile: string, chain: string[]): Source {
  const missing = ['aws_access_key_id', 'aws_secret_access_key'].filter((k) => !has(props, k));
  if (missing.length > 0) {
    throw new ProfileResolutionError(
      'partial-static',
      profile,
      `${where(profile, chain)} has static keys but is missing ${missing.join(', ')}`,
      `add ${missing.join(' and ')} to [${profile}] in the credentials file, or remove the other key`,
    );
  }
  return { kind: 'static', profile };
}

/** A profile's own credentials, when it does not assume a role: web identity, sso, static keys, process, then login_session. */
function directSourceOf(view: ConfigView, profile: string, chain: string[]): Source {
  const props = own(view.profiles, profile)!;
  if (has(props, 'web_identity_token_file')) return webIdentitySourceOf(props, profile, chain);
  if (hasSsoConfig(props)) return ssoSourceOf(view, profile, chain);
  if (has(props, 'aws_access_key_id') || has(props, 'aws_secret_access_key')) {
    return staticSourceOf(props, profile, chain);
  }
  const command = str(props, 'credential_process');
  if (command !== undefined) return { kind: 'process', command, profile };
  // Last, as in the JS SDK: a profile written by `aws login` (AWS CLI 2.32+).
  const login = str(props, 'login_session');
  if (login !== undefined && login.trim() !== '') return { kind: 'login', session: login.trim(), profile };
  throw new ProfileResolutionError(
    'no-credentials',
    profile,
    `${where(profile, chain)} did not contain credential information (no role_arn, web_identity_token_file, sso_*, static keys, credential_process or login_session)`,
    `configure it with 'rolehop configure ${profile} --account A --role R', or point source_profile at a profile that has credentials`,
  );
}

/** resolvePlan plus where each part came from. */
export function resolvePlanWithTrace(
  view: ConfigView,
  profile: string,
  options: ResolveOptions = {},
): { plan: Plan; trace: PlanTrace } {
  if (!own(view.profiles, profile)) throw unknownProfileError(view, profile);
  const chain: string[] = [];
  // Profiles that assume a role, outermost (selected) first; hops run in the reverse order.
  const assuming: { name: string; chain: string[] }[] = [];
  let name = profile;
  let source: Source;
  for (;;) {
    chain.push(name);
    const here = [...chain];
    const props = own(view.profiles, name)!;
    const selected = chain.length === 1;
    const hasStatic = has(props, 'aws_access_key_id') || has(props, 'aws_secret_access_key');
    const assumesRole = has(props, 'role_arn') && !has(props, 'web_identity_token_file');
    if (!assumesRole || (!selected && hasStatic)) {
      source = directSourceOf(view, name, here);
      break;
    }
    assuming.push({ name, chain: here });
    const sourceProfile = str(props, 'source_profile');
    const credentialSource = str(props, 'credential_source');
    if (sourceProfile !== undefined && credentialSource !== undefined) {
      throw new ProfileResolutionError(
        'source-and-credential-source',
        name,
        `${where(name, here)} sets both source_profile and credential_source; a role has exactly one source`,
        `remove one of them from [profile ${name}]`,
      );
    }
    if (credentialSource !== undefined) {
      source = credentialSourceOf(credentialSource, name, here);
      break;
    }
    if (sourceProfile === undefined) {
      throw new ProfileResolutionError(
        'no-role-source',
        name,
        `${where(name, here)} has role_arn but neither source_profile nor credential_source, so nothing can assume the role`,
        `add source_profile = <profile with credentials> (or credential_source = Environment|Ec2InstanceMetadata|EcsContainer) to [profile ${name}]`,
      );
    }
    if (!own(view.profiles, sourceProfile)) {
      throw new ProfileResolutionError(
        'missing-source-profile',
        name,
        `${where(name, here)} has source_profile "${sourceProfile}", which is not defined`,
        `${didYouMean(sourceProfile, view.profiles)}define [profile ${sourceProfile}] or fix source_profile in [profile ${name}]`,
      );
    }
    if (chain.includes(sourceProfile)) {
      // botocore allows a profile to source its own static keys (they sit beside role_arn).
      if (sourceProfile === name && hasStatic) {
        chain.push(name);
        source = staticSourceOf(props, name, [...chain]);
        break;
      }
      const loop = [...chain, sourceProfile];
      const members = [...new Set(chain.slice(chain.indexOf(sourceProfile)))].sort();
      throw new ProfileResolutionError(
        'loop',
        members.join(','),
        `profiles form a loop: ${arrow(loop)}`,
        `point source_profile of one of ${members.map((m) => `"${m}"`).join(', ')} at a profile with credentials (static keys, SSO or credential_process)`,
      );
    }
    name = sourceProfile;
  }
  // Validate hop options after the source so the first problem reported is the deepest one.
  const hops = assuming.reverse().map(({ name: n, chain: c }) => hopOf(own(view.profiles, n)!, n, c));
  const region = chooseRegion(view, options.env ?? {}, {
    override: options.regionOverride,
    profile,
    signIn: source.kind === 'sso' ? source : undefined,
  });
  const sourceProfile = chain[chain.length - 1]!;
  const plan: Plan = { profile, sourceProfile, source, hops };
  if (region) plan.region = region.value;
  const trace: PlanTrace = { chain, sourceProfile };
  if (region) trace.region = region;
  return { plan, trace };
}

/** The Plan a named profile resolves to; throws ProfileResolutionError (a ConfigError). */
export function resolvePlan(view: ConfigView, profile: string, options: ResolveOptions = {}): Plan {
  return resolvePlanWithTrace(view, profile, options).plan;
}
