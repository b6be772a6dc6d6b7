import {
  containerEnvAssignments,
  defaultShellFormat,
  formatAssignments,
  formatEnv,
  formatUnsetEnv,
  parseEnvFormat,
} from '../../emit/index.ts';
import type { Env } from '../../util/env.ts';
import { UsageError } from '../../util/errors.ts';
import { credentialsOf, isTerminal, targetOf } from '../command-target.ts';
import { findCommand } from '../commands.ts';
import { parseCommandArgs } from '../main.ts';
import type { CommandInput, CommandRun } from '../spec.ts';
import { decodeTargetWords, encodeTargetWords, targetWordsOf } from '../target-words.ts';

// Method 01: the exports for `eval "$(rolehop env …)"`. Only shell code reaches stdout.

/** `--again`: the command line $ROLEHOP_TARGET records, with this call's --format and --debug. */
function againInput(input: CommandInput, env: Env): CommandInput {
  const words = env.ROLEHOP_TARGET ? decodeTargetWords(env.ROLEHOP_TARGET) : undefined;
  if (!words) {
    throw new UsageError('--again needs ROLEHOP_TARGET, which rolehop env sets in the shell it exports to', {
      hint: 'run eval "$(rolehop env PROFILE)" first',
    });
  }
  const named = parseCommandArgs(findCommand('env')!, words);
  const { format, agent } = input.values;
  // The hook's margin replaces the recorded --min-ttl: it must not be handed back the same keys.
  const minTtl = input.values['min-ttl'] ?? named.values['min-ttl'];
  return {
    ...named,
    values: { ...named.values, format, agent, 'min-ttl': minTtl },
    globals: { ...input.globals, profile: named.globals.profile, region: named.globals.region },
  };
}

export const run: CommandRun = async (given, deps) => {
  const input = given.values.again === true ? againInput(given, deps.env) : given;
  const formatName = input.values.format;
  const format = typeof formatName === 'string' ? parseEnvFormat(formatName) : defaultShellFormat(deps.env);
  if (input.values.unset === true) {
    deps.stdout.write(formatUnsetEnv(format));
    return 0;
  }
  const allowLogin = isTerminal(deps);
  const target = await targetOf(input, deps, 'env', { allowLogin });
  // Fetched with --agent too: a sign-in or MFA code is asked for here, where a terminal is.
  const creds = await credentialsOf(target, input, deps, { allowLogin });
  const words = encodeTargetWords(targetWordsOf(input, target.plan));
  if (input.values.agent === true) {
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
};
