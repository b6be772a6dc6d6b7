import * as fs from 'node:fs';
import * as path from 'node:path';
import { joinPath } from '../config/paths.ts';

// `exec` becomes its command (execve), as aws-vault's exec does on Unix: no Node process waits
// beside a long-running command, signals reach it directly, and its exit status, a death by signal
// included, is the caller's own. Node's `child_process` (net, stream, dgram and tty with it) is never
// loaded, which was most of a warm exec's cost. Where that cannot be done exactly, the caller spawns.

/** The message and exit code of a command that cannot be run, for exec whether it spawns or not. */
export function cannotRun(
  file: string,
  why: 'not found' | 'permission denied' | string,
): { text: string; code: number } {
  if (why === 'not found') {
    return {
      text: `rolehop: command not found: ${file}\n  hint: check the command after --, and that it is on PATH\n`,
      code: 127,
    };
  }
  return { text: `rolehop: cannot run ${file}: ${why}\n`, code: 126 };
}

/** What a command line resolves to before rolehop is replaced. */
type Resolved = { file: string } | { notFound: true } | { denied: true } | { spawn: true };

/**
 * The file execvp(3) would run for `command`, searching the child's PATH as spawn does. A failed
 * execve ends Node (it cannot throw), so what execve could refuse is left to spawn, which reports it:
 * a file that is neither ELF nor a `#!` script whose interpreter is an executable file (a shell
 * script without `#!`, a binfmt_misc format, a typo in the `#!` line).
 */
export function resolveCommand(command: string, env: Record<string, string>, cwd: string): Resolved {
  let denied = false;
  for (const candidate of candidatesFor(command, env, cwd)) {
    const access = fileAccess(candidate);
    // As execvp: past a file we may not run, keep looking; "permission denied" if nothing else runs.
    if (access === 'denied') denied = true;
    if (access !== 'runnable') continue;
    return runnableByExecve(candidate) ? { file: candidate } : { spawn: true };
  }
  return denied ? { denied: true } : { notFound: true };
}

/** Where execvp(3) looks for `command`, in order; each PATH entry joined only when reached. */
function* candidatesFor(command: string, env: Record<string, string>, cwd: string): Generator<string> {
  if (command.includes('/')) {
    yield path.resolve(cwd, command);
    return;
  }
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    // An absolute entry without Node's normaliser (config/paths.ts joinPath says why).
    yield dir.startsWith('/') ? joinPath(dir, command) : path.resolve(cwd, dir || '.', command);
  }
}

/** 'runnable' for a file this user may execute, 'denied' for one they may not, else undefined. */
function fileAccess(file: string): 'runnable' | 'denied' | undefined {
  if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return 'runnable';
  } catch {
    return 'denied';
  }
}

function runnableByExecve(file: string): boolean {
  const head = Buffer.alloc(256); // Linux reads at most 256 bytes of a #! line
  let fd: number | undefined;
  let length: number;
  try {
    fd = fs.openSync(file, 'r');
    length = fs.readSync(fd, head, 0, head.length, 0);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  const text = head.subarray(0, length).toString('latin1');
  if (text.startsWith('\x7fELF')) return true;
  const interpreter = /^#![ \t]*(\/[^ \t\r\n]+)/.exec(text)?.[1];
  return interpreter !== undefined && fileAccess(interpreter) === 'runnable';
}

/** Linux refuses (E2BIG) one argument or variable of 128 KiB or more, or all of them past ARG_MAX. */
function fitsExecve(argv: string[], env: Record<string, string>): boolean {
  // UTF-8 takes at most 3 bytes per UTF-16 unit: when that bound fits, counting bytes is not needed
  // (Buffer.byteLength for each string was ~0.5 ms of a warm exec). Plain loops: the closures and
  // arrays of map, every and reduce were ~0.15 ms more.
  const fits = (size: (text: string) => number) => {
    let total = 0;
    const add = (text: string) => {
      const bytes = size(text) + 1; // and its NUL
      total += bytes;
      return bytes < 128 * 1024;
    };
    for (const arg of argv) if (!add(arg)) return false;
    for (const key in env) if (!add(`${key}=${env[key]}`)) return false;
    return total < 1024 * 1024;
  };
  return fits((text) => text.length * 3) || fits((text) => Buffer.byteLength(text));
}

/**
 * Replaces this process with `command` and never returns, or returns the exit code of a command that
 * cannot be run (127 not found, 126 not executable; the message on stderr as spawn's), or false where
 * it must be spawned instead: Windows, a Node before 22.15, or a file execve would refuse.
 */
export function replaceProcess(
  command: string[],
  env: Record<string, string>,
  stderr: { write(text: string): unknown },
): number | false {
  if (process.platform === 'win32' || typeof process.execve !== 'function') return false;
  const [file, ...args] = command as [string, ...string[]];
  const resolved = resolveCommand(file, env, process.cwd());
  if ('spawn' in resolved || !fitsExecve(command, env)) return false;
  if ('notFound' in resolved || 'denied' in resolved) {
    const failure = cannotRun(file, 'notFound' in resolved ? 'not found' : 'permission denied');
    stderr.write(failure.text);
    return failure.code;
  }
  // Node ignores SIGPIPE and SIGXFSZ, and an ignored signal stays ignored across execve: `yes | head`
  // in the command would then fail with EPIPE. A signal with a handler is reset to its default.
  for (const signal of ['SIGPIPE', 'SIGXFSZ'] as const) process.on(signal, () => {});
  // What a process does when it ends (bin/rolehop.cjs saves V8's code cache): this one ends here.
  process.emit('exit', 0);
  return process.execve(resolved.file, [file, ...args], env) as never;
}
