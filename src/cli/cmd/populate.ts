import { type KeysToWrite, managedKeyProfiles, writeKeys } from '../../config/credentials-block.ts';
import { loadConfigView } from '../../config/load.ts';
import type { ConfigView } from '../../config/model.ts';
import { configPaths } from '../../config/paths.ts';
import type { ProfileStyle, SsoRole } from '../../config/profile-layout.ts';
import { checkTemplate, DEFAULT_TEMPLATE } from '../../config/profile-names.ts';
import { type FileChange, writeManagedBlocks } from '../../config/profile-writer.ts';
import { pickSession, type SsoSessionRef } from '../../config/sso-session.ts';
import { listAccountsWithRoles } from '../../sso/account-list.ts';
import { UsageError } from '../../util/errors.ts';
import type { Deps } from '../deps.ts';
import { diffPainters, reportChanges } from '../diff.ts';
import { type AccountRoles, type PopulateRequest, populateBlock } from '../populate-layout.ts';
import { parseStyle, rolehopInvocation } from '../profile-options.ts';
import { progressBar } from '../progress.ts';
import { fetchKeys } from '../recipe-keys.ts';
import { parseRegionChoice, type RegionChoice, regionToWrite } from '../region.ts';
import { type CommandInput, type CommandRun, durationOf, flagOf, textOf } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

// `rolehop populate`: one profile per account × role in the block `populate SESSION`. The listing
// comes from the inventory (sso/account-list.ts): concurrent, throttle-aware, cheap on a re-run, and
// resumable after a failure. The block is cli/populate-layout.ts, the bar cli/progress.ts; this
// module is the command that joins them.

/**
 * Every account with its roles, through the inventory: the accounts are listed again (new ones
 * appear, removed ones vanish), roles only where missing, older than the max age, or on --refresh
 * and --prune (which must not act on old roles). The inventory is saved as it fills, so a failed
 * run resumes.
 */
async function listRoles(session: SsoSessionRef, input: PopulateInput, deps: Deps, view: ConfigView) {
  const { accounts } = await listAccountsWithRoles(session, ssoDepsFor(deps, view), {
    relist: true,
    concurrency: 8,
    onProgress: progressBar(deps.stderr),
    ...(input.refresh || input.prune ? { refresh: true } : {}),
    ...(input.maxAgeSeconds !== undefined ? { maxAgeMs: input.maxAgeSeconds * 1000 } : {}),
  });
  return accounts.map(({ roles, ...account }): AccountRoles => ({ account, roles }));
}

/** Keys for every role, a few at a time through the Plan runner (its cache and locks). */
async function keysFor(named: { name: string; role: SsoRole }[], deps: Deps): Promise<KeysToWrite[]> {
  const out: KeysToWrite[] = new Array(named.length);
  const view = loadConfigView(deps.env);
  let next = 0;
  const worker = async () => {
    while (next < named.length) {
      const i = next++;
      const { name, role } = named[i]!;
      const recipe = { ssoSession: role.session, accountId: role.accountId, roleName: role.roleName };
      out[i] = { name, recipe, keys: await fetchKeys(recipe, {}, deps, view) };
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, named.length) }, worker));
  return out;
}

/** What populate acts on, typed: the command line is read and checked once, in parsePopulateInput. */
export interface PopulateInput {
  /** The session to enumerate (chosen as pickSession does when absent). */
  ssoSession: string | undefined;
  /** The profile name template, checked. */
  template: string;
  style: ProfileStyle;
  region: RegionChoice;
  prune: boolean;
  refresh: boolean;
  /** How long listed roles are trusted (--max-age); undefined: the inventory's default. */
  maxAgeSeconds: number | undefined;
  dryRun: boolean;
  /** false under --no-color. */
  color: boolean;
}

export function parsePopulateInput(raw: CommandInput): PopulateInput {
  const template = textOf(raw, 'template') ?? DEFAULT_TEMPLATE;
  try {
    checkTemplate(template);
  } catch (error) {
    throw new UsageError((error as Error).message, { hint: (error as UsageError).hint });
  }
  return {
    ssoSession: textOf(raw, 'sso-session'),
    template,
    style: parseStyle(textOf(raw, 'style')),
    region: parseRegionChoice(raw),
    prune: flagOf(raw, 'prune'),
    refresh: flagOf(raw, 'refresh'),
    maxAgeSeconds: durationOf(raw, 'max-age'),
    dryRun: flagOf(raw, 'dry-run'),
    color: raw.globals.color,
  };
}

/** Writes the block `populate SESSION` (and, for --style credentials, every profile's keys). */
export async function populate(input: PopulateInput, deps: Deps): Promise<number> {
  const { style, dryRun } = input;
  const view = loadConfigView(deps.env);
  const session = pickSession(view, input.ssoSession);
  const region = regionToWrite(input.region, deps, view, { session });
  const listing = await listRoles(session, input, deps, view);
  const req: PopulateRequest = {
    session: session.name!,
    template: input.template,
    style,
    ...(region ? { region } : {}),
    prune: input.prune,
  };
  const invocation = rolehopInvocation(deps);
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
    const keys = await keysFor(result!.named, deps);
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
    paint: diffPainters({ globals: input }, deps),
  });
  return 0;
}

export const run: CommandRun = (raw, deps) => populate(parsePopulateInput(raw), deps);
