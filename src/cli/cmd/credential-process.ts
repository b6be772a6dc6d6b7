import { credentialProcessJson } from '../../emit/index.ts';
import { SignInRequiredError } from '../../util/errors.ts';
import { credentialsOf, targetOf } from '../command-target.ts';
import type { CommandRun } from '../spec.ts';

// `credential_process = rolehop credential-process …`: silent on success; on failure one reason on
// stderr at once (main prints it) — never a sign-in that would hang the calling tool.

export const run: CommandRun = async (input, deps) => {
  const target = await targetOf(input, deps, 'credential-process', { picker: false });
  try {
    const creds = await credentialsOf(target, input, deps, { allowLogin: false });
    deps.stdout.write(`${credentialProcessJson(creds)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof SignInRequiredError && !error.message.includes('credential_process')) {
      throw new SignInRequiredError(`${error.message} (credential_process never signs in by itself)`, {
        ...(error.hint ? { hint: error.hint } : {}),
        cause: error,
      });
    }
    throw error;
  }
};
