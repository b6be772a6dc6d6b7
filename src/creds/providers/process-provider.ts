import { ConfigError, InterruptedError } from '../../util/errors.ts';
import { redactText, registerSecret } from '../../util/redact.ts';
import { splitCommandLine } from '../split-command.ts';
import type { RunPlanDeps } from '../types.ts';
import type { CredentialProvider } from './provider.ts';

interface ProcessOutput {
  Version?: unknown;
  AccessKeyId?: unknown;
  SecretAccessKey?: unknown;
  SessionToken?: unknown;
  Expiration?: unknown;
}

async function run(
  argv: string[],
  deps: RunPlanDeps,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Loaded here: every cold SSO or assume-role run imports this module, few ever spawn a process.
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    // stdin and the terminal stay with the user: the process may need to prompt (like botocore).
    const child = spawn(argv[0]!, argv.slice(1), {
      env: deps.env as NodeJS.ProcessEnv,
      stdio: ['inherit', 'pipe', 'pipe'],
      signal: deps.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** credential_process: run without a shell, read Version 1 JSON from stdout. */
export function processProvider(command: string, deps: RunPlanDeps, profile?: string): CredentialProvider {
  const where = profile ? `credential_process of profile ${profile}` : 'credential_process';
  return async () => {
    const argv = splitCommandLine(command);
    if (argv.length === 0)
      throw new ConfigError(`${where} is empty`, { hint: 'set it to a command that prints credentials' });
    let result: Awaited<ReturnType<typeof run>>;
    try {
      result = await run(argv, deps);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ABORT_ERR') throw new InterruptedError(`${where} was interrupted`);
      throw new ConfigError(`${where}: could not run "${argv[0]}" (${code ?? String(error)})`, {
        hint: code === 'ENOENT' ? 'check the program name and PATH (no shell is used)' : undefined,
        cause: error,
      });
    }
    if (result.code !== 0) {
      const tail = redactText(result.stderr.trim()).split('\n').slice(-5).join('\n');
      throw new ConfigError(`${where} exited with status ${result.code}${tail ? `: ${tail}` : ''}`, {
        hint: 'run the command yourself to see what it needs',
      });
    }
    let out: ProcessOutput;
    try {
      out = JSON.parse(result.stdout) as ProcessOutput;
    } catch {
      // Never echo stdout: it may hold secrets.
      throw new ConfigError(`${where} did not print JSON on stdout`, {
        hint: 'it must print {"Version": 1, "AccessKeyId": …, "SecretAccessKey": …}',
      });
    }
    if (out?.Version !== 1) {
      throw new ConfigError(
        `${where} printed Version ${JSON.stringify(out?.Version)}; only Version 1 is supported`,
      );
    }
    if (typeof out.SecretAccessKey === 'string') registerSecret(out.SecretAccessKey);
    if (typeof out.SessionToken === 'string') registerSecret(out.SessionToken);
    if (
      typeof out.AccessKeyId !== 'string' ||
      !out.AccessKeyId ||
      typeof out.SecretAccessKey !== 'string' ||
      !out.SecretAccessKey
    ) {
      throw new ConfigError(`${where} printed no AccessKeyId or SecretAccessKey`);
    }
    let expiration: Date | undefined;
    if (out.Expiration !== undefined && out.Expiration !== null) {
      expiration = new Date(String(out.Expiration));
      if (Number.isNaN(expiration.getTime())) {
        throw new ConfigError(
          `${where} printed an invalid Expiration; use ISO 8601 like 2026-01-02T03:04:05Z`,
        );
      }
    }
    return {
      accessKeyId: out.AccessKeyId,
      secretAccessKey: out.SecretAccessKey,
      sessionToken: typeof out.SessionToken === 'string' && out.SessionToken ? out.SessionToken : undefined,
      expiration,
    };
  };
}
