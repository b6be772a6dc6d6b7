import type { ConfigView } from '../config/model.ts';
import { ConfigError, UsageError } from '../util/errors.ts';

/** What identifies a sign-in: the token cache key is `name`, or the start URL for legacy profiles. */
export interface SsoSessionRef {
  name?: string;
  startUrl: string;
  region: string;
  /** sso_registration_scopes; refresh tokens are issued only with sso:account:access. */
  scopes?: string[];
}

export const DEFAULT_SCOPES = ['sso:account:access'];

/** `rolehop login --sso-session X` for messages. */
export function loginCommandFor(session: Pick<SsoSessionRef, 'name' | 'startUrl'>): string {
  return session.name ? `rolehop login --sso-session ${session.name}` : 'rolehop login';
}

export function sessionLabel(session: Pick<SsoSessionRef, 'name' | 'startUrl'>): string {
  return session.name ? `sso-session "${session.name}"` : `start URL ${session.startUrl}`;
}

/** Start URLs must be https; plain http only on loopback, for the sandbox. */
export function validateStartUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`invalid start URL "${text}"`, {
      hint: 'use the access portal URL, e.g. https://my-org.awsapps.com/start',
    });
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return text;
  throw new UsageError(`refusing start URL "${text}": it must use https`, {
    hint: 'use the https access portal URL (plain http is allowed only on 127.0.0.1/localhost, for the sandbox)',
  });
}

export function parseScopes(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return scopes.length > 0 ? scopes : undefined;
}

/** The `[sso-session NAME]` section as a session reference; ConfigError naming what is missing. */
export function sessionFromView(view: ConfigView, name: string): SsoSessionRef {
  const section = view.ssoSessions[name];
  if (!section) {
    const known = Object.keys(view.ssoSessions);
    throw new UsageError(`no sso-session named "${name}" in the config file`, {
      hint: known.length
        ? `configured sso-sessions: ${known.join(', ')}`
        : 'sign in once with: rolehop login --start-url URL --sso-region REGION --sso-session NAME',
    });
  }
  const startUrl = section.sso_start_url;
  const region = section.sso_region;
  const missing = [
    typeof startUrl === 'string' && startUrl ? undefined : 'sso_start_url',
    typeof region === 'string' && region ? undefined : 'sso_region',
  ].filter(Boolean);
  if (missing.length > 0) {
    // A `key: value` line botocore reads may be why: `config set` would then add a second key.
    const dispute = view.disputes?.find((d) => d.kind === 'sso-session' && d.name === name);
    if (dispute) {
      throw new ConfigError(
        `[sso-session ${name}] is missing ${missing.join(' and ')} as rolehop reads it; botocore and the JS SDK read a line of it differently: ${dispute.where}`,
        { hint: 'rewrite that line as key = value (with "=", starting in the first column), then retry' },
      );
    }
    throw new ConfigError(`[sso-session ${name}] is missing ${missing.join(' and ')}`, {
      hint: `set it with: rolehop config set --sso-session ${name} ${missing[0]} VALUE`,
    });
  }
  const scopes = parseScopes(section.sso_registration_scopes);
  return { name, startUrl: startUrl as string, region: region as string, ...(scopes ? { scopes } : {}) };
}

/** The session a command means: the named one, else the only one configured. */
export function pickSession(view: ConfigView, name: string | undefined): SsoSessionRef {
  if (name) return sessionFromView(view, name);
  const names = Object.keys(view.ssoSessions);
  if (names.length === 1) return sessionFromView(view, names[0]!);
  if (names.length === 0) {
    throw new UsageError('no sso-session is configured', {
      hint: 'sign in once with: rolehop login --start-url URL --sso-region REGION --sso-session NAME',
    });
  }
  throw new UsageError(`several sso-sessions are configured: ${names.join(', ')}`, {
    hint: 'choose one with --sso-session NAME',
  });
}
