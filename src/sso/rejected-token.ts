import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { homeDir, rolehopCacheDir } from '../config/paths.ts';
import type { Env } from '../util/env.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { writePrivateFile } from '../util/private-file-write.ts';
import type { SsoSessionRef } from './session.ts';
import { tokenCachePath } from './token-cache.ts';

// The portal's word that a token is dead (UnauthorizedException: signed out elsewhere, revoked),
// remembered so `status` stops calling it "signed in" until its recorded expiry. The marker is keyed
// by the token file and holds only a one-way hash of the access token: a new sign-in (a new token)
// makes it moot, and nothing in it can be used to call AWS.

type Session = Pick<SsoSessionRef, 'name' | 'startUrl'>;

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** In a subfolder: `status` and `logout` read the cache's top level as credential steps. */
function markerPath(env: Env, session: Session): string {
  return path.join(
    rolehopCacheDir(env),
    'rejected-tokens',
    `${sha256(tokenCachePath(env, session)).slice(0, 32)}.json`,
  );
}

function fingerprint(accessToken: string): string {
  return sha256(`rolehop rejected token\n${accessToken}`);
}

/** Best effort: a marker that cannot be written only costs `status` its accuracy. */
export function recordRejectedToken(env: Env, session: Session, accessToken: string, now: number): void {
  try {
    const body = { version: 1, token: fingerprint(accessToken), rejectedAt: new Date(now).toISOString() };
    writePrivateFile(markerPath(env, session), `${JSON.stringify(body)}\n`, homeDir(env));
  } catch {
    // read-only cache folder: status falls back to the token's own expiry
  }
}

/** When the portal rejected this very token (epoch ms), or undefined. */
export function tokenRejectedAt(env: Env, session: Session, accessToken: string): number | undefined {
  try {
    const text = readPrivateFile(markerPath(env, session), homeDir(env));
    if (!text) return undefined;
    const body = JSON.parse(text.toString('utf8')) as { token?: unknown; rejectedAt?: unknown };
    if (body.token !== fingerprint(accessToken) || typeof body.rejectedAt !== 'string') return undefined;
    const at = Date.parse(body.rejectedAt);
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/** After a refresh or a sign-in: the rejection was of a token that is gone. */
export function clearRejectedToken(env: Env, session: Session): void {
  try {
    fs.rmSync(markerPath(env, session), { force: true });
  } catch {
    // as above: a stale marker only names a token that no longer matches
  }
}
