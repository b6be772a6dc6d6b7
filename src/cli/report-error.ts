import { exitCodeOf, RolehopError } from '../util/errors.ts';
import { redactText } from '../util/redact.ts';
import { terminalSafe } from '../util/terminal-text.ts';
import type { Deps } from './deps.ts';

/**
 * Prints why a command failed and returns its exit code (design.md). Error text often quotes
 * servers, files or argv: redacted, and stripped of terminal controls.
 */
export function reportError(deps: Pick<Deps, 'stderr'>, error: unknown, debug: boolean): number {
  const shown = (text: string) => terminalSafe(redactText(text));
  if (error instanceof RolehopError) {
    deps.stderr.write(`rolehop: ${shown(error.message)}\n`);
    if (error.hint) deps.stderr.write(`  hint: ${shown(error.hint)}\n`);
  } else {
    const e = error as Error;
    deps.stderr.write(`rolehop: unexpected error: ${shown(e?.message ?? String(error))}\n`);
  }
  if (debug && error instanceof Error && error.stack) deps.stderr.write(`${shown(error.stack)}\n`);
  return exitCodeOf(error);
}
