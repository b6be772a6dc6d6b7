import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pickSession } from '../config/sso-session.ts';
import { planForAccount } from '../creds/target.ts';
import type { Credentials } from '../creds/types.ts';
import { listAccountsWithRoles } from '../sso/account-list.ts';
import { AccessDeniedError, InterruptedError, SignInRequiredError } from '../util/errors.ts';
import { terminalSafe } from '../util/terminal-text.ts';
import {
  type CredentialInput,
  credentialsOf,
  type FetchInput,
  type Target,
  targetOf,
} from './command-target.ts';
import type { Deps } from './deps.ts';
import { ssoDepsFor } from './sso-deps.ts';

// `exec --each PATTERN`: CMD once per matching target, each with its own credentials (through
// runPlan: the shared cache, locks and the throttle-aware portal), at most N at a time. Output lines
// carry the target's name (or go to one file per target); a table of results ends the run. A target
// whose credentials are refused is reported and skipped; a missing sign-in stops everything.

export interface EachResult {
  target: string;
  /** The child's exit code; absent when it never ran (skipped or its credentials failed). */
  exitCode?: number;
  durationMs: number;
  /** Why the command did not run. */
  error?: string;
}

/** `prod-*` → /^prod-.*$/: `*` any run of characters, `?` one; nothing else is special. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** The targets PATTERN selects: profile names, or with --account/--role, account × role from the inventory. */
export async function eachTargets(input: CredentialInput, deps: Deps, pattern: string): Promise<Target[]> {
  const matches = globToRegExp(pattern);
  const sel = input.selection;
  if (sel.account === undefined && sel.role === undefined) {
    const { loadConfigView } = await import('../config/load.ts');
    const names = Object.keys(loadConfigView(deps.env).profiles)
      .filter((n) => matches.test(n))
      .sort();
    const targets: Target[] = [];
    for (const name of names) {
      const named = { ...input, selection: { ...sel, profile: name } };
      targets.push(await targetOf(named, deps, 'exec', { picker: false }));
    }
    return targets;
  }
  const { loadConfigView } = await import('../config/load.ts');
  const view = loadConfigView(deps.env);
  const session = pickSession(view, sel.ssoSession);
  const account = globToRegExp(sel.account ?? '*');
  const role = globToRegExp(sel.role ?? '*');
  const { accounts } = await listAccountsWithRoles(session, ssoDepsFor(deps, view));
  const targets: Target[] = [];
  for (const a of accounts) {
    if (!account.test(a.accountId) && !account.test(a.accountName ?? '')) continue;
    for (const r of a.roles) {
      const label = `${a.accountName ?? a.accountId}/${r}`;
      if (!role.test(r) || !matches.test(label)) continue;
      const plan = planForAccount(
        { session, accountId: a.accountId, roleName: r },
        { ...sel, account: a.accountId, role: r },
        view,
        deps.env,
      );
      targets.push({ plan, view, label });
    }
  }
  return targets;
}

export interface EachOptions {
  parallel: number;
  outputDir?: string;
  /** The child's environment for a target's credentials. */
  childEnv: (target: Target, creds: Credentials) => Record<string, string>;
}

