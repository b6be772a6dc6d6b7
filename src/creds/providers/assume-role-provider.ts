import type { ClientSettings } from '../../config/endpoints.ts';
import { assumeRole } from '../../sts/assume-role.ts';
import { resolveMfaCode } from '../mfa.ts';
import type { HopSpec } from '../step-key.ts';
import type { RunPlanDeps } from '../types.ts';
import type { CredentialProvider } from './provider.ts';

/** An AssumeRole hop on top of its source's credentials; `label` names the hop in errors. */
export function assumeRoleProvider(
  spec: HopSpec,
  target: { region: string; client: ClientSettings; label?: string },
  deps: RunPlanDeps,
): CredentialProvider {
  return async (source) => {
    if (!source) throw new Error(`internal: hop ${spec.hop.roleArn} has no source credentials`);
    if (spec.clampedFrom !== undefined) {
      deps.log.warn(
        `${spec.hop.roleArn}: duration ${spec.clampedFrom}s lowered to ${spec.durationSeconds}s, the most AWS allows for role chaining`,
      );
    }
    const tokenCode = spec.hop.mfaSerial ? await resolveMfaCode(spec.hop, deps, target.label) : undefined;
    return assumeRole(
      {
        source,
        hop: spec.hop,
        sessionName: spec.sessionName,
        durationSeconds: spec.durationSeconds,
        tokenCode,
        region: target.region,
        ...(target.label !== undefined ? { label: target.label } : {}),
      },
      {
        client: target.client,
        signal: deps.signal,
        requestTimeoutMs: deps.sts?.requestTimeoutMs,
        maxAttempts: deps.sts?.maxAttempts,
      },
    );
  };
}
