import {
  type KeyRecipe,
  type ManagedKeys,
  managedKeyProfiles,
  writeKeys,
} from '../../config/credentials-block.ts';
import { configPaths } from '../../config/paths.ts';
import type { FileChange } from '../../config/profile-writer.ts';
import { exitCodeOf, RolehopError, UsageError } from '../../util/errors.ts';
import { redactText } from '../../util/redact.ts';
import { parseFetchInput } from '../command-target.ts';
import type { Deps } from '../deps.ts';
import { fetchKeys } from '../recipe-keys.ts';
import { warnIfOthersCanRead } from '../shared-file-warning.ts';
import type { CommandInput, CommandRun } from '../spec.ts';

// `rolehop sync`: fresh short-term keys in ~/.aws/credentials for credentials-style profiles, i.e.
// those in a `credentials NAME` block rolehop wrote. Keys come from the block's recipe profile
// through the Plan runner (its cache and locks), and are written only when they changed.

/** Runs the recipe profile's plan and writes its keys into the profile's block. */
export async function writeFreshKeys(
  name: string,
  recipe: KeyRecipe,
  input: CommandInput,
  deps: Deps,
): Promise<{ change: FileChange; expiration: Date | undefined }> {
  const creds = await fetchKeys(recipe, parseFetchInput(input), deps);
  const change = await writeKeys(configPaths(deps.env).credentialsFile, [{ name, recipe, keys: creds }]);
  warnIfOthersCanRead(configPaths(deps.env).credentialsFile, deps);
  return { change, expiration: creds.expiration };
}

function targets(input: CommandInput, managed: ManagedKeys[], file: string): ManagedKeys[] {
  const all = input.values.all === true;
  if (all && input.positionals.length > 0) {
    throw new UsageError('give profile names or --all, not both');
  }
  if (all) return managed;
  if (input.positionals.length === 0) {
    throw new UsageError('name the profiles to refresh, or pass --all', {
      hint: `rolehop sync PROFILE…${managed.length ? ` (rolehop keeps keys for: ${managed.map((m) => m.name).join(', ')})` : ''}`,
    });
  }
  const byName = new Map(managed.map((m) => [m.name, m]));
  const unknown = input.positionals.filter((n) => !byName.has(n));
  if (unknown.length > 0) {
    throw new UsageError(
      `rolehop does not manage keys for ${unknown.map((n) => `"${n}"`).join(', ')} in ${file}; it never writes keys it did not write before`,
      {
        hint: `make it a credentials-style profile first: rolehop configure ${unknown[0]} --account ACCOUNT --role ROLE --style credentials`,
      },
    );
  }
  return [...new Set(input.positionals)].map((n) => byName.get(n)!);
}

export const run: CommandRun = async (input, deps) => {
  const file = configPaths(deps.env).credentialsFile;
  const list = targets(input, managedKeyProfiles(file), file);
  if (list.length === 0) {
    deps.stderr.write(`no credentials-style profiles in ${file}; nothing to sync\n`);
    return 0;
  }
  let exit = 0;
  for (const { name, recipe } of list) {
    try {
      const { change, expiration } = await writeFreshKeys(name, recipe, input, deps);
      const until = expiration
        ? `valid until ${expiration.toISOString().replace(/\.\d{3}Z$/, 'Z')}`
        : 'no expiry';
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
};
