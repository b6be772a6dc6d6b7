import { createHash, randomBytes, randomInt } from 'node:crypto';

const VERIFIER_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~';

/** 64 characters of the RFC 7636 unreserved set. */
export function createCodeVerifier(): string {
  let out = '';
  for (let i = 0; i < 64; i++) out += VERIFIER_ALPHABET[randomInt(VERIFIER_ALPHABET.length)];
  return out;
}

export function codeChallengeS256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export function createState(): string {
  return randomBytes(32).toString('base64url');
}

export interface AuthorizeUrlParams {
  oidcEndpoint: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
}

/** `/authorize` sits on the OIDC origin: an endpoint override's path is dropped (aws-protocols.md §1). */
export function authorizeUrl(p: AuthorizeUrlParams): string {
  const url = new URL('/authorize', new URL(p.oidcEndpoint).origin);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', p.clientId);
  url.searchParams.set('redirect_uri', p.redirectUri);
  url.searchParams.set('state', p.state);
  url.searchParams.set('code_challenge_method', 'S256');
  url.searchParams.set('scopes', p.scopes.join(' '));
  url.searchParams.set('code_challenge', p.codeChallenge);
  return url.toString();
}
