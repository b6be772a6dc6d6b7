import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { homeDir, joinPath, ssoCacheDir } from '../config/paths.ts';
import type { Env } from '../util/env.ts';
import { SignInRequiredError } from '../util/errors.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { writePrivateFile } from '../util/private-file-write.ts';
import { registerSecret } from '../util/redact.ts';
import { formatCliTimestamp, parseCliTimestamp, pythonJsonDumps } from './python-json.ts';
import { loginCommandFor, type SsoSessionRef } from './session.ts';

// The AWS CLI v2's token cache (aws-protocols.md §4): ~/.aws/sso/cache/<sha1(session name | start URL)>.json.

export interface SsoToken {
  startUrl: string;
  region: string;
  accessToken: string;
  /** epoch ms */
  expiresAt: number;
  clientId?: string;
  clientSecret?: string;
  /** epoch ms */
  registrationExpiresAt?: number;
  refreshToken?: string;
  /** Keys written by other tools, kept when rolehop rewrites the file. */
  extra?: Record<string, unknown>;
}

const KNOWN_KEYS = new Set([
  'startUrl',
  'region',
  'accessToken',
  'expiresAt',
  'clientId',
  'clientSecret',
  'registrationExpiresAt',
  'refreshToken',
]);

export function sha1Hex(text: string): string {
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

export function tokenCacheKey(session: Pick<SsoSessionRef, 'name' | 'startUrl'>): string {
  return session.name ?? session.startUrl;
}

export function tokenCachePath(env: Env, session: Pick<SsoSessionRef, 'name' | 'startUrl'>): string {
  return joinPath(ssoCacheDir(env), `${sha1Hex(tokenCacheKey(session))}.json`);
}

/** A token file that exists but cannot be used: reported clearly, never overwritten silently. */
export class CorruptTokenError extends SignInRequiredError {}

function corrupt(file: string, what: string, session?: Pick<SsoSessionRef, 'name' | 'startUrl'>) {
  return new CorruptTokenError(`the SSO token cache file ${file} is unusable: ${what}`, {
    hint: `sign in again to replace it: ${session ? loginCommandFor(session) : 'rolehop login'} (or delete the file)`,
  });
}

/** Parses token file text; throws CorruptTokenError naming the problem. */
export function parseTokenText(
  text: string,
  file: string,
  session?: Pick<SsoSessionRef, 'name' | 'startUrl'>,
): SsoToken {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw corrupt(file, 'it is not valid JSON', session);
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw corrupt(file, 'it is not a JSON object', session);
  const o = raw as Record<string, unknown>;
  if (typeof o.accessToken !== 'string' || !o.accessToken)
    throw corrupt(file, 'accessToken is missing', session);
  // No tool writes one; a NUL would reach headers and files downstream.
  if (Object.values(o).some((v) => typeof v === 'string' && v.includes('\0')))
    throw corrupt(file, 'a value holds a NUL byte', session);
  const expiresAt = parseCliTimestamp(o.expiresAt);
  if (Number.isNaN(expiresAt)) throw corrupt(file, 'expiresAt is missing or not a timestamp', session);
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const registrationExpiresAt = parseCliTimestamp(o.registrationExpiresAt);
  const extra: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (!KNOWN_KEYS.has(k)) extra[k] = v;
  const token: SsoToken = {
    startUrl: str(o.startUrl) ?? '',
    region: str(o.region) ?? '',
    accessToken: o.accessToken,
    expiresAt,
  };
  if (str(o.clientId)) token.clientId = str(o.clientId);
  if (str(o.clientSecret)) token.clientSecret = str(o.clientSecret);
  if (!Number.isNaN(registrationExpiresAt)) token.registrationExpiresAt = registrationExpiresAt;
  if (str(o.refreshToken)) token.refreshToken = str(o.refreshToken);
  if (Object.keys(extra).length > 0) token.extra = extra;
  registerTokenSecrets(token);
  return token;
}

export function registerTokenSecrets(token: Partial<SsoToken>): void {
  registerSecret(token.accessToken);
  registerSecret(token.refreshToken);
  registerSecret(token.clientSecret);
}

/** The cached token, or undefined when there is none; CorruptTokenError when unreadable. */
export function readToken(env: Env, session: Pick<SsoSessionRef, 'name' | 'startUrl'>): SsoToken | undefined {
  const file = tokenCachePath(env, session);
  const data = readPrivateFile(file, homeDir(env));
  if (data === undefined) return undefined;
  return parseTokenText(data.toString('utf8'), file, session);
}

/** The file content, key order and format exactly as the AWS CLI v2 writes it. */
export function serializeToken(token: SsoToken): string {
  const o: Record<string, unknown> = {
    startUrl: token.startUrl,
    region: token.region,
    accessToken: token.accessToken,
    expiresAt: formatCliTimestamp(new Date(token.expiresAt)),
  };
  if (token.clientId) o.clientId = token.clientId;
  if (token.clientSecret) o.clientSecret = token.clientSecret;
  if (token.registrationExpiresAt !== undefined) {
    o.registrationExpiresAt = formatCliTimestamp(new Date(token.registrationExpiresAt));
  }
  if (token.refreshToken) o.refreshToken = token.refreshToken;
  for (const [k, v] of Object.entries(token.extra ?? {})) if (!(k in o)) o[k] = v;
  return pythonJsonDumps(o);
}

/** Atomic 0600 write in a private folder; callers hold the token lock (see tokenLockTarget). */
export function writeToken(
  env: Env,
  session: Pick<SsoSessionRef, 'name' | 'startUrl'>,
  token: SsoToken,
): void {
  registerTokenSecrets(token);
  writePrivateFile(tokenCachePath(env, session), serializeToken(token), homeDir(env));
}

export function deleteToken(env: Env, session: Pick<SsoSessionRef, 'name' | 'startUrl'>): boolean {
  const file = tokenCachePath(env, session);
  try {
    fs.unlinkSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

/** Refresh needs all of these and a registration that has not expired (as botocore checks). */
export function isRefreshable(token: SsoToken, now: number): boolean {
  return Boolean(
    token.refreshToken &&
      token.clientId &&
      token.clientSecret &&
      token.registrationExpiresAt !== undefined &&
      token.registrationExpiresAt > now,
  );
}
