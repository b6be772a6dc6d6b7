import * as fs from 'node:fs';
import * as path from 'node:path';

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
 * The file execvp(3) would run for `command`, searching the child's PATH as spawn does. A file that
 * is neither a `#!` script nor an ELF binary (a shell script without `#!`, a binfmt_misc format) is
 * left to spawn: execve would refuse it (ENOEXEC), and a failed execve ends Node, it cannot throw.
 */
export function resolveCommand(command: string, env: Record<string, string>, cwd: string): Resolved {
  const candidates = command.includes('/')
    ? [path.resolve(cwd, command)]
    : (env.PATH ?? '/usr/local/bin:/usr/bin:/bin')
        .split(':')
        .map((dir) => path.resolve(cwd, dir || '.', command));
  let denied = false;
  for (const candidate of candidates) {
    const st = fs.statSync(candidate, { throwIfNoEntry: false });
    if (!st?.isFile()) continue;
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
    } catch {
      denied = true; // as execvp: keep looking, and say "permission denied" if nothing else runs
      continue;
    }
    return runnableByExecve(candidate) ? { file: candidate } : { spawn: true };
  }
  return denied ? { denied: true } : { notFound: true };
}

function runnableByExecve(file: string): boolean {
  const head = Buffer.alloc(4);
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    fs.readSync(fd, head, 0, 4, 0);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  return head.subarray(0, 2).toString('latin1') === '#!' || head.toString('latin1') === '\x7fELF';
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
  if ('spawn' in resolved) return false;
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
