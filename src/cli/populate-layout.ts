import { credentialProcessLine, type RolehopInvocation } from '../config/credential-process-line.ts';
import type { ConfigDocument } from '../config/document.ts';
import {
  type BlockContent,
  findManagedBlocks,
  profileNamesOutside,
  type SectionSpec,
} from '../config/managed-blocks.ts';
import { viewOfDocument } from '../config/parse.ts';
import {
  commonEntries,
  type Entries,
  type ProfileStyle,
  type SsoRole,
  ssoEntries,
} from '../config/profile-layout.ts';
import { assignProfileNames, renderTemplate } from '../config/profile-names.ts';
import type { PortalAccount } from '../sso/portal.ts';

// The block `populate SESSION` for a listing: a profile per account × role, named by the template,
// in the chosen style; managed profiles that vanished are kept unless --prune.

/** One account of the listing with the roles it grants (sso/account-list.ts's inventory). */
export interface AccountRoles {
  account: PortalAccount;
  roles: string[];
}

export interface PopulateRequest {
  session: string;
  template: string;
  style: ProfileStyle;
  region?: string;
  prune: boolean;
}

/** The block for the listing; managed profiles that vanished stay unless `prune`. */
export function populateBlock(
  req: PopulateRequest,
  listing: AccountRoles[],
  doc: ConfigDocument,
  invocation: RolehopInvocation,
): {
  block: BlockContent;
  added: number;
  removed: number;
  kept: number;
  /** The listed roles with their profile names. */
  named: { name: string; role: SsoRole }[];
  /** Managed profiles that vanished (removed from the block when `prune`). */
  vanished: string[];
} {
  const id = `populate ${req.session}`;
  const items = listing.flatMap(({ account, roles }) =>
    roles.map((roleName) => ({ accountId: account.accountId, roleName, account })),
  );
  const reserved = profileNamesOutside(doc, 'config', id);
  const named = assignProfileNames(
    items,
    (i) =>
      renderTemplate(req.template, {
        account_id: i.accountId,
        account_name: i.account.accountName ?? i.accountId,
        role_name: i.roleName,
        sso_session: req.session,
        account_email: i.account.emailAddress ?? '',
      }),
    reserved,
  );
  const common = commonEntries(req);
  const sections: SectionSpec[] = named.map(({ name, item }) => {
    const role = { session: req.session, accountId: item.accountId, roleName: item.roleName };
    // Credentials style: the keys live in ~/.aws/credentials; the config profile keeps the rest.
    const entries: Entries =
      req.style === 'credentials'
        ? []
        : req.style === 'process'
          ? [
              [
                'credential_process',
                credentialProcessLine(
                  ['--sso-session', role.session, '--account', role.accountId, '--role', role.roleName],
                  invocation,
                ),
              ],
            ]
          : ssoEntries(role);
    return { ref: { kind: 'profile', name }, entries: [...entries, ...common] };
  });
  const fresh = new Set(sections.map((s) => s.ref.name));
  const previous = existingProfiles(doc, id);
  const vanished = [...previous.keys()].filter((n) => !fresh.has(n));
  let kept = 0;
  if (!req.prune) {
    for (const name of vanished) {
      sections.push({ ref: { kind: 'profile', name }, entries: previous.get(name)! });
      kept++;
    }
  }
  sections.sort((a, b) => (a.ref.name < b.ref.name ? -1 : a.ref.name > b.ref.name ? 1 : 0));
  return {
    block: { id, sections },
    added: [...fresh].filter((n) => !previous.has(n)).length,
    removed: req.prune ? vanished.length : 0,
    kept,
    named: named.map(({ name, item }) => ({
      name,
      role: { session: req.session, accountId: item.accountId, roleName: item.roleName },
    })),
    vanished,
  };
}

/** The profiles inside block `id`, with their entries as written. */
function existingProfiles(doc: ConfigDocument, id: string): Map<string, Entries> {
  const block = findManagedBlocks(doc).find((b) => b.id === id);
  const out = new Map<string, Entries>();
  if (!block) return out;
  // Read as a file of its own, as any block is: the begin marker starts it afresh.
  const view = viewOfDocument(doc.linesAsFile(block.begin + 1, block.end), 'config');
  for (const [name, props] of Object.entries(view.profiles)) {
    out.set(
      name,
      Object.entries(props).flatMap(([k, v]): Entries => (typeof v === 'string' ? [[k, v]] : [])),
    );
  }
  return out;
}
