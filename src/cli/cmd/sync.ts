import {
  type KeyRecipe,
  type ManagedKeys,
  managedKeyProfiles,
  writeKeys,
} from '../../config/credentials-block.ts';
import { configPaths } from '../../config/paths.ts';
import type { FileChange } from '../../config/profile-writer.ts';
import { exitCodeOf, RolehopError, UsageError } from '../../util/errors.ts';
import { formatIsoSeconds } from '../../util/iso-time.ts';
import { redactText } from '../../util/redact.ts';
import { type FetchInput, parseFetchInput } from '../command-target.ts';
import type { Deps } from '../deps.ts';
import { fetchKeys } from '../recipe-keys.ts';
import { warnIfOthersCanRead } from '../shared-file-warning.ts';
import { type CommandInput, type CommandRun, flagOf } from '../spec.ts';

// `rolehop sync`: fresh short-term keys in ~/.aws/credentials for credentials-style profiles, i.e.
// those in a `credentials NAME` block rolehop wrote. Keys come from the block's recipe profile
// through the Plan runner (its cache and locks), and are written only when they changed.

/** What sync acts on, typed: the command line is read and checked once, in parseSyncInput. */
export interface SyncInput {
  /** Every profile rolehop keeps keys for (--all), or these (deduplicated, in order; maybe none). */
  profiles: 'all' | string[];
  /** --min-ttl and --mfa-code, checked here, for the recipe's plan. */
  fetch: FetchInput;
}

export function parseSyncInput(raw: CommandInput): SyncInput {
  const all = flagOf(raw, 'all');
  if (all && raw.positionals.length > 0) {
    throw new UsageError('give profile names or --all, not both', {
      hint: 'rolehop sync PROFILE… refreshes those; rolehop sync --all every one rolehop keeps keys for',
    });
  }
  return { profiles: all ? 'all' : [...new Set(raw.positionals)], fetch: parseFetchInput(raw) };
}

/** Runs the recipe profile's plan and writes its keys into the profile's block. */
async function writeFreshKeys(
  name: string,
  recipe: KeyRecipe,
  fetch: FetchInput,
  deps: Deps,
): Promise<{ change: FileChange; expiration: Date | undefined }> {
  const creds = await fetchKeys(recipe, fetch, deps);
  const change = await writeKeys(configPaths(deps.env).credentialsFile, [{ name, recipe, keys: creds }]);
  warnIfOthersCanRead(configPaths(deps.env).credentialsFile, deps);
  return { change, expiration: creds.expiration };
}

/** The managed profiles the input names; a name rolehop does not manage is a usage error. */
function targets(input: SyncInput, managed: ManagedKeys[], file: string): ManagedKeys[] {
  if (input.profiles === 'all') return managed;
  if (input.profiles.length === 0) {
    throw new UsageError('name the profiles to refresh, or pass --all', {
      hint: `rolehop sync PROFILE…${managed.length ? ` (rolehop keeps keys for: ${managed.map((m) => m.name).join(', ')})` : ''}`,
    });
  }
  const byName = new Map(managed.map((m) => [m.name, m]));
  const unknown = input.profiles.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `rolehop does not manage keys for ${unknown.map((n) => `"${n}"`).join(', ')} in ${file}; it never writes keys it did not write before`,
      {
        hint: `make it a credentials-style profile first: rolehop configure ${unknown[0]} --account ACCOUNT --role ROLE --style credentials`,
      },
    );
  }
  return input.profiles.map((n) => byName.get(n)!);
}

/** Fresh keys for each named profile; one failing profile does not stop the others. */
export async function sync(input: SyncInput, deps: Deps): Promise<number> {
  const file = configPaths(deps.env).credentialsFile;
  const list = targets(input, managedKeyProfiles(file), file);
  if (list.length === 0) {
    deps.stderr.write(`no credentials-style profiles in ${file}; nothing to sync\n`);
    return 0;
  }
  let exit = 0;
  for (const { name, recipe } of list) {
    try {
      const { change, expiration } = await writeFreshKeys(name, recipe, input.fetch, deps);
      const until = expiration ? `valid until ${formatIsoSeconds(expiration.getTime())}` : 'no expiry';
      deps.stderr.write(
        `${name}: ${change.changed ? 'new keys written' : 'keys still fresh, nothing written'} (${until})\n`,
      );
    } catch (error) {
      // One failing profile does not stop the others; the first failure sets the exit code.
      if (exit === 0) exit = exitCodeOf(error);
      const message = error instanceof Error ? error.message : String(error);
      deps.stderr.write(`${name}: ${redactText(message)}\n`);
      if (error instanceof RolehopError && error.hint)
        deps.stderr.write(`  hint: ${redactText(error.hint)}\n`);
    }
  }
  return exit;
}

export const run: CommandRun = (raw, deps) => sync(parseSyncInput(raw), deps);
