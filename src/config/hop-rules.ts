// What STS and IAM accept in an AssumeRole hop, each rule written once. Pure: a check says what is
// wrong (or nothing) and never throws, so each caller names where the value came from — the resolver
// the profile chain (a ConfigError), the selectors the flag, the runner the hop (a UsageError).
//
// It lives in config/ because config/resolve.ts checks every hop of a profile, and config/ may
// import only util/; sts/ and creds/ import it from here (design.md, Layers).
//
// The limits are those of the API models (botocore's data/sts/2011-06-15 and data/iam/2010-05-08):
// RoleSessionName and SourceIdentity 2-64 of [\w+=,.@-]; ExternalId 2-1224 of [\w+=,.@:/-];
// SerialNumber 9-256 of [\w+=/:,.@-]; TokenCode 6 digits; DurationSeconds 900-43200; at most 50
// Tags, keys 1-128 and values 0-256 of [\p{L}\p{Z}\p{N}_.:/=+-@]; an IAM role name 1-64 of
// [\w+=,.@-] and a path of 1-512 printable ASCII characters, "/" or "/…/". (RoleArn's own 20-2048
// follows from those.) STS's \w is ASCII, as JavaScript's is without the u flag.

import { DIGITS, isPrintableAscii, onlyOf, WORD } from '../util/ascii.ts';
import type { Partition } from './endpoints.ts';

/** A rule on one value, and how messages say what it expects ("expected …", "it must be …"). */
export interface ValueRule<T = string> {
  readonly expected: string;
  accepts(value: T): boolean;
}

/** A rule of /^[chars]{min,max}$/ (util/ascii.ts: these are checked on every warm call). */
function charsRule(chars: string, min: number, max: number, expected: string): ValueRule {
  return { expected, accepts: (value) => onlyOf(value, chars, min, max) };
}

/** [\w+=,.@-]: what IAM allows in a role name, and STS in a session name or source identity. */
export const IAM_NAME_CHARACTERS = `${WORD}+=,.@-`;

export const SESSION_NAME = charsRule(
  IAM_NAME_CHARACTERS,
  2,
  64,
  '2-64 characters of letters, digits and +=,.@_-',
);
export const SOURCE_IDENTITY = charsRule(
  IAM_NAME_CHARACTERS,
  2,
  64,
  '2-64 characters of letters, digits and +=,.@_-',
);
export const EXTERNAL_ID = charsRule(
  `${WORD}+=,.@:/-`,
  2,
  1224,
  '2-1224 characters of letters, digits and +=,.@:/_-',
);
export const MFA_SERIAL = charsRule(
  `${WORD}+=/:,.@-`,
  9,
  256,
  '9-256 characters of letters, digits and +=/:,.@_- (the MFA device ARN or serial number)',
);
export const MFA_CODE = charsRule(DIGITS, 6, 6, 'the 6 digits the MFA device shows');

/** An AWS account id: 12 digits. */
export function isAccountId(text: string): boolean {
  return onlyOf(text, DIGITS, 12, 12);
}

export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43_200;
/** AWS caps sessions of a role assumed with role credentials (role chaining) at one hour. */
export const MAX_CHAINED_DURATION_SECONDS = 3600;
export const DEFAULT_DURATION_SECONDS = 3600;
export const DURATION_SECONDS: ValueRule<number> = {
  expected: 'a whole number of seconds from 900 (15m) to 43200 (12h)',
  accepts: (seconds) =>
    Number.isInteger(seconds) && seconds >= MIN_DURATION_SECONDS && seconds <= MAX_DURATION_SECONDS,
};

export const MAX_TAGS = 50;
const TAG_CHARACTERS = 'letters, digits, spaces and _.:/=+-@';

/** What is wrong with a set of session tags (a sentence), or undefined. */
export function tagsProblem(tags: Readonly<Record<string, string>>): string | undefined {
  const entries = Object.entries(tags);
  if (entries.length > MAX_TAGS) return `too many session tags (${entries.length}, at most ${MAX_TAGS})`;
  // The patterns are written here, not at the top: V8 builds a \p{…} class when the literal is first
  // evaluated (~3 M instructions), which at the top was on every run that loads this module.
  for (const [key, value] of entries) {
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{1,128}$/u.test(key))
      return `session tag key "${key}" must be 1-128 ${TAG_CHARACTERS}`;
    if (!/^[\p{L}\p{Z}\p{N}_.:/=+\-@]{0,256}$/u.test(value))
      return `the value of session tag "${key}" must be 0-256 ${TAG_CHARACTERS}`;
  }
  return undefined;
}

const PARTITIONS: readonly Partition[] = ['aws', 'aws-cn', 'aws-us-gov'];

export interface RoleArn {
  partition: Partition;
  accountId: string;
  roleName: string;
  /** IAM path, `/` when none (`arn:aws:iam::1:role/team/Deploy` → `/team/`). */
  path: string;
}

/** What a role ARN looks like, for hints. */
export const ROLE_ARN_EXAMPLE = 'arn:aws:iam::123456789012:role/Name';

/**
 * An ARN's fields after "arn:" (partition, service, region, account, resource: the last may hold
 * ":"), as /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s reads them; undefined when it is no ARN.
 */
function arnFields(arn: string): [string, string, string, string, string] | undefined {
  if (!arn.startsWith('arn:')) return undefined;
  const fields: string[] = [];
  let from = 'arn:'.length;
  for (let i = 0; i < 4; i++) {
    const colon = arn.indexOf(':', from);
    if (colon < 0) return undefined;
    fields.push(arn.slice(from, colon));
    from = colon + 1;
  }
  fields.push(arn.slice(from));
  return fields as [string, string, string, string, string];
}

/** The parts of a role ARN, or what is wrong with it (a role name longer than 64 characters, …). */
export function readRoleArn(arn: string): RoleArn | { problem: string } {
  const fields = arnFields(arn);
  if (!fields) return { problem: 'not an ARN (six ":"-separated fields)' };
  const [partition, service, region, accountId, resource] = fields;
  if (!(PARTITIONS as readonly string[]).includes(partition)) {
    return { problem: `unknown partition "${partition}" (${PARTITIONS.join(', ')})` };
  }
  if (service !== 'iam') return { problem: `service is "${service}", a role ARN has "iam"` };
  if (region !== '') return { problem: 'IAM ARNs have no region (note the "::")' };
  if (!isAccountId(accountId)) return { problem: `account "${accountId}" is not 12 digits` };
  if (!resource.startsWith('role/')) return { problem: `resource "${resource}" is not "role/<name>"` };
  const rest = resource.slice('role/'.length);
  const slash = rest.lastIndexOf('/');
  const roleName = rest.slice(slash + 1);
  const path = slash < 0 ? '/' : `/${rest.slice(0, slash + 1)}`;
  if (roleName === '') return { problem: 'role name "" is empty' };
  if (!onlyOf(roleName, IAM_NAME_CHARACTERS, 0)) {
    return { problem: `role name "${roleName}" may hold only letters, digits and +=,.@_-` };
  }
  if (roleName.length > 64) {
    return { problem: `role name longer than 64 characters (${roleName.length}: "${roleName}")` };
  }
  if (path.includes('//')) return { problem: `role path "${path}" has an empty segment` };
  if (!isPrintableAscii(path)) {
    return { problem: `role path "${path}" may hold only printable ASCII characters` };
  }
  if (path.length > 512) return { problem: `role path longer than 512 characters (${path.length})` };
  return { partition: partition as Partition, accountId, roleName, path };
}
