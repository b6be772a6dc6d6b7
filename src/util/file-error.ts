import * as path from 'node:path';
import { FileAccessError } from './errors.ts';

// What a failed file system call means to the user: the cause in words and the fix, in one table.

const CAUSES: Record<string, { cause: string; hint: (file: string) => string }> = {
  ENOSPC: {
    cause: 'no space left on device',
    hint: (file) => `free some space on the file system that holds ${path.dirname(file)}, then retry`,
  },
  EDQUOT: {
    cause: 'disk quota exceeded',
    hint: (file) => `free some space under your quota on the file system that holds ${path.dirname(file)}`,
  },
  EFBIG: { cause: 'file too large', hint: () => 'check the file size limit (ulimit -f)' },
  EROFS: {
    cause: 'read-only file system',
    hint: (file) =>
      `${path.dirname(file)} is on a read-only file system; remount it read-write or point rolehop at a writable location`,
  },
  EACCES: {
    cause: 'permission denied',
    hint: (file) =>
      `check the owner and mode of ${file} and of its folder: ls -ld ${path.dirname(file)} ${file}`,
  },
  EPERM: {
    cause: 'operation not permitted',
    hint: (file) =>
      `check the owner and mode of ${file} and of its folder: ls -ld ${path.dirname(file)} ${file}`,
  },
  EIO: {
    cause: 'input/output error',
    hint: () => 'the disk or network file system failed; check it, then retry',
  },
  ENOTDIR: {
    cause: 'a part of the path is not a folder',
    hint: (file) => `check each part of ${file}`,
  },
  ELOOP: {
    cause: 'too many levels of symbolic links',
    hint: (file) => `check the symbolic links in ${file}`,
  },
  ENAMETOOLONG: { cause: 'file name too long', hint: () => 'use a shorter path' },
  EISDIR: { cause: 'it is a folder', hint: (file) => `${file} must be a file` },
};

/**
 * A typed error for a failed file system call on `file`: "cannot <action> FILE: no space left on
 * device", with the fix as the hint. `unchanged` adds that the file was left as it was.
 */
export function fileAccessError(
  action: string,
  file: string,
  error: unknown,
  options: { unchanged?: boolean } = {},
): FileAccessError {
  if (error instanceof FileAccessError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  const known = code ? CAUSES[code] : undefined;
  const cause = known?.cause ?? (code ? `${code}: ${(error as Error).message}` : String(error));
  const kept = options.unchanged ? ` (${file} is unchanged)` : '';
  return new FileAccessError(`cannot ${action} ${file}: ${cause}${kept}`, {
    ...(known ? { hint: known.hint(file) } : {}),
    cause: error,
  });
}
