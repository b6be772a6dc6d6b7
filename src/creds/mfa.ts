import type { AssumeRoleHop } from '../config/plan.ts';
import { validateMfaCode } from '../sts/validate.ts';
import { UsageError } from '../util/errors.ts';
import type { RunPlanDeps } from './types.ts';

/** The MFA code for a hop: --mfa-code, else the prompt (only offered with a terminal). */
export async function resolveMfaCode(
  hop: AssumeRoleHop,
  deps: Pick<RunPlanDeps, 'mfaCode' | 'promptMfa'>,
  /** How messages name the hop ("AssumeRole hop 2 of prod-deploy (…)"); default its role ARN. */
  label: string = hop.roleArn,
): Promise<string> {
  const serial = hop.mfaSerial ?? '';
  const code = deps.mfaCode ?? (deps.promptMfa ? await deps.promptMfa(serial) : undefined);
  if (!code) {
    throw new UsageError(`${label} needs an MFA code for ${serial}, and there is no terminal to ask for it`, {
      hint: 'pass --mfa-code 123456 (the current code of that device)',
    });
  }
  return validateMfaCode(code, serial);
}
