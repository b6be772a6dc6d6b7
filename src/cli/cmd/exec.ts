import type { Credentials } from '../../creds/types.ts';
import { containerEnvAssignments, envAssignments } from '../../emit/index.ts';
import { UsageError } from '../../util/errors.ts';
import { runChild } from '../child.ts';
import {
  type CredentialInput,
  credentialsOf,
  isTerminal,
  parseCredentialInput,
  type Target,
  targetOf,
} from '../command-target.ts';
import type { Deps } from '../deps.ts';
import { type EachInput, parseEachInput, runEachCommand } from '../each-command.ts';
import { type CommandInput, type CommandRun, flagOf } from '../spec.ts';

// Runs CMD directly (no shell: argv is passed untouched) with the credentials in its environment;
// its exit code and signals pass through, as if rolehop were not there.

/** Variables that would make the child's SDK ignore or fight the credentials we give it. */
const REMOVED = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
];

/** The child's environment: ours without conflicting AWS_* variables, plus what gives it credentials. */
function childEnv(parent: Deps['env'], target: Target, set: Array<[string, string]>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent)) if (v !== undefined && !REMOVED.includes(k)) env[k] = v;
  for (const [k, v] of set) env[k] = v;
  env.ROLEHOP_EXEC = target.label;
  return env;
}

/** The child's environment with static keys (one per target for --each). */
function keysEnv(parent: Deps['env'], target: Target, creds: Credentials): Record<string, string> {
  return childEnv(parent, target, envAssignments(creds, target.plan.region).set);
}

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
  if (input.each) return runEachCommand(input.each, input.command, input.credentials, deps, keysEnv);
  const allowLogin = isTerminal(deps);
  const target = await targetOf(input.credentials, deps, 'exec', { allowLogin });
  const creds = await credentialsOf(target, input.credentials, deps, { allowLogin });
  let set: Array<[string, string]>;
  if (input.agent) {
    const { agentEndpointFor } = await import('../agent-client.ts');
    ({ set } = containerEnvAssignments(await agentEndpointFor(target, deps.env), target.plan.region));
  } else ({ set } = envAssignments(creds, target.plan.region));
  const env = childEnv(deps.env, target, set);

  // On a terminal Ctrl-C reaches the child already; from a script, pass it on.
  return runChild(input.command, { env, cwd: deps.cwd, forwardSigint: deps.stdin.isTTY !== true }, deps);
}

export const run: CommandRun = (raw, deps) => exec(parseExecInput(raw), deps);
