import type { AssumeRoleHop } from '../config/plan.ts';
import { UsageError } from '../util/errors.ts';
import { parseRoleArn } from './role-arn.ts';
import { validateDuration, validateSessionName } from './validate.ts';

// The STS model's constraints, checked locally so that nothing malformed reaches the network.

const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const SOURCE_IDENTITY = /^[\w+=,.@-]{2,64}$/;
const MFA_SERIAL = /^[\w+=/:,.@-]{9,256}$/;
const TOKEN_CODE = /^\d{6}$/;
const MAX_TAGS = 50;

export function validateHopInput(hop: AssumeRoleHop, tokenCode?: string): void {
  parseRoleArn(hop.roleArn);
  if (hop.sessionName !== undefined) validateSessionName(hop.sessionName);
  if (hop.durationSeconds !== undefined) validateDuration(hop.durationSeconds);
  if (hop.externalId !== undefined && !EXTERNAL_ID.test(hop.externalId)) {
    throw new UsageError(
      'invalid external id: it must be 2-1224 characters of letters, digits and +=,.@:/_-',
      {
        hint: 'pass --external-id with the value the role owner gave you',
      },
    );
  }
  if (hop.sourceIdentity !== undefined && !SOURCE_IDENTITY.test(hop.sourceIdentity)) {
    throw new UsageError(
      `invalid source identity "${hop.sourceIdentity}": it must be 2-64 characters of letters, digits and +=,.@_-`,
      { hint: 'pass --source-identity with a valid value' },
    );
  }
  if (hop.mfaSerial !== undefined && !MFA_SERIAL.test(hop.mfaSerial)) {
    throw new UsageError(`invalid MFA serial "${hop.mfaSerial}"`, {
      hint: 'use the MFA device ARN, e.g. arn:aws:iam::123456789012:mfa/alice',
    });
  }
  if (hop.mfaSerial !== undefined && tokenCode !== undefined && !TOKEN_CODE.test(tokenCode)) {
    throw new UsageError('invalid MFA code: it must be 6 digits', { hint: 'pass --mfa-code 123456' });
  }
  const tags = Object.entries(hop.tags ?? {});
  if (tags.length > MAX_TAGS)
    throw new UsageError(`too many session tags (${tags.length}, at most ${MAX_TAGS})`);
  for (const [key, value] of tags) {
    if (key.length < 1 || key.length > 128 || value.length > 256) {
      throw new UsageError(`invalid session tag "${key}": keys are 1-128 characters, values at most 256`, {
        hint: 'pass --tag key=value',
      });
    }
  }
}
