import { clientSettings } from '../../config/endpoints.ts';
import { describePlan } from '../../creds/selection.ts';
import { isoSeconds } from '../../emit/index.ts';
import { getCallerIdentity } from '../../sts/assume-role.ts';
import { formatDuration } from '../../util/duration.ts';
import { terminalSafe } from '../../util/terminal-text.ts';
import {
  type CredentialInput,
  credentialsOf,
  isTerminal,
  parseCredentialInput,
  targetOf,
} from '../command-target.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, flagOf } from '../spec.ts';

// STS GetCallerIdentity with the resolved credentials: who the plan actually makes you.

/** What whoami acts on, typed: the command line is read once, in parseWhoamiInput. */
export interface WhoamiInput {
  credentials: CredentialInput;
  json: boolean;
}

export function parseWhoamiInput(raw: CommandInput): WhoamiInput {
  return { credentials: parseCredentialInput(raw, 'whoami'), json: flagOf(raw, 'json') };
}

export async function whoami(input: WhoamiInput, deps: Deps): Promise<number> {
  const allowLogin = isTerminal(deps);
  const target = await targetOf(input.credentials, deps, 'whoami', { allowLogin });
  const creds = await credentialsOf(target, input.credentials, deps, { allowLogin });
  const region = target.plan.region ?? 'us-east-1';
  const identity = await getCallerIdentity(creds, region, {
    client: clientSettings('STS', deps.env, target.view, target.plan.profile),
    signal: deps.signal,
  });
  if (input.json) {
    deps.stdout.write(
      `${JSON.stringify({ Account: identity.account, Arn: identity.arn, UserId: identity.userId }, null, 2)}\n`,
    );
    return 0;
  }
  const lines = [
    `Account:  ${identity.account}`,
    `Arn:      ${identity.arn}`,
    `UserId:   ${identity.userId}`,
    `Source:   ${describePlan(target.plan)}`,
  ];
  if (creds.expiration) {
    const left = (creds.expiration.getTime() - deps.now()) / 1000;
    lines.push(`Expires:  ${isoSeconds(creds.expiration)} (in ${formatDuration(left)})`);
  }
  // The identity is STS's text (any endpoint override's): no terminal controls get through.
  deps.stdout.write(`${terminalSafe(lines.join('\n'))}\n`);
  return 0;
}

export const run: CommandRun = (raw, deps) => whoami(parseWhoamiInput(raw), deps);
