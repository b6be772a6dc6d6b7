import * as os from 'node:os';
import { endpointOverride } from '../config/endpoints.ts';
import type { AssumeRoleHop, Plan, Source } from '../config/plan.ts';
import { defaultSessionName, effectiveDuration } from '../sts/validate.ts';
import type { Env, RunPlanDeps } from './types.ts';

// A step key names everything that determines a step's result; a hop's key starts with its
// source's key, so the last key of a chain encodes the whole chain. Keys are lines of JSON arrays
// (JSON never holds a raw newline, so the join is unambiguous). Computed without crypto or the SDK:
// this runs on the cache-hit path.

export interface StepSpec {
  key: string;
  /** For people (`rolehop status`): never a secret. */
  description: string;
  /** Only sso, web identity and assume-role steps are cached on disk. */
  cacheable: boolean;
  /** A web identity source's RoleSessionName after the default. */
  sessionName?: string;
}

export interface HopSpec extends StepSpec {
  hop: AssumeRoleHop;
  sessionName: string;
  durationSeconds: number;
  /** Set when the duration was clamped for role chaining. */
  clampedFrom?: number;
}

export interface PlanSteps {
  source: StepSpec;
  hops: HopSpec[];
}

function osUser(env: Env): string | undefined {
  if (env.USER || env.USERNAME || env.LOGNAME) return env.USER || env.USERNAME || env.LOGNAME;
  try {
    return os.userInfo().username;
  } catch {
    return undefined;
  }
}

function line(values: unknown[]): string {
  return JSON.stringify(values);
}

function sourceStep(
  source: Source,
  deps: Pick<RunPlanDeps, 'env' | 'view'>,
  profile: string | undefined,
  defaultName: () => string,
): StepSpec {
  switch (source.kind) {
    case 'sso':
      return {
        key: line([
          'sso',
          source.session ?? '',
          source.startUrl,
          source.accountId,
          source.roleName,
          endpointOverride('SSO', deps.env, deps.view, profile) ?? '',
        ]),
        description: `sso ${source.session ? `session ${source.session}` : source.startUrl} account ${source.accountId} role ${source.roleName}`,
        cacheable: true,
      };
    case 'static': {
      const keyId = deps.view?.profiles[source.profile]?.aws_access_key_id;
      return {
        key: line(['static', source.profile, typeof keyId === 'string' ? keyId : '']),
        description: `static keys of profile ${source.profile}`,
        cacheable: false,
      };
    }
    case 'process':
      return {
        key: line(['process', source.command]),
        description: `credential_process${source.profile ? ` of profile ${source.profile}` : ''}`,
        cacheable: false,
      };
    case 'env':
      return {
        key: line(['env', deps.env.AWS_ACCESS_KEY_ID ?? '']),
        description: 'environment variables',
        cacheable: false,
      };
    case 'web-identity': {
      // The token rotates (EKS renews it hourly) but names the same identity: the file, not its text, is in the key.
      const sessionName = source.sessionName || defaultName();
      return {
        key: line([
          'web-identity',
          source.roleArn,
          source.tokenFile,
          sessionName,
          endpointOverride('STS', deps.env, deps.view, source.profile ?? profile) ?? '',
        ]),
        description: `web identity ${source.roleArn} (session ${sessionName}, token ${source.tokenFile})`,
        cacheable: true,
        sessionName,
      };
    }
    case 'login':
      // The AWS CLI's login cache is the cache: rolehop reads it every time and keeps no copy.
      return {
        key: line(['login', source.session]),
        description: `aws login session ${source.session} of profile ${source.profile}`,
        cacheable: false,
      };
    case 'credential-source':
      return {
        // What names the identity behind each source: the key id, the container URI, the IMDS endpoint.
        key: line(['credential-source', source.name, credentialSourceIdentity(source.name, deps.env)]),
        description: `credential_source ${source.name}`,
        cacheable: false,
      };
  }
}

function credentialSourceIdentity(
  name: Extract<Source, { kind: 'credential-source' }>['name'],
  env: Env,
): string {
  if (name === 'Environment') return env.AWS_ACCESS_KEY_ID ?? '';
  if (name === 'EcsContainer') {
    return env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI || '';
  }
  return env.AWS_EC2_METADATA_SERVICE_ENDPOINT ?? '';
}

/** The steps of a plan with their keys. Validates durations (no network involved). */
export function planSteps(plan: Plan, deps: Pick<RunPlanDeps, 'env' | 'view'>): PlanSteps {
  let user: string | undefined;
  const defaultName = () => {
    user ??= osUser(deps.env) ?? '';
    return defaultSessionName(user);
  };
  const source = sourceStep(plan.source, deps, plan.profile, defaultName);
  const hops: HopSpec[] = [];
  let prev = source;
  // SSO and web identity credentials are a role session too, so their first hop is already role chaining.
  let chained = plan.source.kind === 'sso' || plan.source.kind === 'web-identity';
  for (const hop of plan.hops) {
    const sessionName = hop.sessionName || defaultName();
    const duration = effectiveDuration(hop.durationSeconds, chained);
    const tags = Object.entries(hop.tags ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const endpoint = endpointOverride('STS', deps.env, deps.view, hop.profile ?? plan.profile) ?? '';
    const key = `${prev.key}\n${line([
      'assume-role',
      hop.roleArn,
      sessionName,
      hop.externalId ?? '',
      duration.seconds,
      hop.sourceIdentity ?? '',
      tags,
      hop.mfaSerial ?? '',
      endpoint,
    ])}`;
    const spec: HopSpec = {
      key,
      description: `${hop.roleArn} (session ${sessionName}) via ${prev.description}`,
      cacheable: true,
      hop,
      sessionName,
      durationSeconds: duration.seconds,
      clampedFrom: duration.clampedFrom,
    };
    hops.push(spec);
    prev = spec;
    chained = true;
  }
  return { source, hops };
}
