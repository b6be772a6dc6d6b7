// Short-term keys in ~/.aws/credentials for tools that read nothing else (the credentials style):
// one rolehop block per profile, `# rolehop:begin credentials NAME from=RECIPE`, where RECIPE is the
// config profile whose plan gives the keys. `rolehop sync` rewrites only profiles found in such blocks.

import { ConfigError } from '../util/errors.ts';
import { ConfigDocument } from './document.ts';
import { readConfigFile } from './load.ts';
import { type BlockContent, findManagedBlocks, profileNamesOutside } from './managed-blocks.ts';
import { type FileChange, writeManagedBlocks } from './profile-writer.ts';

export interface ShortTermKeys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

export interface ManagedKeys {
  /** The profile name in the credentials file. */
  name: string;
  /** The config profile whose plan gives the keys. */
  recipe: string;
}

const blockId = (name: string) => `credentials ${name}`;

function iso(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function credentialsBlock(name: string, recipe: string, keys: ShortTermKeys): BlockContent {
  const entries: [string, string][] = [
    ['aws_access_key_id', keys.accessKeyId],
    ['aws_secret_access_key', keys.secretAccessKey],
  ];
  if (keys.sessionToken) entries.push(['aws_session_token', keys.sessionToken]);
  const expiry = keys.expiration ? `expires ${iso(keys.expiration)}` : 'no expiry given';
  return {
    id: blockId(name),
    attrs: { from: recipe },
    sections: [
      {
        ref: { kind: 'profile', name },
        entries,
        comments: [`${expiry}; refresh with: rolehop sync ${name}`],
      },
    ],
  };
}

/** The profiles rolehop keeps keys for, in file order. */
export function managedKeyProfiles(path: string): ManagedKeys[] {
  const file = readConfigFile(path, 'credentials');
  return findManagedBlocks(ConfigDocument.parse(file.text), path).flatMap((b) => {
    const m = /^credentials (\S+)$/.exec(b.id);
    return m && b.attrs.from ? [{ name: m[1]!, recipe: b.attrs.from }] : [];
  });
}

function userSectionError(path: string, name: string): ConfigError {
  return new ConfigError(`[${name}] in ${path} was not written by rolehop; refusing to replace its keys`, {
    hint: `choose another profile name, or remove [${name}] from ${path} first`,
  });
}

/** Fails early (before the config file is touched) when `[NAME]` in the credentials file is the user's. */
export function checkKeysWritable(path: string, name: string): void {
  const doc = ConfigDocument.parse(readConfigFile(path, 'credentials').text);
  if (profileNamesOutside(doc, 'credentials', blockId(name)).has(name)) throw userSectionError(path, name);
}

/** Writes (or refreshes) the keys of one profile; refuses a `[NAME]` the user wrote. */
export function writeKeys(
  path: string,
  name: string,
  recipe: string,
  keys: ShortTermKeys,
  options: { dryRun?: boolean } = {},
): Promise<FileChange> {
  return writeManagedBlocks(
    path,
    'credentials',
    (doc) => {
      if (profileNamesOutside(doc, 'credentials', blockId(name)).has(name)) {
        throw new ConfigError(
          `[${name}] in ${path} was not written by rolehop; refusing to replace its keys`,
          {
            hint: `choose another profile name, or remove [${name}] from ${path} first`,
          },
        );
      }
      return [credentialsBlock(name, recipe, keys)];
    },
    options,
  );
}

/** Removes the keys block of a profile (style changed away from credentials); no write when absent. */
export function removeKeys(
  path: string,
  name: string,
  options: { dryRun?: boolean } = {},
): Promise<FileChange> {
  return writeManagedBlocks(path, 'credentials', () => [{ id: blockId(name), sections: [] }], {
    ...options,
    removeWhenEmpty: true,
  });
}
