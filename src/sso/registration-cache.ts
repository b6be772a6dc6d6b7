import * as path from 'node:path';
import { homeDir, ssoCacheDir } from '../config/paths.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { writePrivateFile } from '../util/private-file-write.ts';
import { registerSecret } from '../util/redact.ts';
import { formatCliTimestamp, parseCliTimestamp, pythonJsonDumps } from './python-json.ts';
import type { SsoSessionRef } from './session.ts';
import { sha1Hex } from './token-cache.ts';

// OIDC client registrations, cached beside the tokens under the AWS CLI v2's file name so both
// tools reuse one registration (aws-protocols.md §4).

type Env = Readonly<Record<string, string | undefined>>;

export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  /** epoch ms */
  expiresAt: number;
  scopes?: string[];
  grantTypes?: string[];
}

/** Reuse needs at least this much life left. */
export const REGISTRATION_MIN_REMAINING_MS = 15 * 60_000;

export function registrationCacheKey(session: SsoSessionRef, scopes: string[]): string {
  return pythonJsonDumps(
    {
      tool: 'botocore',
      startUrl: session.startUrl,
      region: session.region,
      scopes,
      session_name: session.name ?? null,
    },
    { sortKeys: true },
  );
}

export function registrationCachePath(env: Env, session: SsoSessionRef, scopes: string[]): string {
  return path.join(ssoCacheDir(env), `${sha1Hex(registrationCacheKey(session, scopes))}.json`);
}

function sameSet(a: string[] | undefined, b: string[] | undefined): boolean {
  const x = [...(a ?? [])].sort();
  const y = [...(b ?? [])].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** A cached registration usable for these grant types, else undefined (a bad file is just a miss). */
export function readRegistration(
  env: Env,
  session: SsoSessionRef,
  scopes: string[],
  grantTypes: string[] | undefined,
  now: number,
): ClientRegistration | undefined {
  const data = readPrivateFile(registrationCachePath(env, session, scopes), homeDir(env));
  if (!data) return undefined;
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!o || typeof o.clientId !== 'string' || typeof o.clientSecret !== 'string') return undefined;
  registerSecret(o.clientSecret);
  const expiresAt = parseCliTimestamp(o.expiresAt);
  if (Number.isNaN(expiresAt) || expiresAt - now < REGISTRATION_MIN_REMAINING_MS) return undefined;
  const cachedGrants = Array.isArray(o.grantTypes) ? (o.grantTypes as string[]) : undefined;
  if (!sameSet(cachedGrants, grantTypes)) return undefined;
  return {
    clientId: o.clientId,
    clientSecret: o.clientSecret,
    expiresAt,
    ...(Array.isArray(o.scopes) ? { scopes: o.scopes as string[] } : {}),
    ...(cachedGrants ? { grantTypes: cachedGrants } : {}),
  };
}

export function writeRegistration(
  env: Env,
  session: SsoSessionRef,
  scopes: string[],
  registration: ClientRegistration,
): void {
  registerSecret(registration.clientSecret);
  const o: Record<string, unknown> = {
    clientId: registration.clientId,
    clientSecret: registration.clientSecret,
    expiresAt: formatCliTimestamp(new Date(registration.expiresAt)),
  };
  if (registration.scopes) o.scopes = registration.scopes;
  if (registration.grantTypes) o.grantTypes = registration.grantTypes;
  writePrivateFile(registrationCachePath(env, session, scopes), pythonJsonDumps(o), homeDir(env));
}
