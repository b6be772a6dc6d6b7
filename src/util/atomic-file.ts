import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const SECRET_FILE_MODE = 0o600;
export const SECRET_DIR_MODE = 0o700;

/** Create a folder (and missing parents) with 0700; existing folders keep their mode. */
export function ensureDir(dir: string, mode = SECRET_DIR_MODE): void {
  fs.mkdirSync(dir, { recursive: true, mode });
}

/** Follow a symlinked file (dotfile repos) so the write replaces the target, not the link. */
function resolveTarget(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

export interface AtomicWriteOptions {
  /** Mode for a new file (default 0600); an existing file keeps its own mode unless `forceMode`. */
  mode?: number;
  forceMode?: boolean;
}

/**
 * Write a whole file so that readers see either the old or the new content, never a mix:
 * temp file in the same folder, fsync, rename, fsync the folder.
 */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const target = resolveTarget(file);
  const dir = path.dirname(target);
  ensureDir(dir);
  let mode = options.mode ?? SECRET_FILE_MODE;
  if (!options.forceMode) {
    try {
      mode = fs.statSync(target).mode & 0o7777;
    } catch {
      // new file
    }
  }
  const temp = path.join(
    dir,
    `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  let fd: number | undefined;
  try {
    fd = fs.openSync(temp, 'wx', mode);
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fchmodSync(fd, mode); // the umask may have narrowed or widened the open() mode
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDir(dir);
}

function syncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // not supported everywhere; the rename is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Read a file, or undefined when it does not exist. */
export function readFileIfExists(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
