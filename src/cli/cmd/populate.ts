import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { credentialProcessLine, type RolehopInvocation } from '../../config/credential-process-line.ts';
import { type KeysToWrite, managedKeyProfiles, writeKeys } from '../../config/credentials-block.ts';
import { ConfigDocument } from '../../config/document.ts';
import { loadConfigView } from '../../config/load.ts';
import {
  type BlockContent,
  findManagedBlocks,
  profileNamesOutside,
  type SectionSpec,
} from '../../config/managed-blocks.ts';
import { viewOfDocument } from '../../config/parse.ts';
import { configPaths, rolehopCacheDir } from '../../config/paths.ts';
import {
  commonEntries,
  type Entries,
  type ProfileStyle,
  type SsoRole,
  ssoEntries,
} from '../../config/profile-layout.ts';
import {
  assignProfileNames,
  checkTemplate,
  DEFAULT_TEMPLATE,
  renderTemplate,
} from '../../config/profile-names.ts';
import { type FileChange, writeManagedBlocks } from '../../config/profile-writer.ts';
import { pickSession, type SsoSessionRef } from '../../config/sso-session.ts';
import { getAccessToken } from '../../sso/access-token.ts';
import type { SsoDeps } from '../../sso/deps.ts';
import { createPortalClient, type PortalAccount } from '../../sso/portal.ts';
import { readFileIfExists, writeFileAtomic } from '../../util/atomic-file.ts';
import { UsageError } from '../../util/errors.ts';
import type { Deps } from '../deps.ts';
import { diffPainters, reportChanges } from '../diff.ts';
import { regionToWrite } from '../region.ts';
import type { CommandInput, CommandRun } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';
import { parseStyle, rolehopInvocation } from './configure.ts';
import { fetchKeys } from './sync.ts';

// `rolehop populate`: one profile per account × role in the block `populate SESSION`. Listing is
// concurrent and throttle-aware (the portal client's shared back-off); progress is checkpointed so a
// failed run resumes where it stopped instead of listing thousands of accounts again.

export interface AccountRoles {
  account: PortalAccount;
  roles: string[];
}

interface Checkpoint {
  version: 1;
  startUrl: string;
  session: string;
  savedAt: number;
  roles: Record<string, string[]>;
}

/** A checkpoint is trusted for an hour: assignments rarely change faster. */
const CHECKPOINT_TTL_MS = 60 * 60_000;

export function checkpointPath(env: Deps['env'], session: SsoSessionRef): string {
  const key = createHash('sha256')
    .update(`${session.name ?? ''}\n${session.startUrl}`)
    .digest('hex')
    .slice(0, 32);
  return path.join(rolehopCacheDir(env), 'populate', `${key}.json`);
}

function readCheckpoint(file: string, session: SsoSessionRef, now: number): Map<string, string[]> {
  const bytes = readFileIfExists(file);
  if (!bytes) return new Map();
  try {
    const c = JSON.parse(bytes.toString('utf8')) as Checkpoint;
    if (c.version !== 1 || c.startUrl !== session.startUrl || c.session !== (session.name ?? ''))
      return new Map();
    if (now - c.savedAt > CHECKPOINT_TTL_MS || c.savedAt > now) return new Map();
    return new Map(Object.entries(c.roles).filter(([, r]) => Array.isArray(r)));
  } catch {
    return new Map(); // a damaged checkpoint only costs a full listing
  }
}

function saveCheckpoint(
  file: string,
  session: SsoSessionRef,
  now: number,
  roles: Map<string, string[]>,
): void {
  const body: Checkpoint = {
    version: 1,
    startUrl: session.startUrl,
    session: session.name ?? '',
    savedAt: now,
    roles: Object.fromEntries(roles),
  };
  writeFileAtomic(file, JSON.stringify(body));
}

