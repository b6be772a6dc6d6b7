import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { envAssignments } from '../../emit/index.ts';
import { UsageError } from '../../util/errors.ts';
import { credentialsOf, targetOf } from '../run-plan.ts';
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

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export const run: CommandRun = async (input, deps) => {
  const [command, ...args] = input.rest;
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
  const allowLogin = deps.stdin.isTTY === true && deps.stderr.isTTY === true;
  const target = await targetOf(input, deps, 'exec', { allowLogin });
  const creds = await credentialsOf(target, input, deps, { allowLogin });
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(deps.env)) if (v !== undefined && !REMOVED.includes(k)) env[k] = v;
  const { set } = envAssignments(creds, target.plan.region);
  for (const [k, v] of set) env[k] = v;
  env.ROLEHOP_EXEC = target.label;

  return new Promise<number>((resolve) => {
    const child = spawn(command, args, { stdio: 'inherit', env, cwd: deps.cwd });
    // Ctrl-C on a terminal already reaches the child (same process group); a second SIGINT would
    // turn e.g. terraform's graceful stop into a forced one. Stay alive until the child exits.
    const fromTerminal = deps.stdin.isTTY === true;
    const forward = (signal: NodeJS.Signals) => () => {
      if (signal === 'SIGINT' && fromTerminal) return;
      child.kill(signal);
    };
    const handlers = FORWARDED.map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const cleanup = () => {
      for (const [s, h] of handlers) process.off(s, h);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      cleanup();
      if (error.code === 'ENOENT') {
        deps.stderr.write(`rolehop: command not found: ${command}\n  hint: check the name and your PATH\n`);
        resolve(127);
      } else if (error.code === 'EACCES') {
        deps.stderr.write(`rolehop: cannot run ${command}: permission denied\n`);
        resolve(126);
      } else {
        deps.stderr.write(`rolehop: cannot run ${command}: ${error.message}\n`);
        resolve(126);
      }
    });
    child.once('exit', (code, signal) => {
      cleanup();
      if (signal) resolve(128 + (constants.signals[signal] ?? 0));
      else resolve(code ?? 1);
    });
  });
};
