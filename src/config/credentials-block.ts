// Short-term keys in ~/.aws/credentials for tools that read nothing else (the credentials style):
// one rolehop block per profile, `# rolehop:begin credentials NAME from=PROFILE` (configure: the
// config profile whose plan gives the keys) or `… sso-session=S account=ID role=R` (populate: an SSO
// role). `rolehop sync` rewrites only profiles found in such blocks.

import { checkReplaceableFile } from '../util/atomic-file.ts';
import { ConfigError } from '../util/errors.ts';
import { formatIsoSeconds } from '../util/iso-time.ts';
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

/** Where a profile's keys come from. */
export type KeyRecipe = { profile: string } | { ssoSession: string; accountId: string; roleName: string };

export interface ManagedKeys {
  /** The profile name in the credentials file. */
  name: string;
  recipe: KeyRecipe;
}

function recipeAttrs(recipe: KeyRecipe): Record<string, string> {
  return 'profile' in recipe
    ? { from: recipe.profile }
    : { 'sso-session': recipe.ssoSession, account: recipe.accountId, role: recipe.roleName };
}

function recipeOf(attrs: Record<string, string>): KeyRecipe | undefined {
  if (attrs.from) return { profile: attrs.from };
  const session = attrs['sso-session'];
  if (session && attrs.account && attrs.role) {
    return { ssoSession: session, accountId: attrs.account, roleName: attrs.role };
  }
  return undefined;
}

const blockId = (name: string) => `credentials ${name}`;

export function credentialsBlock(name: string, recipe: KeyRecipe, keys: ShortTermKeys): BlockContent {
  const entries: [string, string][] = [
    ['aws_access_key_id', keys.accessKeyId],
    ['aws_secret_access_key', keys.secretAccessKey],
  ];
  if (keys.sessionToken) entries.push(['aws_session_token', keys.sessionToken]);
  const expiry = keys.expiration
    ? `expires ${formatIsoSeconds(keys.expiration.getTime())}`
    : 'no expiry given';
  return {
    id: blockId(name),
    attrs: recipeAttrs(recipe),
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
    const recipe = recipeOf(b.attrs);
    return m && recipe ? [{ name: m[1]!, recipe }] : [];
  });
}

function userSectionError(path: string, name: string): ConfigError {
  return new ConfigError(`[${name}] in ${path} was not written by rolehop; refusing to replace its keys`, {
    hint: `choose another profile name, or remove [${name}] from ${path} first`,
  });
}

/** Fails early (before the config file is touched) when `[NAME]` in the credentials file is the user's. */
export function checkKeysWritable(path: string, name: string): void {
  checkReplaceableFile(path, { dotfile: true }); // a device, read-only or hard-linked file: refuse before any write
  const doc = ConfigDocument.parse(readConfigFile(path, 'credentials').text);
  if (profileNamesOutside(doc, 'credentials', blockId(name)).has(name)) throw userSectionError(path, name);
}

export interface KeysToWrite {
  name: string;
  recipe: KeyRecipe;
  keys: ShortTermKeys;
}

/**
 * Writes (or refreshes) the keys of these profiles and removes the blocks named in `remove`, in one
 * locked write; refuses any `[NAME]` the user wrote.
 */
export function writeKeys(
  path: string,
  write: KeysToWrite[],
  options: { dryRun?: boolean; remove?: string[] } = {},
): Promise<FileChange> {
  return writeManagedBlocks(
    path,
    'credentials',
    (doc) => {
      for (const { name } of write) {
        if (profileNamesOutside(doc, 'credentials', blockId(name)).has(name))
          throw userSectionError(path, name);
      }
      return [
        ...write.map((w) => credentialsBlock(w.name, w.recipe, w.keys)),
        ...(options.remove ?? []).map((name) => ({ id: blockId(name), sections: [] })),
      ];
    },
    { removeWhenEmpty: true, ...(options.dryRun ? { dryRun: true } : {}) },
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
