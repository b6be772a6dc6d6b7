import { createLogger } from '../util/log.ts';
import { colorOn } from './color.ts';
import type { Deps } from './deps.ts';
import { fdSink } from './fd-sink.ts';
import { replaceProcess } from './replace-process.ts';

// The Deps of a real rolehop process, and how its run ends: the full CLI (cli/entry.ts) and the
// warm entry's miss (cli/warm-miss.ts) both run a command with these.

export function defaultDeps(debug: boolean, noColor: boolean): Deps {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const stderr = fdSink(2, () => process.stderr);
  return {
    env: process.env,
    stdout: fdSink(1, () => process.stdout),
    stderr,
    // A getter: touching process.stdin loads the tty/net/stream machinery, which the warm path never needs.
    get stdin() {
      return process.stdin;
    },
    log: createLogger(stderr, { debug }),
    now: () => Date.now(),
    cwd: process.cwd(),
    get color() {
      return colorOn(stderr, process.env, noColor);
    },
    signal: controller.signal,
    replaceProcess: (command, env) => replaceProcess(command, env, stderr),
  };
}

const streamed = (sink: Deps['stdout']) => 'streamed' in sink && sink.streamed === true;

/**
 * Ends the process with a command's exit code once all of its work is done. When its output went
 * out by writeSync, nothing is left to drain, and ending at once skips the teardown of a natural
 * exit (Node's environment, V8's heap: ~2.5 ms, as for a warm hit in bin/rolehop.cjs); 'exit'
 * handlers still run.
 */
export function endRun(code: number, deps: Deps | undefined): void {
  process.exitCode = code;
  if (deps && !streamed(deps.stdout) && !streamed(deps.stderr)) process.exit();
}
