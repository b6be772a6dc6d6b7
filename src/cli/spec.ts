import { parseDurationSeconds } from '../util/duration.ts';
import { UsageError } from '../util/errors.ts';
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

// Typed reads of a raw CommandInput. Each command turns its raw input into its own typed input
// (parseXInput) with these, once, and its function (input, deps) never sees `values` again.

/** A boolean option: true only when given. */
export function flagOf(raw: CommandInput, name: string): boolean {
  return raw.values[name] === true;
}

/** A string option, or undefined when not given. */
export function textOf(raw: CommandInput, name: string): string | undefined {
  return stringValue(raw.values[name]);
}

/** A repeatable option's values in command-line order; empty when not given. */
export function listOf(raw: CommandInput, name: string): string[] {
  const value = raw.values[name];
  return Array.isArray(value) ? value : [];
}

/** The one positional a command takes (`what` names it in the error), or undefined. */
export function onePositional(raw: CommandInput, command: string, what: string): string | undefined {
  if (raw.positionals.length > 1) {
    throw new UsageError(`${command} takes one ${what}, got ${raw.positionals.length}`, {
      hint: `run 'rolehop ${command} --help'`,
    });
  }
  return raw.positionals[0];
}

/** A duration option (`3600`, `90s`, `15m`, `1h30m`) in seconds, or undefined when not given. */
export function durationOf(raw: CommandInput, name: string): number | undefined {
  const text = textOf(raw, name);
  return text === undefined ? undefined : parseDurationSeconds(text, `--${name}`);
}

/** The first positional of a command that takes at most one; a second is a usage error with `hint`. */
export function firstPositional(raw: CommandInput, hint: string): string | undefined {
  if (raw.positionals.length > 1) {
    throw new UsageError(`unexpected argument "${raw.positionals[1]}"`, { hint });
  }
  return raw.positionals[0];
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
