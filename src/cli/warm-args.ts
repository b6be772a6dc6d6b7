import { envProfileName } from '../config/env-profile.ts';
import type { Selection } from '../creds/selection.ts';
import { defaultShellFormat, type EnvFormat, parseEnvFormat } from '../emit/env-format.ts';
import type { Env } from '../util/env.ts';

// What the warm entries (cli/warm-hit.ts, cli/warm.ts) understand of a command line: the plain
// selectors only. Anything else is the full CLI's, which parses, validates and reports as always.

export type WarmCommand = 'credential-process' | 'env' | 'exec';

export interface WarmRequest {
  command: WarmCommand;
  selection: Selection;
  /** exec's command line. */
  run?: string[];
  /** env's output format. */
  format?: EnvFormat;
}

const SELECTORS: Record<string, keyof Selection> = {
  '--profile': 'profile',
  '--sso-session': 'ssoSession',
  '--account': 'account',
  '--role': 'role',
};

/** The selection of a plain command line, or undefined for anything the full parser must see. */
function plainSelection(
  args: readonly string[],
  env: Env,
  extra: Record<string, string>,
): Selection | undefined {
  const sel: Selection = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      if (sel.profile !== undefined) return undefined;
      sel.profile = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const key = SELECTORS[name];
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (name in extra && extra[name] === '') {
      extra[name] = value;
      continue;
    }
    if (key === undefined) return undefined;
    if (sel[key] !== undefined) return undefined;
    (sel as Record<string, string>)[key] = value;
  }
  // The one road's rule for a profile from the environment; the rest of it (web identity, the picker,
  // `default`) is the full CLI's.
  const named = envProfileName(env);
  const selectors = sel.ssoSession !== undefined || sel.account !== undefined || sel.role !== undefined;
  if (sel.profile === undefined && !selectors && named) {
    sel.profile = named;
  }
  return sel;
}

/**
 * `credential-process`, `env` or `exec` with plain selectors, or undefined where the full CLI must
 * run. Throws on a format env does not know (the caller hands that to the full CLI too).
 */
export function warmRequest(argv: readonly string[], env: Env): WarmRequest | undefined {
  const command = argv[0];
  if (command !== 'credential-process' && command !== 'env' && command !== 'exec') return undefined;
  let args = argv.slice(1);
  let run: string[] | undefined;
  if (command === 'exec') {
    // `exec SELECTION -- CMD…` only; nesting (ROLEHOP_EXEC), --each, --agent, --force and any
    // usage error are the full CLI's.
    const dashes = args.indexOf('--');
    if (dashes < 0 || !args[dashes + 1] || env.ROLEHOP_EXEC) return undefined;
    run = args.slice(dashes + 1);
    args = args.slice(0, dashes);
  }
  // env's one extra option; --again, --unset, --agent and the rest are the full CLI's.
  const extra: Record<string, string> = command === 'env' ? { '--format': '' } : {};
  const selection = plainSelection(args, env, extra);
  if (!selection) return undefined;
  if (command === 'credential-process') return { command, selection };
  if (command === 'exec') return { command, selection, run: run! };
  const format = extra['--format'] ? parseEnvFormat(extra['--format']) : defaultShellFormat(env);
  return { command, selection, format };
}
