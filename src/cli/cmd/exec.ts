import { containerEnvAssignments } from '../../emit/index.ts';
import { UsageError } from '../../util/errors.ts';
import { runChild } from '../child.ts';
import { childEnv, keysChildEnv } from '../child-env.ts';
import {
  type CredentialInput,
  credentialsOf,
  isTerminal,
  parseCredentialInput,
  targetOf,
} from '../command-target.ts';
import type { Deps } from '../deps.ts';
import { type EachInput, parseEachInput, runEachCommand } from '../each-command.ts';
import { type CommandInput, type CommandRun, flagOf } from '../spec.ts';

// Runs CMD directly (no shell: argv is passed untouched) with the credentials in its environment;
// its exit code and signals pass through, as if rolehop were not there.

/** What exec acts on, typed: the command line is read once, in parseExecInput. */
export interface ExecInput {
  /** CMD and its arguments, after `--`. */
  command: string[];
  credentials: CredentialInput;
  agent: boolean;
  /** Run inside another `rolehop exec`. */
  force: boolean;
  /** --each: CMD once per matching target instead of once. */
  each: EachInput | undefined;
}

export function parseExecInput(raw: CommandInput): ExecInput {
  const [command] = raw.rest;
  if (command === undefined || command === '') {
    throw new UsageError('missing the command to run', {
      hint: "put it after '--': rolehop exec PROFILE -- aws s3 ls",
    });
  }
  const each = parseEachInput(raw);
  const agent = flagOf(raw, 'agent');
  if (each && agent) {
    throw new UsageError('--agent does not go with --each', {
      hint: 'each --each run gets its own short-lived keys; --agent is for one long-running command',
    });
  }
  return {
    command: raw.rest,
    agent,
    force: flagOf(raw, 'force'),
    each,
    credentials: parseCredentialInput(raw, 'exec'),
  };
}

export async function exec(input: ExecInput, deps: Deps): Promise<number> {
  if (deps.env.ROLEHOP_EXEC && !input.force) {
    throw new UsageError(`already inside 'rolehop exec' for ${deps.env.ROLEHOP_EXEC}`, {
      hint: 'exit that shell first, or pass --force to nest anyway',
    });
  }
  if (input.each) return runEachCommand(input.each, input.command, input.credentials, deps);
  const allowLogin = isTerminal(deps);
  const target = await targetOf(input.credentials, deps, 'exec', { allowLogin });
  const creds = await credentialsOf(target, input.credentials, deps, { allowLogin });
  let env: Record<string, string>;
  if (input.agent) {
    const { agentEndpointFor } = await import('../agent-client.ts');
    const endpoint = await agentEndpointFor(target, deps.env);
    env = childEnv(deps.env, target.label, containerEnvAssignments(endpoint, target.plan.region).set);
  } else env = keysChildEnv(deps.env, target.label, creds, target.plan.region);

  // rolehop becomes CMD where it can; a number is why CMD could not be run at all.
  const replaced = deps.replaceProcess?.(input.command, env);
  if (typeof replaced === 'number') return replaced;
  // On a terminal Ctrl-C reaches the child already; from a script, pass it on.
  return runChild(input.command, { env, cwd: deps.cwd, forwardSigint: deps.stdin.isTTY !== true }, deps);
}

export const run: CommandRun = (raw, deps) => exec(parseExecInput(raw), deps);
