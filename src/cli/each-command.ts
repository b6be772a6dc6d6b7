import type { Credentials } from '../creds/types.ts';
import { UsageError } from '../util/errors.ts';
import type { Target } from './command-target.ts';
import type { Deps } from './deps.ts';
import { eachTargets, parseParallel, resultTable, runEach } from './each.ts';
import type { CommandInput } from './spec.ts';

// The `exec --each` command line: options checked before any network call, the fan-out, then the
// table on stderr (or JSON on stdout) and one exit code for the whole run.

export async function runEachCommand(
  input: CommandInput,
  deps: Deps,
  pattern: string,
  childEnv: (parent: Deps['env'], target: Target, creds: Credentials) => Record<string, string>,
): Promise<number> {
  const parallel = parseParallel(input.values.parallel);
  const outputDir = typeof input.values['output-dir'] === 'string' ? input.values['output-dir'] : undefined;
  if (pattern === '') {
    throw new UsageError('--each needs a pattern', { hint: "match every profile with --each '*'" });
  }
  const targets = await eachTargets(input, deps, pattern);
  if (targets.length === 0) {
    throw new UsageError(`no target matches "${pattern}"`, {
      hint: "'rolehop config list' shows the profiles, 'rolehop ls' the accounts and roles",
    });
  }
  const results = await runEach(targets, input.rest, input, deps, {
    parallel,
    ...(outputDir ? { outputDir } : {}),
    childEnv: (target, creds) => childEnv(deps.env, target, creds),
  });
  if (input.values.json === true) {
    deps.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    deps.stderr.write(resultTable(results));
  }
  return results.every((r) => r.exitCode === 0) ? 0 : 1;
}
