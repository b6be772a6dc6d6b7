import { loadConfigView } from '../../config/load.ts';
import { pickSession } from '../../config/sso-session.ts';
import { filterAccounts, listAccountsWithRoles } from '../../sso/account-list.ts';
import { parseDurationSeconds } from '../../util/duration.ts';
import { UsageError } from '../../util/errors.ts';
import { terminalSafe } from '../../util/terminal-text.ts';
import type { CommandRun } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

// Accounts and their roles, from the inventory (one day unless --max-age). Listing is slow for large
// organisations (a call per account), so it shows progress after a moment.

const PROGRESS_AFTER_MS = 1000;

export const run: CommandRun = async (input, deps) => {
  if (input.positionals.length > 1) {
    throw new UsageError(`unexpected argument "${input.positionals[1]}"`, {
      hint: 'rolehop ls takes one FILTER (matches account id, name or role)',
    });
  }
  const view = loadConfigView(deps.env);
  const session = pickSession(view, input.values['sso-session'] as string | undefined);
  const started = deps.now();
  let shown = false;
  const tty = deps.stderr.isTTY === true;
  const maxAge = input.values['max-age'];
  const maxAgeSeconds = typeof maxAge === 'string' ? parseDurationSeconds(maxAge, '--max-age') : undefined;
  const { accounts } = await listAccountsWithRoles(session, ssoDepsFor(deps, view), {
    refresh: input.values.refresh === true,
    ...(maxAgeSeconds !== undefined ? { maxAgeMs: maxAgeSeconds * 1000 } : {}),
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
  const list = filterAccounts(accounts, input.positionals[0]);
  if (input.values.json === true) {
    deps.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
    return 0;
  }
  const out: string[] = [];
  for (const a of list) {
    out.push(`${a.accountId}  ${a.accountName ?? ''}${a.emailAddress ? `  <${a.emailAddress}>` : ''}`);
    for (const r of a.roles) out.push(`    ${r}`);
  }
  if (list.length === 0 && input.positionals[0]) {
    deps.stderr.write(`no account or role matches "${input.positionals[0]}"\n`);
  }
  // Account names, emails and roles come from the portal: no terminal controls get through.
  deps.stdout.write(out.length > 0 ? `${terminalSafe(out.join('\n'))}\n` : '');
  return 0;
};
