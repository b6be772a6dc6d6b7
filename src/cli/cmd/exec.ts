import { envAssignments } from '../../emit/index.ts';
import { UsageError } from '../../util/errors.ts';
import { runChild } from '../child.ts';
import { credentialsOf, isTerminal, targetOf } from '../run-plan.ts';
import type { CommandRun } from '../spec.ts';

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

export const run: CommandRun = async (input, deps) => {
  const [command] = input.rest;
  if (command === undefined || command === '') {
    throw new UsageError('missing the command to run', {
      hint: "put it after '--': rolehop exec PROFILE -- aws s3 ls",
    });
  }
  if (deps.env.ROLEHOP_EXEC && input.values.force !== true) {
    throw new UsageError(`already inside 'rolehop exec' for ${deps.env.ROLEHOP_EXEC}`, {
      hint: 'exit that shell first, or pass --force to nest anyway',
    });
  }
  const allowLogin = isTerminal(deps);
  const target = await targetOf(input, deps, 'exec', { allowLogin });
  const creds = await credentialsOf(target, input, deps, { allowLogin });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(deps.env)) if (v !== undefined && !REMOVED.includes(k)) env[k] = v;
  const { set } = envAssignments(creds, target.plan.region);
  for (const [k, v] of set) env[k] = v;
  env.ROLEHOP_EXEC = target.label;

  // On a terminal Ctrl-C reaches the child already; from a script, pass it on.
  return runChild(input.rest, { env, cwd: deps.cwd, forwardSigint: deps.stdin.isTTY !== true }, deps);
};
