// Raw HTTP calls for sandbox tests: JSON in, status + error type header + JSON out.
import { createHash, randomBytes } from 'node:crypto';

export interface WireResult {
  status: number;
  errorType: string | null;
  body: Record<string, unknown>;
}

export async function postJson(url: string, path: string, body: unknown): Promise<WireResult> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype'),
    body: text ? JSON.parse(text) : {},
  };
}

export async function portalGet(
  url: string,
  path: string,
  token: string | undefined,
  query: Record<string, string> = {},
): Promise<WireResult> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(query)}`, {
    headers: token === undefined ? {} : { 'x-amz-sso_bearer_token': token },
  });
  const text = await res.text();
  return {
    status: res.status,
    errorType: res.headers.get('x-amzn-errortype'),
    body: text ? JSON.parse(text) : {},
  };
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url').slice(0, 64);
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export async function registerPkceClient(url: string, scopes = ['sso:account:access']) {
  const r = await postJson(url, '/client/register', {
    clientName: 'pkce-test',
    clientType: 'public',
    scopes,
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['http://127.0.0.1/oauth/callback'],
    issuerUrl: 'https://d-9067c0ffee.awsapps.com/start',
  });
  if (r.status !== 200) throw new Error(`register: ${JSON.stringify(r.body)}`);
  return r.body as { clientId: string; clientSecret: string };
}

export function authorizeUrl(
  url: string,
  clientId: string,
  redirectUri: string,
  challenge: string,
  state: string,
  extra: Record<string, string> = {},
): string {
  return `${url}/authorize?${new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri,
    state,
    code_challenge_method: 'S256',
    scopes: 'sso:account:access',
    code_challenge: challenge,
    ...extra,
  })}`;
}
