import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileAccessError } from './errors.ts';
import { fileAccessError } from './file-error.ts';

// rolehop's private caches (credential cache, SSO tokens and registrations, account lists): an entry
// is trusted only when it is a regular file of ours, reached without a symlink, in a folder of ours
// that nobody else can write to. Anything else could have been planted by another local user.
// Reading is on the warm path: plain fs only (writing is in private-file-write.ts).

const SECRET_DIR_MODE = 0o700;

const O_NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const O_NONBLOCK = fs.constants.O_NONBLOCK ?? 0;

/**
 * Files of this uid are ours. Root acting for a user (`sudo -E`, HOME left as theirs) also trusts
 * that user's files: it already runs their config's credential_process commands.
 */
export function isTrustedOwner(uid: number, home: string): boolean {
  const self = process.geteuid?.();
  if (self === undefined || uid === self) return true; // Windows: no uids
  if (self !== 0) return false;
  try {
    return fs.statSync(home).uid === uid;
  } catch {
    return false;
  }
}

function foreignFolder(dir: string, uid: number): FileAccessError {
  return new FileAccessError(`refusing to use ${dir}: it belongs to another user (uid ${uid})`, {
    hint: `rolehop keeps secrets there and will not trust what others can put in it; have its owner or root remove it, then retry`,
  });
}

function narrow(dir: string): void {
  try {
    fs.chmodSync(dir, SECRET_DIR_MODE);
  } catch (error) {
    throw fileAccessError('make private (chmod 700)', dir, error);
  }
}

/** Creates the folder 0700 when missing; narrows a folder of ours others can see into; refuses anyone else's. */
export function ensurePrivateDir(dir: string, home: string): void {
  let st: fs.Stats;
  try {
    fs.mkdirSync(dir, { recursive: true, mode: SECRET_DIR_MODE });
    st = fs.statSync(dir);
  } catch (error) {
    throw fileAccessError('create the folder', dir, error);
  }
  if (!isTrustedOwner(st.uid, home)) throw foreignFolder(dir, st.uid);
  if (st.mode & 0o077) narrow(dir);
}

/** The file's bytes, sized by the fstat already made (readFileSync would fstat again: this is the warm path). */
function readAll(fd: number, size: number): Buffer {
  const buffer = Buffer.allocUnsafe(size);
  let filled = 0;
  while (filled < size) {
    const read = fs.readSync(fd, buffer, filled, size - filled, filled);
    if (read === 0) break;
    filled += read;
  }
  return buffer.subarray(0, filled);
}

/**
 * A private file's bytes, or undefined when it is missing or not to be trusted (a symlink, not a
 * regular file, someone else's). Throws FileAccessError when its folder is someone else's.
 */
export function readPrivateFile(file: string, home: string): Buffer | undefined {
  let fd: number;
  try {
    // No symlink (a planted link could point anywhere); non-blocking so a planted FIFO cannot hang us.
    fd = fs.openSync(file, fs.constants.O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
  } catch (error) {
    // Missing, a link, a socket, or not ours to read (left by root): all untrusted, so absent.
    const code = (error as NodeJS.ErrnoException).code;
    if (code && ['ENOENT', 'ELOOP', 'ENXIO', 'ENOTDIR', 'EACCES', 'EPERM'].includes(code)) return undefined;
    throw fileAccessError('read', file, error);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !isTrustedOwner(st.uid, home)) return undefined;
    const dir = path.dirname(file);
    const folder = fs.statSync(dir);
    if (!isTrustedOwner(folder.uid, home)) throw foreignFolder(dir, folder.uid);
    if (folder.mode & 0o022) narrow(dir); // ours but writable by others: close it, then trust our own files
    return readAll(fd, st.size);
  } catch (error) {
    throw fileAccessError('read', file, error);
  } finally {
    fs.closeSync(fd);
  }
}
