import { UsageError } from '../util/errors.ts';

export const MIN_DURATION_SECONDS = 900;
export const MAX_DURATION_SECONDS = 43_200;
/** AWS caps sessions of a role assumed with role credentials (role chaining) at one hour. */
export const MAX_CHAINED_DURATION_SECONDS = 3600;
export const DEFAULT_DURATION_SECONDS = 3600;

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function validateSessionName(name: string): string {
  if (!SESSION_NAME.test(name)) {
    throw new UsageError(
      `invalid role session name "${name}": it must be 2-64 characters of letters, digits and +=,.@_-`,
      { hint: 'pass --session-name with a valid name, or set role_session_name in the profile' },
    );
  }
  return name;
}

export function validateDuration(seconds: number): number {
  if (!Number.isInteger(seconds) || seconds < MIN_DURATION_SECONDS || seconds > MAX_DURATION_SECONDS) {
    throw new UsageError(
      `invalid session duration ${seconds}: it must be a whole number of seconds from 900 (15m) to 43200 (12h)`,
      { hint: 'pass --duration 1h (or duration_seconds = 3600 in the profile)' },
    );
  }
  return seconds;
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
  const cleaned = (user ?? '').replace(/[^\w+=,.@-]/g, '');
  const name = cleaned ? `rolehop-${cleaned}` : 'rolehop';
  return name.slice(0, 64);
}
