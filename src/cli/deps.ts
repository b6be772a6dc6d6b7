import type { Env } from '../util/env.ts';
import type { Logger, TextSink } from '../util/log.ts';

/**
 * Everything a command touches outside its own arguments. Commands never read process.env,
 * the clock or the terminal directly, so tests call them with their own deps.
 */
export interface Deps {
  env: Env;
  stdout: TextSink;
  stderr: TextSink;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  log: Logger;
  now(): number;
  cwd: string;
  /** Colour allowed on stderr, as color.ts decides; commands ask painterFor() for the stream they write to. */
  color: boolean;
  /** Aborted on Ctrl-C. */
  signal: AbortSignal;
  /**
   * Becomes CMD (execve) for `exec`; only the real CLI has it, since a command run in process (tests,
   * the library) must not end the caller. Returns an exit code or false as replace-process.ts says.
   */
  replaceProcess?: (command: string[], env: Record<string, string>) => number | false;
}

/** Options every command accepts. */
export interface GlobalOptions {
  profile?: string;
  region?: string;
  debug: boolean;
  color: boolean;
}