/** Runs CMD for every target; never throws for one target's failure (only for a missing sign-in). */
export async function runEach(
  targets: Target[],
  command: string[],
  input: FetchInput,
  deps: Deps,
  options: EachOptions,
): Promise<EachResult[]> {
  const results: EachResult[] = new Array(targets.length);
  const children = new Set<ReturnType<typeof spawn>>();
  const stopAll = () => {
    for (const c of children) c.kill('SIGTERM');
  };
  deps.signal.addEventListener('abort', stopAll);
  // Ctrl-C on a terminal reaches the children (same process group); SIGTERM from a script is passed on.
  process.on('SIGTERM', stopAll);
  if (options.outputDir) fs.mkdirSync(options.outputDir, { recursive: true, mode: 0o700 });
  const width = Math.min(32, Math.max(...targets.map((t) => t.label.length)));
  let next = 0;
  let fatal: unknown;
  const worker = async () => {
    while (fatal === undefined && !deps.signal.aborted && next < targets.length) {
      const i = next++;
      const target = targets[i]!;
      const started = performance.now();
      let creds: Credentials;
      try {
        creds = await credentialsOf(target, input, deps, { allowLogin: false });
      } catch (error) {
        if (error instanceof SignInRequiredError || error instanceof InterruptedError) {
          fatal ??= error;
          return;
        }
        const message = (error as Error).message;
        deps.stderr.write(
          `rolehop: ${terminalSafe(target.label)}: ${error instanceof AccessDeniedError ? 'skipped, ' : ''}${message}\n`,
        );
        results[i] = { target: target.label, durationMs: performance.now() - started, error: message };
        continue;
      }
      const exitCode = await spawnOne(target, command, creds, deps, options, width, children);
      results[i] = { target: target.label, exitCode, durationMs: performance.now() - started };
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.parallel, targets.length) }, worker));
  } finally {
    deps.signal.removeEventListener('abort', stopAll);
    process.off('SIGTERM', stopAll);
  }
  if (fatal !== undefined) throw fatal;
  if (deps.signal.aborted) throw new InterruptedError('interrupted: every command was stopped');
  return results;
}

function outputFile(dir: string, label: string): string {
  return path.join(dir, `${label.replace(/[^\w.@+-]+/g, '_')}.log`);
}

function spawnOne(
  target: Target,
  command: string[],
  creds: Credentials,
  deps: Deps,
  options: EachOptions,
  width: number,
  children: Set<ReturnType<typeof spawn>>,
): Promise<number> {
  const [file, ...args] = command as [string, ...string[]];
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      env: options.childEnv(target, creds),
      cwd: deps.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let fd: number | undefined;
    if (options.outputDir) {
      const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
      // Never through a link someone left there.
      fd = fs.openSync(
        outputFile(options.outputDir, target.label),
        O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
        0o600,
      );
      fs.fchmodSync(fd, 0o600);
    }
    const prefix = `${target.label.padEnd(width)} | `;
    const lineWriter = (sink: Deps['stdout']) => {
      let pending = '';
      return {
        data(chunk: Buffer) {
          if (fd !== undefined) return fs.writeSync(fd, chunk);
          pending += chunk.toString('utf8');
          const lines = pending.split('\n');
          pending = lines.pop()!;
          if (lines.length > 0) sink.write(lines.map((l) => `${prefix}${l}\n`).join(''));
        },
        end() {
          if (pending && fd === undefined) sink.write(`${prefix}${pending}\n`);
          pending = '';
        },
      };
    };
    const out = lineWriter(deps.stdout);
    const err = lineWriter(deps.stderr);
    child.stdout!.on('data', (c: Buffer) => out.data(c));
    child.stderr!.on('data', (c: Buffer) => err.data(c));
    let settled = false;
    const done = (code: number) => {
      if (settled) return;
      settled = true;
      children.delete(child);
      out.end();
      err.end();
      if (fd !== undefined) fs.closeSync(fd);
      resolve(code);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      deps.stderr.write(
        `${prefix}rolehop: ${error.code === 'ENOENT' ? `command not found: ${file}` : `cannot run ${file}: ${error.message}`}\n`,
      );
      done(error.code === 'ENOENT' ? 127 : 126);
    });
    child.once('close', (code, signal) =>
      done(signal ? 128 + (os.constants.signals[signal] ?? 0) : (code ?? 1)),
    );
  });
}

/** The closing table on stderr: target, exit code (or why it did not run) and duration. */
export function resultTable(results: EachResult[]): string {
  const rows = results.map((r) => [
    terminalSafe(r.target),
    r.exitCode === undefined ? 'skipped' : String(r.exitCode),
    `${(r.durationMs / 1000).toFixed(1)}s`,
  ]);
  const head = ['TARGET', 'EXIT', 'TIME'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => `${cells.map((x, c) => x.padEnd(widths[c]!)).join('  ')}`.trimEnd();
  const ok = results.filter((r) => r.exitCode === 0).length;
  return `${[line(head), ...rows.map(line)].join('\n')}\n${ok} of ${results.length} succeeded\n`;
}
