import { fdSink } from './fd-sink.ts';
import { replaceProcess } from './replace-process.ts';

// The warm entry's `exec` (cli/warm.ts): loaded only once a hit is certain. rolehop becomes the
// command (replace-process.ts); only where it cannot are the tty and child_process modules loaded,
// which cost more than the whole credential-process hit.

/**
 * Becomes the command as `exec` does; where it cannot, runs it as a child (signals passed on, its
 * exit code ours) and sets the exit code.
 */
export async function execWarm(command: string[], env: Record<string, string>): Promise<void> {
  const stderr = fdSink(2, () => process.stderr);
  const replaced = replaceProcess(command, env, stderr);
  if (replaced !== false) {
    process.exitCode = replaced;
    return;
  }
  const { isatty } = await import('node:tty');
  const { runChild } = await import('./child.ts');
  // On a terminal Ctrl-C reaches the child already; from a script, pass it on (as cmd/exec.ts).
  process.exitCode = await runChild(
    command,
    { env, cwd: process.cwd(), forwardSigint: !isatty(0) },
    { stderr },
  );
}
