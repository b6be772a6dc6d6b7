import { clientEndpointUrl, clientSettings, requestHandlerSettings } from '../config/endpoints.ts';
import { NetworkError, RolehopError } from '../util/errors.ts';
import { registerSecret } from '../util/redact.ts';
import type { SsoDeps } from './deps.ts';
import { isNetworkFailure, networkError, sdkErrorInfo } from './sdk-errors.ts';
import type { SsoSessionRef } from './session.ts';

// SSO OIDC calls through @aws-sdk/client-sso-oidc, loaded only when a sign-in or refresh happens.

export interface TokenResponse {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
  interval: number;
}

export interface RegisterResponse {
  clientId: string;
  clientSecret: string;
  /** epoch ms */
  clientSecretExpiresAt: number;
}

export type CreateTokenInput =
  | { grantType: 'refresh_token'; refreshToken: string }
  | { grantType: 'urn:ietf:params:oauth:grant-type:device_code'; deviceCode: string }
  | { grantType: 'authorization_code'; code: string; redirectUri: string; codeVerifier: string };

export interface OidcClient {
  endpoint: string;
  register(input: {
    clientName: string;
    scopes: string[];
    grantTypes?: string[];
    redirectUris?: string[];
    issuerUrl?: string;
  }): Promise<RegisterResponse>;
  startDeviceAuthorization(input: {
    clientId: string;
    clientSecret: string;
    startUrl: string;
  }): Promise<DeviceAuthorization>;
  createToken(input: CreateTokenInput & { clientId: string; clientSecret: string }): Promise<TokenResponse>;
  destroy(): void;
}

/** An OIDC error the flows react to (AuthorizationPending, SlowDown, InvalidGrant…). */
export class OidcError extends RolehopError {
  readonly code: string;
  readonly status: number | undefined;
  constructor(code: string, status: number | undefined, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** The OIDC client settings; exported so a test can compare the URL they reach with the plain SDK's. */
export function oidcClientConfig(session: SsoSessionRef, deps: SsoDeps) {
  return {
    region: session.region,
    ...clientSettings('SSO_OIDC', deps.env, deps.view, deps.profile),
    maxAttempts: 3,
    // As STS's (sts/assume-role.ts); with a mode set, the SDK does not read retry_mode from the files.
    retryMode: 'standard',
    requestHandler: requestHandlerSettings(30_000, 10_000),
  };
}

export async function createOidcClient(session: SsoSessionRef, deps: SsoDeps): Promise<OidcClient> {
  const sdk = await import('../sdk/clients.ts');
  const config = oidcClientConfig(session, deps);
  const client = new sdk.SSOOIDCClient(config);
  const endpoint = clientEndpointUrl(client, 'SSO_OIDC', session.region, () =>
    sdk.endpointUrlOf(client, session.region, config),
  );
  const call = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (error) {
      if (isNetworkFailure(error)) throw networkError(what, endpoint, error);
      const info = sdkErrorInfo(error);
      const code = info.name.replace(/Exception$/, '');
      if (info.status !== undefined && info.status >= 500) {
        throw new NetworkError(`${what} failed: the sign-in service answered ${info.status} (${info.name})`, {
          hint: 'try again in a moment',
        });
      }
      throw new OidcError(code, info.status, `${what} failed: ${info.name}: ${info.message}`);
    }
  };
  return {
    endpoint,
    register: (input) =>
      call('RegisterClient', async () => {
        const r = await client.send(
          new sdk.RegisterClientCommand({
            clientName: input.clientName,
            clientType: 'public',
            scopes: input.scopes,
            ...(input.grantTypes ? { grantTypes: input.grantTypes } : {}),
            ...(input.redirectUris ? { redirectUris: input.redirectUris } : {}),
            ...(input.issuerUrl ? { issuerUrl: input.issuerUrl } : {}),
          }),
        );
        if (!r.clientId || !r.clientSecret) throw new Error('RegisterClient returned no client');
        registerSecret(r.clientSecret);
        return {
          clientId: r.clientId,
          clientSecret: r.clientSecret,
          clientSecretExpiresAt: (r.clientSecretExpiresAt ?? 0) * 1000,
        };
      }),
    startDeviceAuthorization: (input) =>
      call('StartDeviceAuthorization', async () => {
        const r = await client.send(new sdk.StartDeviceAuthorizationCommand(input));
        if (!r.deviceCode || !r.userCode || !r.verificationUri) {
          throw new Error('StartDeviceAuthorization returned an incomplete answer');
        }
        registerSecret(r.deviceCode);
        return {
          deviceCode: r.deviceCode,
          userCode: r.userCode,
          verificationUri: r.verificationUri,
          ...(r.verificationUriComplete ? { verificationUriComplete: r.verificationUriComplete } : {}),
          expiresIn: r.expiresIn ?? 600,
          interval: r.interval && r.interval > 0 ? r.interval : 5,
        };
      }),
    createToken: (input) =>
      call('CreateToken', async () => {
        const r = await client.send(new sdk.CreateTokenCommand(input));
        if (!r.accessToken || typeof r.accessToken !== 'string') {
          throw new Error('CreateToken returned no access token');
        }
        const expiresIn = r.expiresIn ?? 3600;
        // A non-numeric or non-positive lifetime would be written as an unusable expiresAt.
        if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
          throw new Error('CreateToken returned no usable expiresIn');
        }
        registerSecret(r.accessToken);
        registerSecret(r.refreshToken);
        return {
          accessToken: r.accessToken,
          expiresIn,
          ...(r.refreshToken ? { refreshToken: r.refreshToken } : {}),
        };
      }),
    destroy: () => client.destroy(),
  };
}
