import * as os from 'node:os';
import { UsageError } from '../util/errors.ts';
import { keysChildEnv } from './child-env.ts';
import type { CredentialInput } from './command-target.ts';
import type { Deps } from './deps.ts';
import { type CommandInput, flagOf, textOf } from './spec.ts';

// The `exec --each` command line: options checked before any network call, the fan-out (each.ts,
// loaded only for --each), then the table on stderr (or JSON on stdout) and one exit code for the run.

/** The --each options of `exec`, typed. */
export interface EachInput {
  /** Profile names, or `account/role` with --account/--role, matched with * and ?. */
  pattern: string;
  /** At most this many commands at a time. */
  parallel: number;
  outputDir?: string;
  json: boolean;
}

export function parseParallel(value: string | undefined): number {
  if (value === undefined) return Math.max(1, os.availableParallelism());
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new UsageError(`invalid --parallel "${value}"`, {
      hint: 'give how many commands may run at once, 1 to 1024: --parallel 4',
    });
  }
  return n;
}

/** exec's --each options; undefined without --each, where the options that go with it are refused. */
export function parseEachInput(raw: CommandInput): EachInput | undefined {
  const pattern = textOf(raw, 'each');
  if (pattern === undefined) {
    for (const only of ['parallel', 'output-dir', 'json']) {
      if (raw.values[only] !== undefined) {
        throw new UsageError(`--${only} goes with --each`, {
          hint: `rolehop exec --each PATTERN --${only} … -- CMD runs CMD for every matching profile`,
        });
      }
    }
    return undefined;
  }
  const parallel = parseParallel(textOf(raw, 'parallel'));
  const outputDir = textOf(raw, 'output-dir');
  if (pattern === '') {
    throw new UsageError('--each needs a pattern', { hint: "match every profile with --each '*'" });
  }
  if (raw.positionals.length > 0) {
    throw new UsageError('give either a PROFILE or --each PATTERN, not both', {
      hint: `rolehop exec --each '${pattern}' -- CMD runs CMD for every profile matching the pattern`,
    });
  }
  return { pattern, parallel, ...(outputDir ? { outputDir } : {}), json: flagOf(raw, 'json') };
}

export async function runEachCommand(
  input: EachInput,
  command: string[],
  credentials: CredentialInput,
  deps: Deps,
): Promise<number> {
  const { eachTargets, resultTable, runEach } = await import('./each.ts');
  const targets = await eachTargets(credentials, deps, input.pattern);
  if (targets.length === 0) {
    throw new UsageError(`no target matches "${input.pattern}"`, {
      hint: "'rolehop config list' shows the profiles, 'rolehop ls' the accounts and roles",
    });
  }
  const results = await runEach(targets, command, credentials, deps, {
    parallel: input.parallel,
    ...(input.outputDir ? { outputDir: input.outputDir } : {}),
    childEnv: (target, creds) => keysChildEnv(deps.env, target.label, creds, target.plan.region),
  });
  if (input.json) {
    deps.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    deps.stderr.write(resultTable(results));
  }
  return results.every((r) => r.exitCode === 0) ? 0 : 1;
}
