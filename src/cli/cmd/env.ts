import { defaultShellFormat, formatEnv, formatUnsetEnv, parseEnvFormat } from '../../emit/index.ts';
import { credentialsOf, isTerminal, targetOf } from '../run-plan.ts';
import type { CommandRun } from '../spec.ts';

// Method 01: the exports for `eval "$(rolehop env …)"`. Only shell code reaches stdout.

export const run: CommandRun = async (input, deps) => {
  const formatName = input.values.format;
  const format = typeof formatName === 'string' ? parseEnvFormat(formatName) : defaultShellFormat(deps.env);
  if (input.values.unset === true) {
    deps.stdout.write(formatUnsetEnv(format));
    return 0;
  }
  const allowLogin = isTerminal(deps);
  const target = await targetOf(input, deps, 'env', { allowLogin });
  const creds = await credentialsOf(target, input, deps, { allowLogin });
  deps.stdout.write(formatEnv(format, creds, target.plan.region ? { region: target.plan.region } : {}));
  return 0;
};
