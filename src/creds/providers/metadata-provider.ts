import { ConfigError, NetworkError } from '../../util/errors.ts';
import { redactText, registerSecret } from '../../util/redact.ts';
import type { RunPlanDeps } from '../types.ts';
import { requireProcessEnvAgrees } from './process-env-only.ts';
import { type CredentialProvider, fromSdkCredentials } from './provider.ts';

// credential_source = Ec2InstanceMetadata | EcsContainer through the SDK's own providers
// (@smithy/credential-provider-imds, @aws-sdk/credential-provider-http), loaded only when the step runs.

function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

/** A connection that never got an answer is exit 5; anything the endpoint said is a configuration fault. */
function metadataError(what: string, error: unknown, hint: string): Error {
  const message = redactText(String((error as Error)?.message ?? error)).split('\n')[0] ?? '';
  if (
    /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|ENOTFOUND|TimeoutError|timed? ?out/i.test(
      message,
    )
  ) {
    return new NetworkError(`${what}: no answer (${message})`, { hint, cause: error });
  }
  return new ConfigError(`${what} failed: ${message}`, { hint, cause: error });
}

/**
 * What the SDK's instance metadata provider reads from process.env to choose where it connects. (It
 * also reads ec2_metadata_* keys from the process's own config file, as botocore does from its own.)
 */
const IMDS_PROCESS_ENV = [
  'AWS_EC2_METADATA_SERVICE_ENDPOINT',
  'AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE',
  'AWS_EC2_METADATA_V1_DISABLED',
] as const;

/**
 * IMDSv2 (token, role name, credentials; IMDSv1 only where the SDK falls back to it). The SDK reads
 * AWS_EC2_METADATA_SERVICE_ENDPOINT(_MODE) and AWS_EC2_METADATA_V1_DISABLED from process.env and the
 * config file itself (refused when the runner's env says otherwise); AWS_EC2_METADATA_DISABLED is
 * checked here, as botocore does.
 */
export function instanceMetadataProvider(deps: RunPlanDeps): CredentialProvider {
  return async () => {
    const what = 'credential_source = Ec2InstanceMetadata';
    if (isTrue(deps.env.AWS_EC2_METADATA_DISABLED)) {
      throw new ConfigError(
        `${what}, but AWS_EC2_METADATA_DISABLED=true turns the instance metadata service off`,
        {
          hint: 'unset AWS_EC2_METADATA_DISABLED on an EC2 instance, or use another credential_source',
        },
      );
    }
    requireProcessEnvAgrees(deps.env, IMDS_PROCESS_ENV, what);
    const sdk = await import('../../sdk/clients.ts');
    try {
      return fromSdkCredentials(await sdk.fromInstanceMetadata({ timeout: 1000, maxRetries: 1 })());
    } catch (error) {
      throw metadataError(
        `${what}: the instance metadata service`,
        error,
        'this works only on EC2 with an instance profile; AWS_EC2_METADATA_SERVICE_ENDPOINT points elsewhere',
      );
    }
  };
}

/**
 * The ECS / EKS container endpoint: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on 169.254.170.2) or
 * _FULL_URI (https, loopback or the EKS hosts), with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or _TOKEN.
 */
export function containerProvider(deps: RunPlanDeps): CredentialProvider {
  return async () => {
    const what = 'credential_source = EcsContainer';
    const env = deps.env;
    const relative = env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ?? '';
    const full = env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '';
    if (!relative && !full) {
      throw new ConfigError(
        `${what}, but neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set`,
        { hint: 'ECS and EKS set one of them inside the container; elsewhere use another credential_source' },
      );
    }
    registerSecret(env.AWS_CONTAINER_AUTHORIZATION_TOKEN);
    const sdk = await import('../../sdk/clients.ts');
    try {
      // Empty strings, not undefined: the provider would fall back to process.env (the library may run with another env).
      const provider = sdk.fromHttp({
        awsContainerCredentialsRelativeUri: relative,
        awsContainerCredentialsFullUri: full,
        awsContainerAuthorizationToken: env.AWS_CONTAINER_AUTHORIZATION_TOKEN ?? '',
        awsContainerAuthorizationTokenFile: env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE ?? '',
        timeout: 1000,
        maxRetries: 1,
        logger: { debug: () => {}, info: () => {}, warn: (m: string) => deps.log.warn(m), error: () => {} },
      });
      return fromSdkCredentials(await provider());
    } catch (error) {
      throw metadataError(
        `${what}: the container endpoint ${relative ? `169.254.170.2${relative}` : full}`,
        error,
        'check AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI (https, loopback or the ECS/EKS host) and AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)',
      );
    }
  };
}
