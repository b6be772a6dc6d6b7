import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileAccessError } from './errors.ts';
import { fileAccessError } from './file-error.ts';

export const SECRET_FILE_MODE = 0o600;
export const SECRET_DIR_MODE = 0o700;

/** Create a folder (and missing parents) with 0700; existing folders keep their mode. */
export function ensureDir(dir: string, mode = SECRET_DIR_MODE): void {
  fs.mkdirSync(dir, { recursive: true, mode });
}

const MAX_LINK_HOPS = 40;

/**
 * Where a user's symlinked dotfile really lives (stow, chezmoi): the chain is followed link by link,
 * so a dangling link yields the missing target (created by the write) instead of the link itself.
 */
function followLinks(file: string): string {
  let current = file;
  for (let hops = 0; hops < MAX_LINK_HOPS; hops++) {
    let link: string;
    try {
      link = fs.readlinkSync(current);
    } catch {
      return current; // not a link (EINVAL), missing (ENOENT): the write reports anything else
    }
    current = path.resolve(path.dirname(current), link);
  }
  throw fileAccessError('write', file, Object.assign(new Error('symlink loop'), { code: 'ELOOP' }));
}

function lstatIfExists(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw fileAccessError('write', file, error);
  }
}

/** "a character device", "a FIFO", …: what a non-regular file is, for the refusal message. */
export function describeFileType(st: fs.Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

export interface AtomicWriteOptions {
  /** Mode for a new file (default 0600); an existing file keeps its own mode unless `forceMode`. */
  mode?: number;
  forceMode?: boolean;
  /**
   * The user's own dotfile (config, credentials): a symlink is followed to its target, even a
   * dangling one; a read-only or hard-linked file is refused. Without it the file is rolehop's
   * (caches): a symlink at the path is replaced by the rename, never written through.
   */
  dotfile?: boolean;
  /** An existing file keeps its owner and group (default); false when that owner is not to be trusted. */
  keepOwner?: boolean;
}

/** Refuses what replacing would damage: devices, FIFOs, sockets, folders; for dotfiles read-only and hard-linked files. */
function checkReplaceable(file: string, target: string, st: fs.Stats, options: AtomicWriteOptions): void {
  const shown = file === target ? file : `${file} (→ ${target})`;
  if (st.isSymbolicLink() && !options.dotfile) return;
  if (!st.isFile()) {
    throw new FileAccessError(
      `refusing to write ${shown}: it is ${describeFileType(st)}, not a regular file`,
      {
        hint: `rolehop only replaces regular files; remove ${target} or point rolehop at a regular file`,
      },
    );
  }
  if (!options.dotfile) return;
  if ((st.mode & 0o222) === 0) {
    throw new FileAccessError(
      `refusing to edit ${shown}: it is read-only (mode ${(st.mode & 0o777).toString(8)})`,
      { hint: `make it writable if you mean rolehop to edit it: chmod u+w ${target}` },
    );
  }
  // Replacing a hard-linked file by rename would silently cut it off from its twin; writing in place
  // would lose the all-or-nothing guarantee. Refusing keeps both promises.
  if (st.nlink > 1) {
    throw new FileAccessError(
      `refusing to edit ${shown}: it has ${st.nlink - 1} other hard link(s), which a safe rewrite would break`,
      { hint: `keep one copy and make the others symbolic links to it (ln -sf ${target} OTHER), then retry` },
    );
  }
}

/** writeFileAtomic's refusals, checked up front by a change that writes several files (all or none). */
export function checkReplaceableFile(file: string, options: AtomicWriteOptions = {}): void {
  const target = options.dotfile ? followLinks(file) : file;
  const existing = lstatIfExists(target);
  if (existing) checkReplaceable(file, target, existing, options);
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    const written = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (written <= 0) throw Object.assign(new Error('short write'), { code: 'EIO' });
    offset += written;
  }
}

/** Root rewriting a user's file (sudo -E, containers) keeps it the user's; others cannot give files away. */
function keepOwner(fd: number, st: fs.Stats): void {
  const self = fs.fstatSync(fd);
  if (self.uid === st.uid && self.gid === st.gid) return;
  try {
    fs.fchownSync(fd, st.uid, st.gid);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') throw error;
  }
}

/**
 * Write a whole file so that readers see either the old or the new content, never a mix: temp file
 * in the same folder, every byte written, fsync, rename, fsync the folder. On any failure the file
 * is left as it was, the temp file is removed and a FileAccessError names the file and the cause.
 */
export function writeFileAtomic(
  file: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): void {
  const target = options.dotfile ? followLinks(file) : file;
  const dir = path.dirname(target);
  const existing = lstatIfExists(target);
  if (existing) checkReplaceable(file, target, existing, options);
  let mode = options.mode ?? SECRET_FILE_MODE;
  if (!options.forceMode && existing?.isFile()) mode = existing.mode & 0o7777;
  // Unique, not secret: O_EXCL refuses anything already at the name. (No crypto: the cache modules
  // importing this writer sit on the warm path.)
  const unique = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${unique}.tmp`);
  let fd: number | undefined;
  try {
    ensureDir(dir);
    fd = fs.openSync(temp, 'wx', mode); // O_EXCL: never opens through a link planted at the temp name
    writeAll(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fchmodSync(fd, mode); // the umask may have narrowed or widened the open() mode
    if (existing?.isFile() && options.keepOwner !== false) keepOwner(fd, existing);
    fs.fsyncSync(fd);
    const closing = fd;
    fd = undefined;
    fs.closeSync(closing); // network file systems report write errors here
    fs.renameSync(temp, target);
  } catch (error) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw fileAccessError('write', target, error, { unchanged: existing !== undefined });
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
