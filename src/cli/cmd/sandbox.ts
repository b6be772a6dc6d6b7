// `rolehop sandbox`: runs the local Identity Center until Ctrl-C or SIGTERM.
import { ConfigError, RolehopError, UsageError } from '../../util/errors.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, flagOf, textOf } from '../spec.ts';

/** A number option, or undefined when not given; its range is the sandbox's to check (startSandbox). */
function numberOf(raw: CommandInput, name: string, integer: boolean): number | undefined {
  const text = textOf(raw, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a ${integer ? 'whole ' : ''}number (got "${text}")`, {
      hint: "run 'rolehop sandbox --help'",
    });
  }
  return n;
}

/** What sandbox acts on, typed: the command line is read and checked once, in parseSandboxInput. */
export interface SandboxInput {
  port: number | undefined;
  accounts: number | undefined;
  latencyMs: number | undefined;
  throttleTps: number | undefined;
  failRate: number | undefined;
  /** A JSON or YAML file of users, accounts and assignments. */
  directory: string | undefined;
  /** An STS (moto) to mint role credentials from. */
  sts: string | undefined;
  autoApprove: boolean;
}

export function parseSandboxInput(raw: CommandInput): SandboxInput {
  return {
    port: numberOf(raw, 'port', true),
    accounts: numberOf(raw, 'accounts', true),
    latencyMs: numberOf(raw, 'latency-ms', false),
    throttleTps: numberOf(raw, 'throttle-tps', false),
    failRate: numberOf(raw, 'fail-rate', false),
    directory: textOf(raw, 'directory'),
    sts: textOf(raw, 'sts'),
    autoApprove: flagOf(raw, 'auto-approve'),
  };
}

/** Runs the local Identity Center until Ctrl-C or SIGTERM. */
export async function sandbox(options: SandboxInput, deps: Deps): Promise<number> {
  const { startSandbox, describeSandbox, SandboxOptionError, DirectoryError } = await import(
    '../../sandbox/index.ts'
  );
  let running: Awaited<ReturnType<typeof startSandbox>>;
  try {
    running = await startSandbox(options);
  } catch (error) {
    const message = (error as Error).message;
    if (error instanceof SandboxOptionError) {
      throw new UsageError(message, { hint: "run 'rolehop sandbox --help'" });
    }
    if (error instanceof DirectoryError) {
      throw new ConfigError(message, { hint: 'fix the --directory file (JSON or YAML), or leave it out' });
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new RolehopError(`port ${options.port} on 127.0.0.1 is already in use`, {
        hint: 'choose another --port, or leave it out for any free port',
      });
    }
    throw new RolehopError(message, { cause: error });
  }
  deps.stdout.write(`READY ${running.port}\n${describeSandbox(running)}`);
  deps.log.info(
    `rolehop sandbox: Identity Center at ${running.url} (start URL ${running.startUrl})` +
      `${options.autoApprove ? ', sign-ins approved automatically' : `; approve sign-ins at ${running.url}/device`}. Ctrl-C stops it.`,
  );
  await new Promise<void>((resolve) => {
    if (deps.signal.aborted) return resolve();
    deps.signal.addEventListener('abort', () => resolve(), { once: true });
    // A service manager or test harness stops it with SIGTERM.
    process.once('SIGTERM', () => resolve());
  });
  await running.close();
  deps.log.info('rolehop sandbox: stopped');
  return 0;
}

export const run: CommandRun = (raw, deps) => sandbox(parseSandboxInput(raw), deps);
