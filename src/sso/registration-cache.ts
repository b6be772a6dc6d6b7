import * as path from 'node:path';
import { homeDir, ssoCacheDir } from '../config/paths.ts';
import type { Env } from '../util/env.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { writePrivateFile } from '../util/private-file-write.ts';
import { registerSecret } from '../util/redact.ts';
import { formatCliTimestamp, parseCliTimestamp, pythonJsonDumps } from './python-json.ts';
import type { SsoSessionRef } from './session.ts';
import { sha1Hex } from './token-cache.ts';

// OIDC client registrations, cached beside the tokens. A device-code registration lives under the
// AWS CLI v2's file name, so both tools reuse it (aws-protocols.md §4). An authorization-code (PKCE)
// registration does not: the CLI before 2.22 reuses whatever that file holds for its device flow, and
// a client registered without the device grant fails there with UnauthorizedClientException. Its key
// adds the grant types. Reuse follows the CLI 2.22+ rule (botocore BaseSSOTokenFetcher
// _is_registration_for_auth_code): a registration serves the PKCE flow exactly when its grantTypes
// name authorization_code, else the device flow.

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

const AUTH_CODE_GRANT = 'authorization_code';

function isForAuthCode(grantTypes: string[] | undefined): boolean {
  return grantTypes?.includes(AUTH_CODE_GRANT) === true;
}

/** botocore's registration key; `grantTypes` is added only for a PKCE registration (see above). */
export function registrationCacheKey(
  session: SsoSessionRef,
  scopes: string[],
  grantTypes?: string[],
): string {
  return pythonJsonDumps(
    {
      tool: 'botocore',
      startUrl: session.startUrl,
      region: session.region,
      scopes,
      session_name: session.name ?? null,
      ...(isForAuthCode(grantTypes) ? { grantTypes } : {}),
    },
    { sortKeys: true },
  );
}

export function registrationCachePath(
  env: Env,
  session: SsoSessionRef,
  scopes: string[],
  grantTypes?: string[],
): string {
  return path.join(ssoCacheDir(env), `${sha1Hex(registrationCacheKey(session, scopes, grantTypes))}.json`);
}

/** A cached registration usable for these grant types, else undefined (a bad file is just a miss). */
export function readRegistration(
  env: Env,
  session: SsoSessionRef,
  scopes: string[],
  grantTypes: string[] | undefined,
  now: number,
): ClientRegistration | undefined {
  const data = readPrivateFile(registrationCachePath(env, session, scopes, grantTypes), homeDir(env));
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
  if (isForAuthCode(cachedGrants) !== isForAuthCode(grantTypes)) return undefined;
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
  writePrivateFile(
    registrationCachePath(env, session, scopes, registration.grantTypes),
    pythonJsonDumps(o),
    homeDir(env),
  );
}
