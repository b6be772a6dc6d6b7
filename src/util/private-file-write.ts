import * as fs from 'node:fs';
import * as path from 'node:path';
import { SECRET_FILE_MODE, writeFileAtomic } from './atomic-file.ts';
import { FileAccessError } from './errors.ts';
import { ensurePrivateDir, isTrustedOwner } from './private-file.ts';

// Writing rolehop's private caches (see private-file.ts for what is trusted on reading).

/** Writes a private file: 0600 in a private folder; a symlink at the path is replaced, never followed. */
export function writePrivateFile(file: string, data: string | Uint8Array, home: string): void {
  ensurePrivateDir(path.dirname(file), home);
  // Root refreshing a user's token keeps it theirs; a file planted by someone else becomes ours.
  const owner = fs.lstatSync(file, { throwIfNoEntry: false })?.uid;
  const keepOwner = owner !== undefined && isTrustedOwner(owner, home);
  writeFileAtomic(file, data, { mode: SECRET_FILE_MODE, forceMode: true, keepOwner });
}

/**
 * For a cache that only saves time (credentials, account lists, the populate checkpoint): a failed
 * write leaves the old file as it was and is reported; the command carries on with what it fetched.
 */
export function writePrivateCache(
  what: string,
  file: string,
  data: string | Uint8Array,
  home: string,
  warn: (message: string) => void,
): void {
  try {
    writePrivateFile(file, data, home);
  } catch (error) {
    if (!(error instanceof FileAccessError)) throw error;
    warn(`could not cache ${what}: ${error.message}`);
  }
}
