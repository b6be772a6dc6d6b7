// The credentials every output format starts from, and the value rules they share.

import type { Credentials } from '../util/credentials.ts';
import { RolehopError } from '../util/errors.ts';
import { formatIsoSeconds } from '../util/iso-time.ts';

export type { Credentials };

/** ISO-8601 UTC without milliseconds, the form the AWS CLI and SDKs print: 2026-01-02T03:04:05Z. */
export function isoSeconds(date: Date): string {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
    throw new RolehopError('the credentials carry an invalid expiration date', {
      hint: 'this is a bug in the credential source; run with --debug and report it',
    });
  }
  return formatIsoSeconds(date.getTime());
}

/** Environment values cannot hold NUL: refuse it rather than emit a value that silently truncates. */
export function assertNoNul(name: string, value: string): void {
  if (value.includes('\0')) {
    throw new RolehopError(`${name} contains a NUL character, which no environment variable can hold`, {
      hint: 'check the credential source that produced this value',
    });
  }
}
