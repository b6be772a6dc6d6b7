import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Deps } from '../../src/cli/deps.ts';
import { main } from '../../src/cli/main.ts';
import { createLogger } from '../../src/util/log.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..', '..');
export const rolehopBin = path.join(repoRoot, 'bin', 'rolehop.cjs');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  env: Record<string, string | undefined>;
  input?: string;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs the built CLI (dist/) as a user would, with Node 24 from node_modules. */
export function runCli(args: string[], options: CliOptions): Promise<CliResult> {
  return runProcess(process.execPath, [rolehopBin, ...args], options);
}

export function runProcess(command: string, args: string[], options: CliOptions): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env as NodeJS.ProcessEnv,
      cwd: options.cwd ?? repoRoot,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  signal?: AbortSignal;
  now?: () => number;
  /** Pretend stdout / stderr is a terminal (colour decisions read isTTY of the stream written to). */
  stdoutIsTTY?: boolean;
  stderrIsTTY?: boolean;
  /** Text on stdin (closed after it, as runCli's `input`); empty by default. */
  input?: string;
  /** The working directory the command sees (deps.cwd); this process's own is never changed. */
  cwd?: string;
}

/** Runs one command line through main() in this process, with its own env and captured output. */
export async function runInProcess(
  args: string[],
  env: Record<string, string>,
  options: InProcessOptions = {},
): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const out = { write: (s: string) => (stdout += s), isTTY: options.stdoutIsTTY === true };
  const err = { write: (s: string) => (stderr += s), isTTY: options.stderrIsTTY === true };
  const stdin = new PassThrough();
  stdin.end(options.input ?? '');
  const code = await main(
    args,
    (debug): Deps => ({
      env,
      stdout: out,
      stderr: err,
      stdin,
      log: createLogger(err, { debug }),
      now: options.now ?? (() => Date.now()),
      cwd: options.cwd ?? process.cwd(),
      color: false,
      signal: options.signal ?? new AbortController().signal,
    }),
  );
  return { code, stdout, stderr };
}
