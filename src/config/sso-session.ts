import { ConfigError, UsageError } from '../util/errors.ts';
import type { ConfigView, Properties } from './model.ts';
import { own } from './parse.ts';

// The one reader of `[sso-session NAME]` sections and the one start-URL rule. login, setup, status,
// logout, the resolver, the selectors and doctor all read sessions here, so they accept and refuse
// the same things (before, doctor called an http://127.0.0.1 start URL an error that login took,
// and `--sso-session constructor` found Object.prototype).

/** What identifies a sign-in: the token cache key is `name`, or the start URL for legacy profiles. */
export interface SsoSessionRef {
  name?: string;
  startUrl: string;
  region: string;
  /** sso_registration_scopes; refresh tokens are issued only with sso:account:access. */
  scopes?: string[];
}

export const DEFAULT_SCOPES = ['sso:account:access'];

const NOT_A_URL = 'is not a URL';

/**
 * Why a start URL is refused (a phrase after "which"), or undefined when it is fine: https, or plain http only on
 * loopback (the sandbox). It is the OIDC issuer, so a typo would otherwise fail only at sign-in.
 */
export function startUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return NOT_A_URL;
  }
  const loopback = url.hostname === '127.0.0.1' || url.hostname === 'localhost' || url.hostname === '[::1]';
  if (url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) return undefined;
  return 'is not an https URL (plain http is allowed only on 127.0.0.1/localhost, for the sandbox)';
}

/** A start URL typed on the command line, or a usage error saying what to type instead. */
export function validateStartUrl(text: string): string {
  const problem = startUrlProblem(text);
  if (problem === undefined) return text;
  if (problem === NOT_A_URL) {
    throw new UsageError(`invalid start URL "${text}"`, {
      hint: 'use the access portal URL, e.g. https://my-org.awsapps.com/start',
    });
  }
  throw new UsageError(`refusing start URL "${text}": it must use https`, {
    hint: 'use the https access portal URL (plain http is allowed only on 127.0.0.1/localhost, for the sandbox)',
  });
}

/** `my-org` from https://my-org.awsapps.com/start; `local` for loopback sandboxes. */
export function nameFromStartUrl(startUrl: string): string {
  const host = new URL(startUrl).hostname;
  if (host === '127.0.0.1' || host === 'localhost' || host.startsWith('[')) return 'local';
  return host.split('.')[0] || 'default';
}

/** `sso_registration_scopes = a, b` as a list; undefined when absent or empty. */
export function parseScopes(value: unknown): string[] | undefined {
  if (typeof value !== 'string') return undefined;
  const scopes = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return scopes.length > 0 ? scopes : undefined;
}

/** The section of that name, own properties only: `constructor` is a name like any other. */
export function ssoSessionSection(view: ConfigView, name: string): Properties | undefined {
  return own(view.ssoSessions, name);
}

/** A section read as a reference, or the keys it lacks. Never throws. */
export function readSsoSession(
  view: ConfigView,
  name: string,
): { ref: SsoSessionRef } | { missing: string[] } | undefined {
  const section = ssoSessionSection(view, name);
  if (!section) return undefined;
  const value = (key: string) => {
    const v = Object.hasOwn(section, key) ? section[key] : undefined;
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const startUrl = value('sso_start_url');
  const region = value('sso_region');
  if (startUrl === undefined || region === undefined) {
    return {
      missing: [
        startUrl === undefined ? 'sso_start_url' : '',
        region === undefined ? 'sso_region' : '',
      ].filter(Boolean),
    };
  }
  const scopes = parseScopes(value('sso_registration_scopes'));
  return { ref: { name, startUrl, region, ...(scopes ? { scopes } : {}) } };
}

/** The `[sso-session NAME]` section as a session reference; UsageError if absent, ConfigError if partial. */
export function sessionFromView(view: ConfigView, name: string): SsoSessionRef {
  const read = readSsoSession(view, name);
  if (!read) {
    const known = Object.keys(view.ssoSessions);
    throw new UsageError(`no sso-session named "${name}" in the config file`, {
      hint: known.length
        ? `configured sso-sessions: ${known.join(', ')}`
        : 'sign in once with: rolehop login --start-url URL --sso-region REGION --sso-session NAME',
    });
  }
  if ('missing' in read) {
    // A `key: value` line botocore reads may be why: `config set` would then add a second key.
    const dispute = view.disputes?.find((d) => d.kind === 'sso-session' && d.name === name);
    if (dispute) {
      throw new ConfigError(
        `[sso-session ${name}] is missing ${read.missing.join(' and ')} as rolehop reads it; botocore and the JS SDK read a line of it differently: ${dispute.where}`,
        { hint: 'rewrite that line as key = value (with "=", starting in the first column), then retry' },
      );
    }
    throw new ConfigError(`[sso-session ${name}] is missing ${read.missing.join(' and ')}`, {
      hint: `set it with: rolehop config set --sso-session ${name} ${read.missing[0]} VALUE`,
    });
  }
  return read.ref;
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
