import type { ConfigView } from '../config/model.ts';
import type { Plan } from '../config/plan.ts';
import { answerCredentialProcess } from './cmd/credential-process.ts';
import { defaultDeps, endRun } from './process-deps.ts';
import { reportError } from './report-error.ts';

// The warm entry's miss for `credential-process` (dist/warm-miss.cjs): the warm entry has read the
// config and resolved the plan through the one road (cli/warm.ts), so the command's own work runs
// from there, with the full CLI's deps, fetching and messages, without loading dist/cli.cjs (its
// commands, parser and help: ~8 ms of a cold call) or reading the config again.

/** Fetches and prints a plain command line's credentials, then ends the run as cli/entry.ts does. */
export async function credentialProcessMiss(target: { plan: Plan; view: ConfigView }): Promise<void> {
  // The warm entry takes no option but the selectors: no --debug, no --no-color.
  const deps = defaultDeps(false, false);
  let code: number;
  try {
    code = await answerCredentialProcess(target, {}, deps);
  } catch (error) {
    code = reportError(deps, error, false);
  }
  endRun(code, deps);
}
