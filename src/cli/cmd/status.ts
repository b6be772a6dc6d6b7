import { loadConfigView } from '../../config/load.ts';
import type { ConfigView } from '../../config/model.ts';
import { readSsoSession, type SsoSessionRef } from '../../config/sso-session.ts';
import { cacheStatus } from '../../creds/cache-status.ts';
import { tokenRejectedAt } from '../../sso/rejected-token.ts';
import { isRefreshable, readToken } from '../../sso/token-cache.ts';
import { formatDuration } from '../../util/duration.ts';
import { RolehopError } from '../../util/errors.ts';
import { formatIsoSeconds } from '../../util/iso-time.ts';
import { type Paint, painterFor } from '../color.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, flagOf } from '../spec.ts';

// Everything here is about expiry and state; no token, key or secret is ever read into the output.

interface SessionStatus {
  name: string | null;
  startUrl: string | null;
  region: string | null;
  signedIn: boolean;
  expiresAt: string | null;
  refreshable: boolean;
  /** When the portal refused this token (UnauthorizedException) before its expiry. */
  rejectedAt: string | null;
  problem: string | null;
}

interface CredentialStatus {
  target: string;
  expiresAt: string | null;
}

function sessionsOf(view: ConfigView): { name: string | null; ref?: SsoSessionRef; problem?: string }[] {
  const out: { name: string | null; ref?: SsoSessionRef; problem?: string }[] = [];
  for (const name of Object.keys(view.ssoSessions)) {
    const read = readSsoSession(view, name)!;
    out.push('ref' in read ? { name, ref: read.ref } : { name, problem: `missing ${read.missing[0]}` });
  }
  // Legacy profiles (sso_start_url on the profile) have tokens keyed by start URL.
  const legacy = new Set<string>();
  for (const p of Object.values(view.profiles)) {
    if (typeof p.sso_session === 'string') continue;
    if (
      typeof p.sso_start_url === 'string' &&
      typeof p.sso_region === 'string' &&
      !legacy.has(p.sso_start_url)
    ) {
      legacy.add(p.sso_start_url);
      out.push({ name: null, ref: { startUrl: p.sso_start_url, region: p.sso_region } });
    }
  }
  return out;
}

function sessionStatus(entry: ReturnType<typeof sessionsOf>[number], deps: Deps): SessionStatus {
  const base = {
    name: entry.name,
    startUrl: entry.ref?.startUrl ?? null,
    region: entry.ref?.region ?? null,
  };
  const signedOut = (problem: string | null): SessionStatus => ({
    ...base,
    signedIn: false,
    expiresAt: null,
    refreshable: false,
    rejectedAt: null,
    problem,
  });
  if (!entry.ref) return signedOut(entry.problem ?? null);
  try {
    const token = readToken(deps.env, entry.ref);
    if (!token) return signedOut(null);
    const now = deps.now();
    const rejectedAt = tokenRejectedAt(deps.env, entry.ref, token.accessToken);
    return {
      ...base,
      signedIn: token.expiresAt > now && rejectedAt === undefined,
      expiresAt: formatIsoSeconds(token.expiresAt),
      refreshable: entry.ref.name !== undefined && isRefreshable(token, now),
      rejectedAt: rejectedAt === undefined ? null : formatIsoSeconds(rejectedAt),
      problem: null,
    };
  } catch (error) {
    const message = error instanceof RolehopError ? error.message : String(error);
    return {
      ...base,
      signedIn: false,
      expiresAt: null,
      refreshable: false,
      rejectedAt: null,
      problem: message,
    };
  }
}

/** Cached credential steps: what they are for and when they expire (never their values). */
function cachedCredentials(env: Deps['env']): CredentialStatus[] {
  return cacheStatus(env).map((step) => ({
    target: step.description,
    expiresAt: formatIsoSeconds(step.expiration.getTime()),
  }));
}

/** Past this, "expired 60643h 58m ago" says less than the date does. */
const RELATIVE_LIMIT_S = 24 * 3600;
/** Less than this left is shown in yellow: time to sign in again before it bites. */
const SOON_S = 3600;

function describeExpiry(iso: string | null, now: number, paint: Paint): string {
  if (!iso) return 'no expiry recorded';
  const left = (Date.parse(iso) - now) / 1000;
  if (left > 0)
    return `${paint(left < SOON_S ? 'yellow' : 'green', `expires in ${formatDuration(left)}`)} (${iso})`;
  if (-left >= RELATIVE_LIMIT_S) return paint('red', `expired ${iso.slice(0, 10)}`);
  return `${paint('red', `expired ${formatDuration(-left)} ago`)} (${iso})`;
}

/** What status acts on, typed: the command line is read once, in parseStatusInput. */
export interface StatusInput {
  json: boolean;
  /** false under --no-color. */
  color: boolean;
}

export function parseStatusInput(raw: CommandInput): StatusInput {
  return { json: flagOf(raw, 'json'), color: raw.globals.color };
}

/** Each sso-session's sign-in and every cached credential, by expiry; never a secret. */
export function status(input: StatusInput, deps: Deps): number {
  const view = loadConfigView(deps.env);
  const sessions = sessionsOf(view).map((s) => sessionStatus(s, deps));
  const credentials = cachedCredentials(deps.env);
  if (input.json) {
    deps.stdout.write(`${JSON.stringify({ sessions, credentials }, null, 2)}\n`);
    return 0;
  }
  const now = deps.now();
  const paint = painterFor(deps.stdout, deps.env, input);
  const lines: string[] = [];
  if (sessions.length === 0)
    lines.push('No sso-sessions configured (sign in with: rolehop login --start-url URL --sso-region R).');
  for (const s of sessions) {
    lines.push(
      `${s.name ? `sso-session ${s.name}` : 'legacy profile start URL'}: ${s.startUrl ?? '?'} (${s.region ?? '?'})`,
    );
    if (s.problem) lines.push(`  ${paint('yellow', 'problem:')} ${s.problem}`);
    else if (!s.expiresAt)
      lines.push(`  not signed in (run: rolehop login${s.name ? ` --sso-session ${s.name}` : ''})`);
    else if (s.rejectedAt)
      lines.push(
        `  ${paint('red', 'sign-in rejected by the portal')} at ${s.rejectedAt} (signed out or revoked elsewhere); run: rolehop login${s.name ? ` --sso-session ${s.name}` : ''}`,
      );
    else {
      const state = s.signedIn ? 'signed in' : paint('red', 'sign-in expired');
      lines.push(
        `  ${state}; token ${describeExpiry(s.expiresAt, now, paint)}; ${s.refreshable ? 'refreshable' : 'not refreshable'}`,
      );
    }
  }
  lines.push('', credentials.length ? 'Cached credentials:' : 'No cached credentials.');
  for (const c of credentials) lines.push(`  ${c.target}: ${describeExpiry(c.expiresAt, now, paint)}`);
  deps.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export const run: CommandRun = (raw, deps) => status(parseStatusInput(raw), deps);