export interface EnumerateOptions {
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Every account with its roles; resumes from the checkpoint of an earlier failed run. */
export async function enumerateRoles(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: EnumerateOptions = {},
): Promise<AccountRoles[]> {
  const concurrency = options.concurrency ?? 8;
  const token = await getAccessToken(session, deps);
  // Many attempts: under a tight throttle every call may be refused a few times before it fits.
  const portal = await createPortalClient(session, token.accessToken, deps, { concurrency, maxAttempts: 40 });
  const file = checkpointPath(deps.env, session);
  try {
    const accounts = await portal.listAccounts();
    const known = readCheckpoint(file, session, deps.now());
    const roles = new Map<string, string[]>();
    for (const a of accounts) {
      const r = known.get(a.accountId);
      if (r) roles.set(a.accountId, r);
    }
    const todo = accounts.filter((a) => !roles.has(a.accountId));
    if (roles.size > 0)
      deps.log.info(`resuming: ${roles.size} of ${accounts.length} accounts already listed`);
    let next = 0;
    let failure: unknown;
    let lastSave = deps.now();
    options.onProgress?.(roles.size, accounts.length);
    const worker = async () => {
      while (failure === undefined && next < todo.length) {
        const account = todo[next++]!;
        try {
          const list = await portal.listAccountRoles(account.accountId);
          roles.set(account.accountId, list.map((r) => r.roleName).sort());
        } catch (error) {
          failure ??= error;
          return;
        }
        options.onProgress?.(roles.size, accounts.length);
        if (deps.now() - lastSave > 2000) {
          lastSave = deps.now();
          saveCheckpoint(file, session, lastSave, roles);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
    if (failure !== undefined) {
      saveCheckpoint(file, session, deps.now(), roles);
      throw failure;
    }
    fs.rmSync(file, { force: true });
    return accounts.map((account) => ({ account, roles: roles.get(account.accountId) ?? [] }));
  } finally {
    portal.destroy();
  }
}

/** A one-line bar redrawn on a terminal; elsewhere, a line at each quarter. */
function progressBar(stderr: Deps['stderr']): (done: number, total: number) => void {
  let lastDraw = 0;
  let lastQuarter = 0;
  return (done, total) => {
    if (stderr.isTTY) {
      const now = Date.now();
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      stderr.write(
        `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} accounts${done === total ? '\n' : ''}`,
      );
      return;
    }
    const quarter = total === 0 ? 4 : Math.floor((done / total) * 4);
    if (quarter > lastQuarter && quarter > 0) {
      lastQuarter = quarter;
      stderr.write(`listed roles of ${done}/${total} accounts\n`);
    }
  };
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
  const text = doc.lines
    .slice(block.begin + 1, block.end)
    .map((l) => l.text)
    .join('\n');
  const view = viewOfDocument(ConfigDocument.parse(text), 'config');
  for (const [name, props] of Object.entries(view.profiles)) {
    out.set(
      name,
      Object.entries(props).flatMap(([k, v]): Entries => (typeof v === 'string' ? [[k, v]] : [])),
    );
  }
  return out;
}

/** Keys for every role, a few at a time through the Plan runner (its cache and locks). */
async function keysFor(
  named: { name: string; role: SsoRole }[],
  input: CommandInput,
  deps: Deps,
): Promise<KeysToWrite[]> {
  const out: KeysToWrite[] = new Array(named.length);
  const view = loadConfigView(deps.env);
  let next = 0;
  const worker = async () => {
    while (next < named.length) {
      const i = next++;
      const { name, role } = named[i]!;
      const recipe = { ssoSession: role.session, accountId: role.accountId, roleName: role.roleName };
      out[i] = { name, recipe, keys: await fetchKeys(recipe, input, deps, view) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, named.length) }, worker));
  return out;
}

export const run: CommandRun = async (input, deps) => {
  const v = input.values;
  const template = typeof v.template === 'string' ? v.template : DEFAULT_TEMPLATE;
  try {
    checkTemplate(template);
  } catch (error) {
    throw new UsageError((error as Error).message, { hint: (error as UsageError).hint });
  }
  const style = parseStyle(typeof v.style === 'string' ? v.style : undefined);
  const view = loadConfigView(deps.env);
  const session = pickSession(view, typeof v['sso-session'] === 'string' ? v['sso-session'] : undefined);
  const region = regionToWrite(input, deps, view, { session });
  const sso = ssoDepsFor(deps, view);
  const listing = await enumerateRoles(session, sso, { onProgress: progressBar(deps.stderr) });
  const req: PopulateRequest = {
    session: session.name!,
    template,
    style,
    ...(region ? { region } : {}),
    prune: v.prune === true,
  };
  const invocation = rolehopInvocation(deps);
  const dryRun = v['dry-run'] === true;
  const configFile = configPaths(deps.env).configFile;
  let summary = { added: 0, removed: 0, kept: 0, total: 0 };
  let result: ReturnType<typeof populateBlock> | undefined;
  const write = (dry: boolean) =>
    writeManagedBlocks(
      configFile,
      'config',
      (doc) => {
        result = populateBlock(req, listing, doc, invocation);
        summary = {
          added: result.added,
          removed: result.removed,
          kept: result.kept,
          total: result.block.sections.length,
        };
        return [result.block];
      },
      { dryRun: dry, removeWhenEmpty: true },
    );
  const changes: FileChange[] = [];
  if (style === 'credentials' && !dryRun) {
    // Every key first: a failure part-way changes no file.
    await write(true);
    const keys = await keysFor(result!.named, input, deps);
    changes.push(await write(false));
    const credentialsFile = configPaths(deps.env).credentialsFile;
    const vanished = new Set(result!.vanished);
    const remove = req.prune
      ? managedKeyProfiles(credentialsFile)
          .filter(
            (m) => 'ssoSession' in m.recipe && m.recipe.ssoSession === req.session && vanished.has(m.name),
          )
          .map((m) => m.name)
      : [];
    changes.push(await writeKeys(credentialsFile, keys, { remove }));
  } else {
    changes.push(await write(dryRun));
    if (style === 'credentials') {
      deps.stderr.write(`would write short-term keys for ${result!.named.length} profiles\n`);
    }
  }
  reportChanges(changes, deps, {
    dryRun,
    what: `sso-session "${req.session}": ${summary.total} profiles (${summary.added} new, ${summary.removed} removed${summary.kept ? `, ${summary.kept} no longer assigned, kept; --prune removes them` : ''})`,
    diffOnWrite: false,
    paint: diffPainters(input, deps),
  });
  return 0;
};
