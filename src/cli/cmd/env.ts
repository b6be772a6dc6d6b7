import {
  containerEnvAssignments,
  defaultShellFormat,
  type EnvFormat,
  formatAssignments,
  formatEnv,
  formatUnsetEnv,
  parseEnvFormat,
} from '../../emit/index.ts';
import type { Env } from '../../util/env.ts';
import { UsageError } from '../../util/errors.ts';
import {
  type CredentialInput,
  credentialsOf,
  isTerminal,
  parseCredentialInput,
  targetOf,
} from '../command-target.ts';
import { findCommand } from '../commands.ts';
import type { Deps } from '../deps.ts';
import { parseCommandArgs } from '../main.ts';
import { type CommandInput, type CommandRun, flagOf, textOf } from '../spec.ts';
import { decodeTargetWords, encodeTargetWords, targetWords } from '../target-words.ts';

// Method 01: the exports for `eval "$(rolehop env …)"`. Only shell code reaches stdout.

/** What env acts on, typed: the command line is read once, in parseEnvInput. */
export interface EnvInput {
  /** undefined: the shell $SHELL names. */
  format: EnvFormat | undefined;
  agent: boolean;
  unset: boolean;
  /** Export again what $ROLEHOP_TARGET names instead of `credentials`' target. */
  again: boolean;
  credentials: CredentialInput;
}

export function parseEnvInput(raw: CommandInput): EnvInput {
  const format = textOf(raw, 'format');
  const unset = flagOf(raw, 'unset');
  const again = flagOf(raw, 'again');
  if (unset && again) {
    // --again exports a target again, --unset removes what was exported: one of them was meant.
    throw new UsageError('--unset does not go with --again', {
      hint: 'rolehop env --unset removes the exported keys; rolehop env --again exports them again',
    });
  }
  return {
    format: format === undefined ? undefined : parseEnvFormat(format),
    agent: flagOf(raw, 'agent'),
    unset,
    again,
    credentials: parseCredentialInput(raw, 'env'),
  };
}

/** `--again`: the command line $ROLEHOP_TARGET records, with this call's --format and --agent. */
function againInput(input: EnvInput, env: Env): EnvInput {
  const words = env.ROLEHOP_TARGET ? decodeTargetWords(env.ROLEHOP_TARGET) : undefined;
  if (!words) {
    throw new UsageError('--again needs ROLEHOP_TARGET, which rolehop env sets in the shell it exports to', {
      hint: 'run eval "$(rolehop env PROFILE)" first',
    });
  }
  const named = parseCredentialInput(parseCommandArgs(findCommand('env')!, words), 'env');
  // The hook's margin replaces the recorded --min-ttl: it must not be handed back the same keys.
  const minTtlSeconds = input.credentials.minTtlSeconds ?? named.minTtlSeconds;
  return {
    format: input.format,
    agent: input.agent,
    unset: false,
    again: false,
    credentials: { ...named, ...(minTtlSeconds !== undefined ? { minTtlSeconds } : {}) },
  };
}

export async function env(given: EnvInput, deps: Deps): Promise<number> {
  const input = given.again ? againInput(given, deps.env) : given;
  const format = input.format ?? defaultShellFormat(deps.env);
  if (input.unset) {
    deps.stdout.write(formatUnsetEnv(format));
    return 0;
  }
  const allowLogin = isTerminal(deps);
  const target = await targetOf(input.credentials, deps, 'env', { allowLogin });
  // Fetched with --agent too: a sign-in or MFA code is asked for here, where a terminal is.
  const creds = await credentialsOf(target, input.credentials, deps, { allowLogin });
  const words = encodeTargetWords(targetWords(input.credentials, target.plan));
  if (input.agent) {
    const { agentEndpointFor } = await import('../agent-client.ts');
    const endpoint = await agentEndpointFor(target, deps.env);
    deps.stdout.write(
      formatAssignments(format, containerEnvAssignments(endpoint, target.plan.region), words),
    );
    return 0;
  }
  deps.stdout.write(
    formatEnv(format, creds, {
      ...(target.plan.region ? { region: target.plan.region } : {}),
      target: words,
    }),
  );
  return 0;
}

export const run: CommandRun = (raw, deps) => env(parseEnvInput(raw), deps);
