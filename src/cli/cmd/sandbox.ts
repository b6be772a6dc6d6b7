// `rolehop sandbox`: runs the local Identity Center until Ctrl-C or SIGTERM.
import { ConfigError, RolehopError, UsageError } from '../../util/errors.ts';
import type { CommandRun } from '../spec.ts';

function numberOption(values: Record<string, unknown>, name: string, integer: boolean): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (
    typeof raw !== 'string' ||
    raw.trim() === '' ||
    !Number.isFinite(n) ||
    (integer && !Number.isInteger(n))
  ) {
    throw new UsageError(`--${name} must be a ${integer ? 'whole ' : ''}number (got "${String(raw)}")`, {
      hint: "run 'rolehop sandbox --help'",
    });
  }
  return n;
}

export const run: CommandRun = async (input, deps) => {
  const v = input.values;
  const options = {
    port: numberOption(v, 'port', true),
    accounts: numberOption(v, 'accounts', true),
    latencyMs: numberOption(v, 'latency-ms', false),
    throttleTps: numberOption(v, 'throttle-tps', false),
    failRate: numberOption(v, 'fail-rate', false),
    directory: typeof v.directory === 'string' ? v.directory : undefined,
    sts: typeof v.sts === 'string' ? v.sts : undefined,
    autoApprove: v['auto-approve'] === true,
  };
  const { startSandbox, describeSandbox, SandboxOptionError, DirectoryError } = await import(
    '../../sandbox/index.ts'
  );
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox(options);
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
  deps.stdout.write(`READY ${sandbox.port}\n${describeSandbox(sandbox)}`);
  deps.log.info(
    `rolehop sandbox: Identity Center at ${sandbox.url} (start URL ${sandbox.startUrl})` +
      `${options.autoApprove ? ', sign-ins approved automatically' : `; approve sign-ins at ${sandbox.url}/device`}. Ctrl-C stops it.`,
  );
  await new Promise<void>((resolve) => {
    if (deps.signal.aborted) return resolve();
    deps.signal.addEventListener('abort', () => resolve(), { once: true });
    // A service manager or test harness stops it with SIGTERM.
    process.once('SIGTERM', () => resolve());
  });
  await sandbox.close();
  deps.log.info('rolehop sandbox: stopped');
  return 0;
};
