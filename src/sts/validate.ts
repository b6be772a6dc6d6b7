import {
  DEFAULT_DURATION_SECONDS,
  DURATION_SECONDS,
  EXTERNAL_ID,
  IAM_NAME_CHARACTERS,
  MAX_CHAINED_DURATION_SECONDS,
  MFA_CODE,
  MFA_SERIAL,
  SESSION_NAME,
  SOURCE_IDENTITY,
  tagsProblem,
} from '../config/hop-rules.ts';
import type { AssumeRoleHop } from '../config/plan.ts';
import { keepOnly } from '../util/ascii.ts';
import { UsageError } from '../util/errors.ts';
import { parseRoleArn } from './role-arn.ts';

// Hop values given at run time — selectors on the command line, a Plan built by a library caller,
// an MFA code — refused as usage errors before anything reaches the network. The rules themselves
// are config/hop-rules.ts; profiles are checked by the resolver, which names the profile instead.

export function validateSessionName(name: string): string {
  if (!SESSION_NAME.accepts(name)) {
    throw new UsageError(`invalid role session name "${name}": it must be ${SESSION_NAME.expected}`, {
      hint: 'pass --session-name with a valid name, or set role_session_name in the profile',
    });
  }
  return name;
}

export function validateDuration(seconds: number): number {
  if (!DURATION_SECONDS.accepts(seconds)) {
    throw new UsageError(`invalid session duration ${seconds}: it must be ${DURATION_SECONDS.expected}`, {
      hint: 'pass --duration 1h (or duration_seconds = 3600 in the profile)',
    });
  }
  return seconds;
}

/** `name` is how the message calls the value: the flag when it came from one. */
export function validateExternalId(value: string, name = 'external id'): string {
  // The value is not repeated: the role owner may treat it as a shared secret.
  if (!EXTERNAL_ID.accepts(value)) {
    throw new UsageError(`invalid ${name}: it must be ${EXTERNAL_ID.expected}`, {
      hint: 'pass --external-id with the value the role owner gave you',
    });
  }
  return value;
}

export function validateSourceIdentity(value: string, name = 'source identity'): string {
  if (!SOURCE_IDENTITY.accepts(value)) {
    throw new UsageError(`invalid ${name} "${value}": it must be ${SOURCE_IDENTITY.expected}`, {
      hint: 'pass --source-identity with a valid value',
    });
  }
  return value;
}

export function validateMfaSerial(value: string, name = 'MFA serial'): string {
  if (!MFA_SERIAL.accepts(value)) {
    throw new UsageError(`invalid ${name} "${value}": it must be ${MFA_SERIAL.expected}`, {
      hint: 'use the MFA device ARN, e.g. arn:aws:iam::123456789012:mfa/alice',
    });
  }
  return value;
}

/** The code trimmed; `serial` names the device in the message when known. */
export function validateMfaCode(code: string, serial?: string): string {
  const trimmed = code.trim();
  if (!MFA_CODE.accepts(trimmed)) {
    // Never echo the code: a near-miss of a one-time code is still a secret for a few seconds.
    throw new UsageError(
      `invalid MFA code${serial ? ` for ${serial}` : ''}: it must be ${MFA_CODE.expected}`,
      { hint: 'pass --mfa-code 123456 or type it when asked' },
    );
  }
  return trimmed;
}

export function validateTags(tags: Readonly<Record<string, string>>): Record<string, string> {
  const problem = tagsProblem(tags);
  if (problem !== undefined) {
    throw new UsageError(problem, { hint: 'pass --tag key=value (at most 50)' });
  }
  return { ...tags };
}

/**
 * Every value of a hop, and the MFA code when the hop needs one. `label` names the hop
 * ("AssumeRole hop 2 of prod-deploy (dev -> Deploy)") in front of the message when given.
 */
export function validateHopInput(hop: AssumeRoleHop, tokenCode?: string, label?: string): void {
  try {
    parseRoleArn(hop.roleArn);
    if (hop.sessionName !== undefined) validateSessionName(hop.sessionName);
    if (hop.durationSeconds !== undefined) validateDuration(hop.durationSeconds);
    if (hop.externalId !== undefined) validateExternalId(hop.externalId);
    if (hop.sourceIdentity !== undefined) validateSourceIdentity(hop.sourceIdentity);
    if (hop.mfaSerial !== undefined) validateMfaSerial(hop.mfaSerial);
    if (hop.mfaSerial !== undefined && tokenCode !== undefined) validateMfaCode(tokenCode);
    if (hop.tags !== undefined) validateTags(hop.tags);
  } catch (error) {
    if (label === undefined || !(error instanceof UsageError)) throw error;
    throw new UsageError(`${label}: ${error.message}`, { hint: error.hint, cause: error });
  }
}

export interface EffectiveDuration {
  seconds: number;
  /** Set when the requested duration was lowered to the role-chaining cap. */
  clampedFrom?: number;
}

/**
 * The duration actually requested for a hop. Role chaining (role credentials assuming a role)
 * is capped at 1h by AWS, which would refuse a longer request; we clamp and let the caller warn,
 * because the profile that asks for 12h is often shared between chained and direct use.
 */
export function effectiveDuration(requested: number | undefined, chained: boolean): EffectiveDuration {
  const seconds = validateDuration(requested ?? DEFAULT_DURATION_SECONDS);
  if (chained && seconds > MAX_CHAINED_DURATION_SECONDS) {
    return { seconds: MAX_CHAINED_DURATION_SECONDS, clampedFrom: seconds };
  }
  return { seconds };
}

/** A valid session name from a user name: `rolehop-<user>` with invalid characters dropped. */
export function defaultSessionName(user: string | undefined): string {
  const cleaned = keepOnly(user ?? '', IAM_NAME_CHARACTERS);
  const name = cleaned ? `rolehop-${cleaned}` : 'rolehop';
  return name.slice(0, 64);
}
