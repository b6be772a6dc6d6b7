import type { Credentials } from '../creds/types.ts';
import { formatEnv } from '../emit/env-format.ts';
import { credentialProcessJson } from '../emit/json.ts';
import type { Env } from '../util/env.ts';
import { keysChildEnv } from './child-env.ts';
import { fdSink } from './fd-sink.ts';
import type { WarmRequest } from './warm-args.ts';

// How the warm entries answer, given credentials: as the full CLI's commands do.

/** What an answer takes from the resolved target beside credentials (the warm memo keeps it). */
export interface AnswerShape {
  /** The label cmd/exec.ts puts in ROLEHOP_EXEC (creds/target.ts): the profile, or account/role. */
  label: string;
  region?: string;
  /** env's target words, encoded (cli/target-words.ts). */
  target: string;
}

/** What a served command does with credentials: print text, or become a command given them. */
export type Answer = { text: string } | { command: string[]; env: Record<string, string> };

export function answerOf(request: WarmRequest, creds: Credentials, shape: AnswerShape, env: Env): Answer {
  if (request.command === 'credential-process') return { text: `${credentialProcessJson(creds)}\n` };
  if (request.run) return { command: request.run, env: keysChildEnv(env, shape.label, creds, shape.region) };
  const { region, target } = shape;
  return { text: formatEnv(request.format!, creds, { ...(region ? { region } : {}), target }) };
}

/**
 * Writes an answer, or becomes (or runs) its command. 'answered': all of it is written, so the
 * process may end at once; 'running': exec's command is about to replace the process (or run as a
 * child that sets the exit code), or output is still flowing through a stream.
 */
export function give(answer: Answer): 'answered' | 'running' {
  if ('command' in answer) {
    const { command, env } = answer;
    void import('./warm-exec.ts').then(({ execWarm }) => execWarm(command, env));
    return 'running';
  }
  const stdout = fdSink(1, () => process.stdout);
  stdout.write(answer.text);
  return stdout.streamed ? 'running' : 'answered';
}
