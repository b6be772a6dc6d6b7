// The AWS SDK clients rolehop uses, bundled apart (dist/sdk.cjs) and loaded only on a cache miss.
export {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOClient,
} from '@aws-sdk/client-sso';
export {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from '@aws-sdk/client-sso-oidc';
export { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
// The official providers of the sources the SDKs resolve; rolehop's runner adds its cache and locks.
export { fromHttp } from '@aws-sdk/credential-provider-http';
export { fromLoginCredentials } from '@aws-sdk/credential-provider-login';
export { fromTokenFile } from '@aws-sdk/credential-provider-web-identity';
export { fromInstanceMetadata } from '@smithy/credential-provider-imds';

/** What an SDK endpoint rule set is asked (the standard parameters of SSO, SSO OIDC and STS). */
interface EndpointRuleParams {
  [name: string]: string | boolean | undefined;
  Region?: string;
  UseFIPS?: boolean;
  UseDualStack?: boolean;
  Endpoint?: string;
}

/**
 * The URL a client sends its requests to, for messages and the PKCE authorize URL: the explicit
 * endpoint, else the answer of the client's own endpoint rules (so FIPS and dual-stack are shown as
 * the SDK resolves them). A configuration the rules refuse throws the SDK's error here, before any call.
 */
export function endpointUrlOf(
  client: { config: { endpointProvider: (params: EndpointRuleParams) => { url: URL } } },
  region: string,
  settings: { endpoint?: string; useFipsEndpoint: boolean; useDualstackEndpoint: boolean },
): string {
  if (settings.endpoint) return settings.endpoint;
  const { url } = client.config.endpointProvider({
    Region: region,
    UseFIPS: settings.useFipsEndpoint,
    UseDualStack: settings.useDualstackEndpoint,
  });
  return url.href.replace(/\/+$/, '');
}
