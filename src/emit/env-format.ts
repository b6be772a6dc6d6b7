// `rolehop env` output: the AWS_* variables as shell code, dotenv or JSON.

import { BEFORE_CONTAINER_CREDENTIALS } from '../util/container-variables.ts';
import { RolehopError, UsageError } from '../util/errors.ts';
import { assertNoNul, type Credentials, isoSeconds } from './credentials.ts';
import { quoteForDotenv } from './dotenv.ts';
import { quoteForCmd, quoteForFish, quoteForPosix, quoteForPwsh } from './quote.ts';

export const ENV_FORMATS = ['bash', 'zsh', 'sh', 'fish', 'pwsh', 'cmd', 'dotenv', 'json'] as const;
export type EnvFormat = (typeof ENV_FORMATS)[number];

export interface EnvOptions {
  region?: string;
  /** What was exported (ROLEHOP_TARGET, see cli/target-words.ts), for the prompt hook; shell formats only. */
  target?: string;
  /** Print the lines that clear the variables instead of setting them (shell formats only). */
  unset?: boolean;
}

/** Everything `formatEnv` sets or clears, in output order. */
export const EMITTED_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'ROLEHOP_TARGET',
] as const;

export function parseEnvFormat(name: string): EnvFormat {
  if ((ENV_FORMATS as readonly string[]).includes(name)) return name as EnvFormat;
  throw new UsageError(`unknown output format "${name}"`, { hint: `use one of: ${ENV_FORMATS.join(', ')}` });
}

/** The shell named by $SHELL, when rolehop can write for it; else `sh`. */
export function defaultShellFormat(env: Record<string, string | undefined>): EnvFormat {
  // The last name of the path, lower case, less any ".exe" (no regular expression on a warm env:
  // util/ascii.ts says why).
  const shell = env.SHELL ?? '';
  const name = shell.slice(Math.max(shell.lastIndexOf('/'), shell.lastIndexOf('\\')) + 1).toLowerCase();
  const base = name.endsWith('.exe') ? name.slice(0, -'.exe'.length) : name;
  if (base === 'bash' || base === 'zsh' || base === 'fish' || base === 'pwsh') return base;
  if (base === 'powershell') return 'pwsh';
  return 'sh';
}

/** The variables to set (name, value) and to clear, for these credentials. */
export function envAssignments(
  creds: Credentials,
  region?: string,
): { set: Array<[string, string]>; clear: string[] } {
  const set: Array<[string, string]> = [
    ['AWS_ACCESS_KEY_ID', creds.accessKeyId],
    ['AWS_SECRET_ACCESS_KEY', creds.secretAccessKey],
  ];
  const clear: string[] = [];
  if (creds.sessionToken) set.push(['AWS_SESSION_TOKEN', creds.sessionToken]);
  else clear.push('AWS_SESSION_TOKEN');
  // A stale expiration from an earlier eval would mislead tools that check it.
  if (creds.expiration) set.push(['AWS_CREDENTIAL_EXPIRATION', isoSeconds(creds.expiration)]);
  else clear.push('AWS_CREDENTIAL_EXPIRATION');
  if (region) set.push(['AWS_REGION', region], ['AWS_DEFAULT_REGION', region]);
  // botocore skips environment credentials when AWS_PROFILE is set.
  clear.push('AWS_PROFILE');
  // Keys replace an agent endpoint exported earlier in the same shell.
  clear.push('AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_AUTHORIZATION_TOKEN');
  for (const [name, value] of set) assertNoNul(name, value);
  return { set, clear };
}

/** The variables that point SDKs at a loopback container endpoint (the agent) instead of keys. */
export function containerEnvAssignments(
  endpoint: { url: string; token: string },
  region?: string,
): { set: Array<[string, string]>; clear: string[] } {
  const set: Array<[string, string]> = [
    ['AWS_CONTAINER_CREDENTIALS_FULL_URI', endpoint.url],
    ['AWS_CONTAINER_AUTHORIZATION_TOKEN', endpoint.token],
  ];
  if (region) set.push(['AWS_REGION', region], ['AWS_DEFAULT_REGION', region]);
  for (const [name, value] of set) assertNoNul(name, value);
  return { set, clear: [...BEFORE_CONTAINER_CREDENTIALS] };
}

interface ShellSyntax {
  set(name: string, value: string): string;
  clear(name: string): string;
  eol: string;
}

const posix: ShellSyntax = {
  // `;` keeps the text correct even when run unquoted: eval $(rolehop env).
  set: (n, v) => `export ${n}=${quoteForPosix(v)};`,
  clear: (n) => `unset ${n};`,
  eol: '\n',
};

const SHELLS: Record<'bash' | 'zsh' | 'sh' | 'fish' | 'pwsh' | 'cmd', ShellSyntax> = {
  bash: posix,
  zsh: posix,
  sh: posix,
  fish: {
    set: (n, v) => `set -gx ${n} ${quoteForFish(v)};`,
    // `set -e` of an absent variable fails and fish's `set` passes that status on, which would
    // stop `rolehop env | source; and cmd`.
    clear: (n) => `set -e ${n}; or true;`,
    eol: '\n',
  },
  pwsh: {
    set: (n, v) => `$Env:${n} = ${quoteForPwsh(v)}`,
    clear: (n) => `Remove-Item Env:${n} -ErrorAction SilentlyContinue`,
    eol: '\n',
  },
  cmd: {
    set: (n, v) => `set "${n}=${quoteForCmd(v, n)}"`,
    clear: (n) => `set "${n}="`,
    eol: '\r\n',
  },
};

/**
 * The text `rolehop env` prints. Throws RolehopError for values a format cannot carry safely (NUL
 * anywhere, cmd's specials), UsageError for `unset` with dotenv or json; never echoes a value.
 */
export function formatEnv(format: EnvFormat, creds: Credentials | null, options: EnvOptions = {}): string {
  if (options.unset) return formatUnsetEnv(format);
  if (!creds) throw new RolehopError('no credentials to print');
  return formatAssignments(format, envAssignments(creds, options.region || undefined), options.target);
}

/**
 * Assignments as `format` writes them. ROLEHOP_TARGET goes to shells only: the hook and the prompt
 * segment read it there, while dotenv and JSON feed programs.
 */
export function formatAssignments(
  format: EnvFormat,
  assignments: { set: Array<[string, string]>; clear: string[] },
  target?: string,
): string {
  const { set, clear } = assignments;
  if (format === 'json') return `${JSON.stringify(Object.fromEntries(set), null, 2)}\n`;
  if (format === 'dotenv') return set.map(([n, v]) => `${n}=${quoteForDotenv(v)}\n`).join('');
  const shell = SHELLS[format];
  const lines = [...clear.map((n) => shell.clear(n)), ...set.map(([n, v]) => shell.set(n, v))];
  if (target !== undefined) {
    assertNoNul('ROLEHOP_TARGET', target);
    lines.push(shell.set('ROLEHOP_TARGET', target));
  }
  return lines.map((l) => l + shell.eol).join('');
}

/** The lines that clear every variable `formatEnv` sets. */
export function formatUnsetEnv(format: EnvFormat): string {
  if (format === 'json' || format === 'dotenv') {
    throw new UsageError(`--unset works with shell formats, not ${format}`, {
      hint: 'use --format bash, zsh, sh, fish, pwsh or cmd',
    });
  }
  const shell = SHELLS[format];
  return EMITTED_VARIABLES.map((n) => shell.clear(n) + shell.eol).join('');
}
