import { loadConfigView } from '../../config/load.ts';
import type { CommandRun } from '../spec.ts';

// Quiet by design: completion must never print errors into the user's prompt.
export const run: CommandRun = (input, deps) => {
  let view: ReturnType<typeof loadConfigView>;
  try {
    view = loadConfigView(deps.env);
  } catch {
    return 0;
  }
  const kind = input.positionals[0];
  const names =
    kind === 'sso-sessions'
      ? Object.keys(view.ssoSessions)
      : kind === 'profiles'
        ? Object.keys(view.profiles)
        : [];
  if (names.length > 0) deps.stdout.write(`${names.sort().join('\n')}\n`);
  return 0;
};
