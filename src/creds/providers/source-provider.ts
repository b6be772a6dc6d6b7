import type { Plan } from '../../config/plan.ts';
import type { StepSpec } from '../step-key.ts';
import type { RunPlanDeps } from '../types.ts';
import { envProvider } from './env-provider.ts';
import { loginProvider } from './login-provider.ts';
import { containerProvider, instanceMetadataProvider } from './metadata-provider.ts';
import { processProvider } from './process-provider.ts';
import type { CredentialProvider } from './provider.ts';
import { ssoProvider } from './sso-provider.ts';
import { staticProvider } from './static-provider.ts';
import { webIdentityProvider } from './web-identity-provider.ts';

/** The provider for a plan's first step. */
export function sourceProvider(plan: Plan, spec: StepSpec, deps: RunPlanDeps): CredentialProvider {
  const source = plan.source;
  switch (source.kind) {
    case 'sso':
      return ssoProvider(source, deps, plan.profile);
    case 'static':
      return staticProvider(source.profile, deps);
    case 'process':
      return processProvider(source.command, deps, source.profile);
    case 'env':
      return envProvider(deps, 'the environment');
    case 'web-identity':
      return webIdentityProvider(source, spec, plan, deps);
    case 'login':
      return loginProvider(source, deps);
    case 'credential-source':
      if (source.name === 'Environment') return envProvider(deps, 'credential_source = Environment');
      if (source.name === 'Ec2InstanceMetadata') return instanceMetadataProvider(deps);
      return containerProvider(deps);
  }
}
