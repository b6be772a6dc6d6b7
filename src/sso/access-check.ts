import type { Finding } from '../config/diagnose.ts';
import { ConfigDocument } from '../config/document.ts';
import { loadConfigFiles } from '../config/load.ts';
import { findManagedBlocks } from '../config/managed-blocks.ts';
import { headerMeaning } from '../config/parse.ts';
import { formatDuration } from '../util/duration.ts';
import { type AccountEntry, inventoryAge, readInventory } from './account-list.ts';
import type { SsoDeps } from './deps.ts';
import { type SsoSessionRef, sessionFromView } from './session.ts';

// `doctor`'s check of SSO profiles against the account inventory: a profile whose account or role
// the session can no longer reach fails at its next use, so say so now. It reads only the inventory
// (no network): a session whose inventory is missing or older than a day is not checked.

export function unreachableSsoProfiles(env: SsoDeps['env'], now: number): Finding[] {
  const { view, config } = loadConfigFiles(env);
  const doc = ConfigDocument.parse(config.text);
  const populated = populatedProfiles(doc);
  const inventories = new Map<string, { accounts: Map<string, AccountEntry>; ageMs: number } | undefined>();
  const findings: Finding[] = [];
  for (const [name, props] of Object.entries(view.profiles)) {
    const accountId = props.sso_account_id;
    const roleName = props.sso_role_name;
    const sessionName = props.sso_session;
    // Legacy profiles (sso_start_url in the profile) have no sso-session to look up; they are rare.
    if (typeof accountId !== 'string' || typeof roleName !== 'string' || typeof sessionName !== 'string')
      continue;
    let session: SsoSessionRef;
    try {
      session = sessionFromView(view, sessionName);
    } catch {
      continue; // the file checks report a missing or broken sso-session
    }
    if (!inventories.has(sessionName)) {
      const accounts = readInventory(session, { env, now: () => now });
      inventories.set(
        sessionName,
        accounts && {
          accounts: new Map(accounts.map((a) => [a.accountId, a])),
          ageMs: inventoryAge(session, { env, now: () => now }) ?? 0,
        },
      );
    }
    const inv = inventories.get(sessionName);
    if (!inv) continue;
    const account = inv.accounts.get(accountId);
    const what = !account
      ? `account ${accountId} is no longer reachable in sso-session "${sessionName}"`
      : !account.roles.includes(roleName)
        ? `role "${roleName}" is no longer assigned to you in account ${accountId}${account.accountName ? ` (${account.accountName})` : ''}`
        : undefined;
    if (!what) continue;
    const block = populated.get(name);
    findings.push({
      severity: 'error',
      code: 'unreachable-role',
      file: config.path,
      ...(headerLine(doc, name) ? { line: headerLine(doc, name)! } : {}),
      profile: name,
      message: `profile "${name}": ${what} (per the account list of ${formatDuration(inv.ageMs / 1000)} ago)`,
      fix:
        block !== undefined
          ? `rolehop populate --sso-session ${block} --prune`
          : `remove [profile ${name}], or ask your administrator for the assignment ('rolehop ls --refresh' to check again)`,
    });
  }
  return findings;
}

/** Profile name → the sso-session of the `populate SESSION` block holding it. */
function populatedProfiles(doc: ConfigDocument): Map<string, string> {
  const out = new Map<string, string>();
  let blocks: ReturnType<typeof findManagedBlocks>;
  try {
    blocks = findManagedBlocks(doc);
  } catch {
    return out; // a broken block is reported by the file checks
  }
  for (const b of blocks) {
    if (!b.id.startsWith('populate ')) continue;
    for (let i = b.begin + 1; i < b.end; i++) {
      const info = doc.lines[i]!.info;
      if (info.type !== 'section') continue;
      const meaning = headerMeaning(info, 'config');
      if ('section' in meaning && meaning.section.kind === 'profile') {
        out.set(meaning.section.name, b.id.slice('populate '.length));
      }
    }
  }
  return out;
}

function headerLine(doc: ConfigDocument, name: string): number | undefined {
  const i = doc.lines.findIndex((l) => {
    if (l.info.type !== 'section') return false;
    const meaning = headerMeaning(l.info, 'config');
    return 'section' in meaning && meaning.section.kind === 'profile' && meaning.section.name === name;
  });
  return i < 0 ? undefined : i + 1;
}
