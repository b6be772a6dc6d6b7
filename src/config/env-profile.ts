import type { Env } from '../util/env.ts';

// Which profile is meant when a command names none: the one rule, for the road to a Plan
// (creds/target.ts), the warm entry, `explain` and `config`.

/**
 * The profile the environment names, as the SDKs read it: AWS_PROFILE (the JS SDK reads only this;
 * @smithy getProfileName), then AWS_DEFAULT_PROFILE (botocore's older name). Empty means unset.
 */
export function envProfileName(env: Env): string | undefined {
  return env.AWS_PROFILE || env.AWS_DEFAULT_PROFILE || undefined;
}

/** The profile meant when none is named: the environment's, else `default`, as every SDK does. */
export function defaultProfileName(env: Env): string {
  return envProfileName(env) ?? 'default';
}

/** The --profile flag when given (empty means not given), else defaultProfileName. */
export function selectedProfile(env: Env, flag?: string): string {
  return flag || defaultProfileName(env);
}
