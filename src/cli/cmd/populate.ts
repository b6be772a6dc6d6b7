import { type KeysToWrite, managedKeyProfiles, writeKeys } from '../../config/credentials-block.ts';
import { loadConfigView } from '../../config/load.ts';
import { configPaths } from '../../config/paths.ts';
import type { SsoRole } from '../../config/profile-layout.ts';
import { checkTemplate, DEFAULT_TEMPLATE } from '../../config/profile-names.ts';
import { type FileChange, writeManagedBlocks } from '../../config/profile-writer.ts';
import { pickSession, type SsoSessionRef } from '../../config/sso-session.ts';
import { listAccountsWithRoles } from '../../sso/account-list.ts';
import type { SsoDeps } from '../../sso/deps.ts';
import { parseDurationSeconds } from '../../util/duration.ts';
import { UsageError } from '../../util/errors.ts';
import { parseFetchInput } from '../command-target.ts';
import type { Deps } from '../deps.ts';
import { diffPainters, reportChanges } from '../diff.ts';
import { type AccountRoles, type PopulateRequest, populateBlock } from '../populate-layout.ts';
import { parseStyle, rolehopInvocation } from '../profile-options.ts';
import { progressBar } from '../progress.ts';
import { fetchKeys } from '../recipe-keys.ts';
import { parseRegionChoice, regionToWrite } from '../region.ts';
import type { CommandInput, CommandRun } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

// `rolehop populate`: one profile per account × role in the block `populate SESSION`. The listing
// comes from the inventory (sso/account-list.ts): concurrent, throttle-aware, cheap on a re-run, and
// resumable after a failure. The block is cli/populate-layout.ts, the bar cli/progress.ts; this
// module is the command that joins them.

export interface EnumerateOptions {
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
  /** List every account's roles again (`--refresh`, and `--prune`, which must not act on old roles). */
  refresh?: boolean;
  maxAgeMs?: number;
}

/**
 * Every account with its roles, through the inventory: the accounts are listed again (new ones
 * appear, removed ones vanish), roles only where missing or older than the max age. The inventory
 * is saved as it fills, so a failed run resumes.
 */
export async function enumerateRoles(
  session: SsoSessionRef,
  deps: SsoDeps,
  options: EnumerateOptions = {},
): Promise<AccountRoles[]> {
  const { accounts } = await listAccountsWithRoles(session, deps, {
    relist: true,
    concurrency: options.concurrency ?? 8,
    ...(options.refresh ? { refresh: true } : {}),
    ...(options.maxAgeMs !== undefined ? { maxAgeMs: options.maxAgeMs } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
  return accounts.map(({ roles, ...account }) => ({ account, roles }));
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
      out[i] = { name, recipe, keys: await fetchKeys(recipe, parseFetchInput(input), deps, view) };
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
  const region = regionToWrite(parseRegionChoice(input), deps, view, { session });
  const sso = ssoDepsFor(deps, view);
  const maxAge =
    typeof v['max-age'] === 'string' ? parseDurationSeconds(v['max-age'], '--max-age') : undefined;
  const listing = await enumerateRoles(session, sso, {
    onProgress: progressBar(deps.stderr),
    refresh: v.refresh === true || v.prune === true,
    ...(maxAge !== undefined ? { maxAgeMs: maxAge * 1000 } : {}),
  });
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
