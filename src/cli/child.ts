import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Deps } from './deps.ts';
import { cannotRun } from './replace-process.ts';

// Runs CMD as a child for `serve`, and for `exec` where rolehop cannot become it (replace-process.ts):
// no shell (argv untouched), stdio inherited, SIGTERM and SIGHUP passed on, and the child's exit code
// — or 128+n when a signal ended it — returned as ours.

export interface ChildOptions {
  env: Record<string, string>;
  cwd: string;
  /**
   * Pass SIGINT on too. On a terminal Ctrl-C already reaches the child (same process group) and a
   * second one turns e.g. terraform's graceful stop into a forced one, so callers say when.
   */
  forwardSigint: boolean;
}

export function runChild(
  command: string[],
  options: ChildOptions,
  deps: Pick<Deps, 'stderr'>,
): Promise<number> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve) => {
    // Handlers go in before the spawn: a signal arriving in between must not end rolehop and
    // orphan the child, so it is held and passed on once the child exists.
    let child: ReturnType<typeof spawn> | undefined;
    const early: NodeJS.Signals[] = [];
    const pass = (signal: NodeJS.Signals) => () => {
      if (child) child.kill(signal);
      else early.push(signal);
    };
    const handlers = new Map<NodeJS.Signals, () => void>([
      ['SIGTERM', pass('SIGTERM')],
      ['SIGHUP', pass('SIGHUP')],
      ['SIGINT', options.forwardSigint ? pass('SIGINT') : () => {}],
    ]);
    for (const [signal, handler] of handlers) process.on(signal, handler);
    const done = (code: number) => {
      for (const [signal, handler] of handlers) process.off(signal, handler);
      resolve(code);
    };
    child = spawn(file, args, { env: options.env, cwd: options.cwd, stdio: 'inherit' });
    for (const signal of early) child.kill(signal);
    child.once('error', (error: NodeJS.ErrnoException) => {
      const why =
        error.code === 'ENOENT' ? 'not found' : error.code === 'EACCES' ? 'permission denied' : error.message;
      const failure = cannotRun(file, why);
      deps.stderr.write(failure.text);
      done(failure.code);
    });
    child.once('exit', (code, signal) => done(signal ? 128 + (constants.signals[signal] ?? 0) : (code ?? 1)));
  });
}
