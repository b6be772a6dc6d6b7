import type { Deps } from '../deps.ts';
import type { CommandInput, CommandRun } from '../spec.ts';
import { decodeTargetWords, targetDisplayName } from '../target-words.ts';

// `rolehop prompt`: a PS1/starship segment from the environment alone (no files, no network), so a
// prompt costs one warm start of Node and nothing more. Imports only target-words.ts.

/** `42m`, `1h05m`, `expired`: short enough for a prompt. */
export function timeLeft(expiration: string, now: number): string | undefined {
  const at = Date.parse(expiration);
  if (Number.isNaN(at)) return undefined;
  const minutes = Math.floor((at - now) / 60_000);
  if (minutes < 0) return 'expired';
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** prompt takes no options: its input is the environment, read by prompt() itself. */
export type PromptInput = Record<string, never>;

export function parsePromptInput(_raw: CommandInput): PromptInput {
  return {};
}

/** The segment for the exported target, or nothing when no rolehop export is active. */
export function prompt(_input: PromptInput, deps: Deps): number {
  const env = deps.env;
  const words = env.ROLEHOP_TARGET ? decodeTargetWords(env.ROLEHOP_TARGET) : undefined;
  const name = words ? targetDisplayName(words) : undefined;
  if (!name) return 0;
  const agent = (env.AWS_CONTAINER_CREDENTIALS_FULL_URI ?? '').startsWith('http://127.0.0.1:');
  const left = agent
    ? 'agent'
    : env.AWS_CREDENTIAL_EXPIRATION
      ? timeLeft(env.AWS_CREDENTIAL_EXPIRATION, deps.now())
      : undefined;
  deps.stdout.write(left ? `${name} ${left}\n` : `${name}\n`);
  return 0;
}

export const run: CommandRun = (raw, deps) => prompt(parsePromptInput(raw), deps);
