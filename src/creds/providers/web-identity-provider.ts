import { clientSettings } from '../../config/endpoints.ts';
import type { Source } from '../../config/plan.ts';
import { defaultRegionFor, parseRoleArn } from '../../sts/role-arn.ts';
import { assumeRoleWithWebIdentity } from '../../sts/web-identity.ts';
import type { StepSpec } from '../step-key.ts';
import type { RunPlanDeps } from '../types.ts';
import type { CredentialProvider } from './provider.ts';

/** A web identity source: the token file's JWT traded for role credentials (STS in the plan's region). */
export function webIdentityProvider(
  source: Extract<Source, { kind: 'web-identity' }>,
  spec: StepSpec,
  plan: { region?: string; profile?: string },
  deps: RunPlanDeps,
): CredentialProvider {
  return () =>
    assumeRoleWithWebIdentity(
      {
        roleArn: source.roleArn,
        tokenFile: source.tokenFile,
        sessionName: spec.sessionName ?? 'rolehop',
        region: plan.region || defaultRegionFor(parseRoleArn(source.roleArn).partition),
      },
      {
        client: clientSettings('STS', deps.env, deps.view, source.profile ?? plan.profile),
        ...(deps.sts?.requestTimeoutMs !== undefined ? { requestTimeoutMs: deps.sts.requestTimeoutMs } : {}),
        ...(deps.sts?.maxAttempts !== undefined ? { maxAttempts: deps.sts.maxAttempts } : {}),
      },
    );
}
