import { loadConfigView } from '../../config/load.ts';
import type { Deps } from '../deps.ts';
import type { CommandInput, CommandRun } from '../spec.ts';

// `rolehop __complete KIND`, asked by the completion scripts. Quiet by design: completion must never
// print errors into the user's prompt, so an unknown kind or an unreadable file gives no names.

/** What __complete acts on, typed: the kind of names asked for (anything else gives none). */
export interface CompleteInput {
  kind: 'profiles' | 'sso-sessions' | undefined;
}

export function parseCompleteInput(raw: CommandInput): CompleteInput {
  const kind = raw.positionals[0];
  return { kind: kind === 'profiles' || kind === 'sso-sessions' ? kind : undefined };
}

/** The profile or sso-session names of the user's files, one a line, sorted. */
export function complete(input: CompleteInput, deps: Deps): number {
  if (input.kind === undefined) return 0;
  let view: ReturnType<typeof loadConfigView>;
  try {
    view = loadConfigView(deps.env);
  } catch {
    return 0;
  }
  const names = Object.keys(input.kind === 'sso-sessions' ? view.ssoSessions : view.profiles);
  if (names.length > 0) deps.stdout.write(`${names.sort().join('\n')}\n`);
  return 0;
}

export const run: CommandRun = (raw, deps) => complete(parseCompleteInput(raw), deps);
