// What each value rolehop hands out may hold: the documented alphabets of AWS credentials and
// region names. Values come from services, credential_process, files and the environment, any of
// which an attacker may influence; outside these alphabets a value could still run code where
// output is used unquoted (`eval $(rolehop env)` globs and splits it), so it is refused before
// anything is printed, written or served. Checked where runPlan hands credentials out, and before
// a fetched step is cached.

import { DIGITS, LOWER, onlyOf, UPPER } from '../util/ascii.ts';
import { RolehopError } from '../util/errors.ts';
import { fourDigitYear } from '../util/iso-time.ts';
import type { Credentials } from './types.ts';

/** AccessKeyId in the STS and SSO APIs: 16–128 characters; real ones are upper-case letters and digits. */
const ACCESS_KEY_ID_CHARACTERS = `${UPPER}${DIGITS}`;
/**
 * Secret keys and session tokens are base64 (real AWS: `+/=`) or base64url (`-_`). A regular
 * expression: a session token is ~1,000 characters, which a loop runs through slower (util/ascii.ts).
 */
const BASE64ISH = /^[A-Za-z0-9+/=_-]+$/;
/** Region names: us-east-1, cn-north-1, us-gov-west-1, and local names like `local`. */
const REGION_CHARACTERS = `${LOWER}${DIGITS}-`;

const hint = (from: string) =>
  `${from} returned a malformed value; check that source (a credential_process script, the ` +
  'credentials file, the AWS_* variables or an endpoint override)';

function refuse(field: string, rule: string, from: string): never {
  // Never the value: it is a secret, and it is what could not be shown safely.
  throw new RolehopError(`refused the credentials from ${from}: the ${field} ${rule}`, {
    hint: hint(from),
  });
}

/** `creds` unchanged when every field is in its alphabet; else a RolehopError naming the field. */
export function checkCredentialValues(creds: Credentials, from: string): Credentials {
  if (
    typeof creds.accessKeyId !== 'string' ||
    !onlyOf(creds.accessKeyId, ACCESS_KEY_ID_CHARACTERS, 16, 128)
  ) {
    refuse('access key id', 'is not 16 to 128 upper-case letters and digits', from);
  }
  if (typeof creds.secretAccessKey !== 'string' || !BASE64ISH.test(creds.secretAccessKey)) {
    refuse('secret access key', 'holds characters outside base64 (letters, digits, + / = - _)', from);
  }
  if (
    creds.sessionToken !== undefined &&
    (typeof creds.sessionToken !== 'string' || !BASE64ISH.test(creds.sessionToken))
  ) {
    refuse('session token', 'holds characters outside base64 (letters, digits, + / = - _)', from);
  }
  if (creds.expiration !== undefined) {
    const time = creds.expiration instanceof Date ? creds.expiration.getTime() : Number.NaN;
    // Every output prints it in formatIsoSeconds' short form, which has four digits for the year.
    if (!fourDigitYear(time)) {
      refuse('expiration', 'is not an ISO 8601 time between the years 0000 and 9999', from);
    }
  }
  return creds;
}

/** Throws a RolehopError unless `region` is a region name (`a-z`, `0-9`, `-`); never shows it. */
export function checkRegionName(region: string): void {
  if (!onlyOf(region, REGION_CHARACTERS)) {
    throw new RolehopError('the region is not an AWS region name (only a-z, 0-9 and "-")', {
      hint: "check --region, AWS_REGION, AWS_DEFAULT_REGION and the profile's region (e.g. eu-west-1)",
    });
  }
}
