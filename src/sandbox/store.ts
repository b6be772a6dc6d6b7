// Everything the sandbox remembers between calls: client registrations, pending sign-ins, tokens,
// issued credentials, counters. In memory only; `reset()` forgets it all.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Directory } from './directory.ts';

export interface Lifetimes {
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  deviceCodeSeconds: number;
  authCodeSeconds: number;
  clientRegistrationSeconds: number;
  roleCredentialSeconds: number;
  /** Device-code polling interval the client is told to keep. */
  deviceIntervalSeconds: number;
}

export const defaultLifetimes: Lifetimes = {
  accessTokenSeconds: 8 * 3600,
  refreshTokenSeconds: 90 * 24 * 3600,
  deviceCodeSeconds: 600,
  authCodeSeconds: 300,
  clientRegistrationSeconds: 90 * 24 * 3600,
  roleCredentialSeconds: 3600,
  deviceIntervalSeconds: 1,
};

export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  clientName: string;
  scopes: string[];
  grantTypes: string[];
  redirectUris: string[];
  issuedAt: number;
  expiresAt: number;
}

export type Decision = 'pending' | 'approved' | 'denied';

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  status: Decision | 'used';
  userName?: string;
  expiresAt: number;
  intervalSeconds: number;
  lastPollAt?: number;
}

/** An /authorize request waiting for Allow/Deny (or one decided: then `code` is set when allowed). */
export interface AuthorizationRequest {
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
  status: Decision;
  createdAt: number;
  expiresAt: number;
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  userName: string;
  expiresAt: number;
  used: boolean;
}

export interface AccessToken {
  userName: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
  /** Tokens of one sign-in share a session; Logout ends the session. */
  sessionId: string;
}

export interface RefreshToken {
  userName: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  /** Rotated (used once) or revoked. */
  spent: boolean;
  sessionId: string;
}

/** Credentials the sandbox (or the upstream STS on its behalf) issued, looked up by access key id. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
  accountId: string;
  roleName: string;
  sessionName: string;
  /** arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION */
  arn: string;
  userId: string;
  /** From AssumeRole by an assumed role: capped at one hour, no console SessionDuration. */
  chained: boolean;
  /** Issued by the upstream STS: the sandbox cannot vouch for later use. */
  upstream: boolean;
}

export interface SigninToken {
  accessKeyId: string;
  expiresAt: number;
}

export class Store {
  readonly clients = new Map<string, ClientRegistration>();
  readonly devices = new Map<string, DeviceAuthorization>();
  readonly userCodes = new Map<string, string>();
  readonly authorizations = new Map<string, AuthorizationRequest>();
  readonly authCodes = new Map<string, AuthCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly credentials = new Map<string, IssuedCredentials>();
  readonly signinTokens = new Map<string, SigninToken>();
  readonly counts = new Map<string, number>();
  /** Keys opaque paging tokens, so clients cannot forge or reuse them across sandboxes. */
  readonly pagingKey = randomBytes(16);
  lifetimes: Lifetimes;
  readonly directory: Directory;

  constructor(directory: Directory, lifetimes: Partial<Lifetimes> = {}) {
    this.directory = directory;
    this.lifetimes = { ...defaultLifetimes, ...lifetimes };
  }

  count(operation: string): void {
    this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
  }

  clear(): void {
    for (const map of [
      this.clients,
      this.devices,
      this.userCodes,
      this.authorizations,
      this.authCodes,
      this.accessTokens,
      this.refreshTokens,
      this.credentials,
      this.signinTokens,
      this.counts,
    ]) {
      map.clear();
    }
  }

  defaultUser(): string {
    return this.directory.users[0]!.userName;
  }
}

export function randomToken(prefix: string, bytes = 32): string {
  return prefix + randomBytes(bytes).toString('base64url');
}

const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Like real keys: `ASIA` + 16 characters of [A-Z2-7]. */
export function randomAccessKeyId(prefix = 'ASIA'): string {
  const bytes = randomBytes(16);
  let out = prefix;
  for (let i = 0; out.length < 20; i++) out += UPPER_ALNUM[bytes[i]! % 32];
  return out;
}

const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** `ABCD-EFGH`, consonants only so no words are spelled. */
export function randomUserCode(): string {
  const bytes = randomBytes(8);
  let code = '';
  for (let i = 0; i < 8; i++) {
    if (i === 4) code += '-';
    code += USER_CODE_ALPHABET[bytes[i]! % USER_CODE_ALPHABET.length];
  }
  return code;
}

export function sha256Base64Url(text: string): string {
  return createHash('sha256').update(text).digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
