import type { ConfigView } from '../config/model.ts';
import type { Plan } from '../config/plan.ts';
import type { Credentials } from '../creds/types.ts';
import { answerCredentialProcess } from './cmd/credential-process.ts';
import { credentialsOf, isTerminal } from './command-target.ts';
import { defaultDeps, endRun } from './process-deps.ts';
import { reportError } from './report-error.ts';

// The warm entry's miss (dist/warm-miss.cjs): the warm entry has read the config and resolved the
// plan through the one road (cli/warm.ts), so the command's own work runs from there, with the full
// CLI's deps, fetching and messages, without loading dist/cli.cjs (its commands, parser and help:
// ~8 ms of a cold call) or reading the config again.

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

/**
 * Fetches a plain `env` or `exec` command line's credentials as those commands do (a sign-in only on
 * a terminal), for the warm entry to answer with; on failure reports it as cli/entry.ts does, ends
 * the run and resolves undefined.
 */
export async function fetchForTerminal(target: {
  plan: Plan;
  view: ConfigView;
}): Promise<Credentials | undefined> {
  const deps = defaultDeps(false, false);
  try {
    return await credentialsOf(target, {}, deps, { allowLogin: isTerminal(deps) });
  } catch (error) {
    endRun(reportError(deps, error, false), deps);
    return undefined;
  }
}
