import type { Deps, GlobalOptions } from './deps.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** Shown in --help, e.g. `--format <bash|zsh|fish>`. */
  arg?: string;
  description: string;
}

/** What a command receives: its parsed options and positionals, plus the global options. */
export interface CommandInput {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Arguments after `--`, untouched. */
  rest: string[];
  globals: GlobalOptions;
}

/** An option's value when it is a string (`parseArgs` also gives booleans and lists). */
export function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** Returns the exit code (0 when omitted). */
export type CommandRun = (
  input: CommandInput,
  deps: Deps,
) => Promise<number | undefined> | number | undefined;

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description?: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  /** Positional arguments allowed (names for help). */
  positionals?: string;
  /** Command accepts `-- CMD ARGS…`. */
  passThrough?: boolean;
  /** Loads the implementation lazily: a usage error or --help loads no command code. */
  load: () => Promise<{ run: CommandRun }>;
  /** Internal helper commands (shell completion) stay out of --help. */
  hidden?: boolean;
}
