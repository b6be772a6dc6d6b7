import type { ClientSettings } from '../config/endpoints.ts';
import { type Credentials, fromSdkCredentials } from '../util/credentials.ts';
import { ConfigError } from '../util/errors.ts';
import { type StsCallOptions, stsRequestSettings } from './assume-role.ts';
import { mapStsError } from './sts-errors.ts';

// STS AssumeRoleWithWebIdentity through the SDK's own provider (@aws-sdk/credential-provider-web-identity),
// which reads the token file on every call: platforms rotate it (EKS hourly).

export interface WebIdentityParams {
  roleArn: string;
  tokenFile: string;
  sessionName: string;
  region: string;
  /** How errors name this call; default `AssumeRoleWithWebIdentity <role>`. */
  label?: string;
}

export async function assumeRoleWithWebIdentity(
  params: WebIdentityParams,
  options: StsCallOptions & { client: ClientSettings },
): Promise<Credentials> {
  const sdk = await import('../sdk/clients.ts');
  const clientConfig = {
    region: params.region,
    ...options.client,
    ...stsRequestSettings(options),
  };
  // Every input is passed, so the provider never falls back to process.env (the library may run with another env).
  const provider = sdk.fromTokenFile({
    webIdentityTokenFile: params.tokenFile,
    roleArn: params.roleArn,
    roleSessionName: params.sessionName,
    clientConfig,
  });
  try {
    return fromSdkCredentials(await provider());
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e?.path === params.tokenFile) {
      throw new ConfigError(`cannot read the web identity token file ${params.tokenFile} (${e.code})`, {
        hint: 'check web_identity_token_file / AWS_WEB_IDENTITY_TOKEN_FILE: the platform (CI, EKS) writes this file',
        cause: error,
      });
    }
    throw mapStsError(error, {
      action: 'AssumeRoleWithWebIdentity',
      roleArn: params.roleArn,
      tokenFile: params.tokenFile,
      endpoint: options.client.endpoint ?? `STS in ${params.region}`,
      ...(params.label !== undefined ? { label: params.label } : {}),
    });
  }
}
