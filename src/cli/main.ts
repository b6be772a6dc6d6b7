import { parseArgs } from 'node:util';
import { closeMatches } from '../config/resolve.ts';
import { UsageError } from '../util/errors.ts';
import { commands, findCommand } from './commands.ts';
import type { GlobalOptions } from './deps.ts';
import { commandHelp, globalOptions, mainHelp } from './help.ts';
import { defaultDeps } from './process-deps.ts';
import { parseRegion } from './region.ts';
import { reportError } from './report-error.ts';
import type { CommandInput, CommandSpec } from './spec.ts';

declare const ROLEHOP_VERSION: string | undefined;
export const version = typeof ROLEHOP_VERSION === 'string' ? ROLEHOP_VERSION : '0.0.0-dev';

/** "did you mean --account?" for a mistyped long option, as profile names get; else where to look. */
function optionHint(spec: CommandSpec, message: string, names: string[]): string {
  const help = `run 'rolehop ${spec.name} --help'`;
  const typed = /^Unknown option '--([^'=]+)'/.exec(message)?.[1];
  const close = typed === undefined ? [] : closeMatches(typed, names, 3);
  return close.length > 0 ? `did you mean ${close.map((c) => `--${c}`).join(', ')}? ${help}` : help;
}

export function parseCommandArgs(spec: CommandSpec, argv: string[]): CommandInput {
  let args = argv;
  let rest: string[] = [];
  if (spec.passThrough) {
    const dashes = argv.indexOf('--');
    if (dashes >= 0) {
      args = argv.slice(0, dashes);
      rest = argv.slice(dashes + 1);
    }
  }
  const options = { ...globalOptions, ...spec.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(options).map(([k, o]) => [
          k,
          { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional.*$/s, '');
    throw new UsageError(message, { hint: optionHint(spec, message, Object.keys(options)) });
  }
  const values = parsed.values as CommandInput['values'];
  if (!spec.positionals && parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument "${parsed.positionals[0]}"`, {
      hint: `run 'rolehop ${spec.name} --help'`,
    });
  }
  const globals: GlobalOptions = {
    profile: values.profile as string | undefined,
    region: parseRegion(values.region as string | undefined),
    debug: values.debug === true,
    color: values['no-color'] !== true,
  };
  return { values, positionals: parsed.positionals, rest, globals };
}

/** Runs one command line; returns the exit code. */
export async function main(argv: string[], makeDeps = defaultDeps): Promise<number> {
  const [name, ...args] = argv;
  const debug = argv.includes('--debug');
  const deps = makeDeps(debug, argv.includes('--no-color'));
  // Bare `rolehop` is a usage error: the help goes to stderr so a script's stdout stays empty.
  if (name === undefined) {
    deps.stderr.write(mainHelp(version));
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? args[0] : undefined;
    const spec = topic ? findCommand(topic) : undefined;
    deps.stdout.write(spec ? commandHelp(spec) : mainHelp(version));
    return 0;
  }
  if (name === '--version' || name === '-v' || name === '-V' || name === 'version') {
    deps.stdout.write(`rolehop ${version}\n`);
    return 0;
  }
  const spec = findCommand(name);
  try {
    if (!spec) {
      const close = closeMatches(
        name,
        commands.filter((c) => !c.hidden).map((c) => c.name),
        3,
      );
      throw new UsageError(`unknown command "${name}"`, {
        hint: `${close.length > 0 ? `did you mean ${close.map((c) => `'rolehop ${c}'`).join(', ')}? ` : ''}run 'rolehop --help' for the list of commands`,
      });
    }
    const input = parseCommandArgs(spec, args);
    if (input.values.help === true) {
      deps.stdout.write(commandHelp(spec));
      return 0;
    }
    const { run } = await spec.load();
    return (await run(input, deps)) ?? 0;
  } catch (error) {
    return reportError(deps, error, debug);
  }
}
