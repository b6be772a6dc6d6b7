import * as fs from 'node:fs';

// A config file's bytes as both readers of it take them: the view (config/load.ts) and the warm
// memo's check that a file is as it was (cli/warm-memo.ts).

/** Opened without blocking (a FIFO would wait for a writer for ever), read only when a regular file. */
export function readIfRegular(path: string): { bytes: Buffer; mode: number } | undefined {
  // Most users signed in through SSO have no credentials file: a look that cannot throw first, as
  // Node's ENOENT error cost ~0.3 ms of every warm call. Created or removed just after, the open
  // below reads it or reports it missing all the same.
  if (!fs.statSync(path, { throwIfNoEntry: false })) return undefined;
  const fd = fs.openSync(path, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  try {
    const st = fs.fstatSync(fd);
    // A folder stays an error (a mistyped AWS_CONFIG_FILE is worth saying); other non-files read as absent.
    if (st.isDirectory()) throw Object.assign(new Error(`${path} is a folder`), { code: 'EISDIR' });
    if (!st.isFile()) return undefined;
    return { bytes: fs.readFileSync(fd), mode: st.mode & 0o7777 };
  } finally {
    fs.closeSync(fd);
  }
}
