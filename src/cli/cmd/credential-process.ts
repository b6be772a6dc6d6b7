import { credentialProcessJson } from '../../emit/index.ts';
import { SignInRequiredError } from '../../util/errors.ts';
import {
  type CredentialInput,
  credentialsOf,
  type FetchInput,
  parseCredentialInput,
  type Target,
  targetOf,
} from '../command-target.ts';
import type { Deps } from '../deps.ts';
import type { CommandInput, CommandRun } from '../spec.ts';

// `credential_process = rolehop credential-process …`: silent on success; on failure one reason on
// stderr at once (main prints it) — never a sign-in that would hang the calling tool.

/** What credential-process acts on: the target and fetch options, and nothing else. */
export type CredentialProcessInput = CredentialInput;

export function parseCredentialProcessInput(raw: CommandInput): CredentialProcessInput {
  return parseCredentialInput(raw, 'credential-process');
}

export async function credentialProcess(input: CredentialProcessInput, deps: Deps): Promise<number> {
  const target = await targetOf(input, deps, 'credential-process', { picker: false });
  return answerCredentialProcess(target, input, deps);
}

/**
 * Fetches a target's credentials and prints them: the command's work once its plan is known. The
 * warm entry's miss (cli/warm-miss.ts) runs this too, with the plan it resolved.
 */
export async function answerCredentialProcess(
  target: Pick<Target, 'plan' | 'view'>,
  fetch: FetchInput,
  deps: Deps,
): Promise<number> {
  try {
    const creds = await credentialsOf(target, fetch, deps, { allowLogin: false });
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
}

export const run: CommandRun = (raw, deps) => credentialProcess(parseCredentialProcessInput(raw), deps);
