import { loadConfigView } from '../../config/load.ts';
import { pickSession } from '../../config/sso-session.ts';
import { filterAccounts, listAccountsWithRoles } from '../../sso/account-list.ts';
import { terminalSafe } from '../../util/terminal-text.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, durationOf, firstPositional, flagOf, textOf } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

// Accounts and their roles, from the inventory (one day unless --max-age). Listing is slow for large
// organisations (a call per account), so it shows progress after a moment.

const PROGRESS_AFTER_MS = 1000;

/** What ls acts on, typed: the command line is read and checked once, in parseLsInput. */
export interface LsInput {
  /** Matches account id, name or role; undefined lists everything. */
  filter: string | undefined;
  ssoSession: string | undefined;
  refresh: boolean;
  /** How long listed roles are trusted (--max-age); undefined: the inventory's default. */
  maxAgeSeconds: number | undefined;
  json: boolean;
}

export function parseLsInput(raw: CommandInput): LsInput {
  return {
    filter: firstPositional(raw, 'rolehop ls takes one FILTER (matches account id, name or role)'),
    ssoSession: textOf(raw, 'sso-session'),
    refresh: flagOf(raw, 'refresh'),
    maxAgeSeconds: durationOf(raw, 'max-age'),
    json: flagOf(raw, 'json'),
  };
}

/** The session's accounts and their roles, filtered. */
export async function ls(input: LsInput, deps: Deps): Promise<number> {
  const view = loadConfigView(deps.env);
  const session = pickSession(view, input.ssoSession);
  const started = deps.now();
  let shown = false;
  const tty = deps.stderr.isTTY === true;
  const { accounts } = await listAccountsWithRoles(session, ssoDepsFor(deps, view), {
    refresh: input.refresh,
    ...(input.maxAgeSeconds !== undefined ? { maxAgeMs: input.maxAgeSeconds * 1000 } : {}),
    onProgress: (done, total) => {
      if (deps.now() - started < PROGRESS_AFTER_MS) return;
      if (tty) {
        deps.stderr.write(`\rlisting roles: ${done}/${total} accounts…`);
        shown = true;
      } else if (!shown) {
        deps.stderr.write(`listing roles of ${total} accounts…\n`);
        shown = true;
      }
    },
  });
  if (shown && tty) deps.stderr.write('\r\x1b[K');
  const list = filterAccounts(accounts, input.filter);
  if (input.json) {
    deps.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [];
  for (const a of list) {
    out.push(`${a.accountId}  ${a.accountName ?? ''}${a.emailAddress ? `  <${a.emailAddress}>` : ''}`);
    for (const r of a.roles) out.push(`    ${r}`);
  }
  if (list.length === 0 && input.filter) {
    deps.stderr.write(`no account or role matches "${input.filter}"\n`);
  }
  // Account names, emails and roles come from the portal: no terminal controls get through.
  deps.stdout.write(out.length > 0 ? `${terminalSafe(out.join('\n'))}\n` : '');
  return 0;
}

export const run: CommandRun = (raw, deps) => ls(parseLsInput(raw), deps);
