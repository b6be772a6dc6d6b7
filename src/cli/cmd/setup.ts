import { loadConfigView } from '../../config/load.ts';
import type { ProfileStyle } from '../../config/profile-layout.ts';
import { DEFAULT_TEMPLATE, renderTemplate } from '../../config/profile-names.ts';
import {
  nameFromStartUrl,
  pickSession,
  type SsoSessionRef,
  ssoSessionSection,
  validateStartUrl,
} from '../../config/sso-session.ts';
import { REFRESH_WINDOW_MS } from '../../sso/access-token.ts';
import { tokenRejectedAt } from '../../sso/rejected-token.ts';
import { readToken } from '../../sso/token-cache.ts';
import { RolehopError, UsageError } from '../../util/errors.ts';
import { isTerminal, readLine, targetOf } from '../command-target.ts';
import { findCommand } from '../commands.ts';
import type { Deps } from '../deps.ts';
import { parseCommandArgs } from '../main.ts';
import { checkProfileName, parseStyle } from '../profile-options.ts';
import { parseRegion } from '../region.ts';
import { type CommandInput, type CommandRun, firstPositional, flagOf, textOf } from '../spec.ts';

// `rolehop setup`: the guided first run (as `aws configure sso`). It asks only for what no flag
// gave, then runs the real commands: `login` signs in, the picker of the credential commands picks
// the account and role, `configure` writes the profile. Nothing here writes a file itself.

/** How many times a bad answer is asked again before setup gives up. */
const ATTEMPTS = 3;

/** Asks on stderr until `parse` accepts the answer (Enter takes the default shown in brackets). */
async function ask<T>(
  deps: Deps,
  question: string,
  fallback: string | undefined,
  parse: (answer: string) => T,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    deps.stderr.write(`${question}${fallback ? ` [${fallback}]` : ''}: `);
    const answer = (await readLine(deps.stdin, deps.signal)).trim() || fallback || '';
    try {
      if (answer === '') throw new UsageError(`setup needs an answer to "${question}"`);
      return parse(answer);
    } catch (error) {
      if (!(error instanceof RolehopError) || attempt >= ATTEMPTS) throw error;
      deps.stderr.write(`  ${error.message}${error.hint ? ` (${error.hint})` : ''}\n`);
    }
  }
}

/** What setup acts on, typed: the command line is read once, in parseSetupInput. */
export interface SetupInput {
  /** The profile to write; asked for when undefined (as are the others below). */
  name: string | undefined;
  style: ProfileStyle | undefined;
  startUrl: string | undefined;
  ssoRegion: string | undefined;
  ssoSession: string | undefined;
  /** --account with --role, or neither: then the picker. */
  accountRole: { account: string; role: string } | undefined;
  /** The profile's region (--region); asked for when undefined. */
  region: string | undefined;
  /** login's --device-code and --no-browser, passed on. */
  loginFlow: string[];
  /** --debug and --no-color, passed on to the commands setup runs. */
  globalArgs: string[];
}

export function parseSetupInput(raw: CommandInput): SetupInput {
  const named = firstPositional(raw, 'rolehop setup [NAME]');
  const name = named === undefined ? undefined : checkProfileName(named);
  const styleName = textOf(raw, 'style');
  const style = styleName === undefined ? undefined : parseStyle(styleName);
  const startUrl = textOf(raw, 'start-url');
  if (startUrl !== undefined) validateStartUrl(startUrl);
  const ssoRegion = parseRegion(textOf(raw, 'sso-region'), '--sso-region');
  const account = textOf(raw, 'account');
  const role = textOf(raw, 'role');
  if ((account === undefined) !== (role === undefined)) {
    throw new UsageError(account === undefined ? '--role needs --account' : '--account needs --role', {
      hint: 'give both, or neither and pick from the list',
    });
  }
  return {
    name,
    style,
    startUrl,
    ssoRegion,
    ssoSession: textOf(raw, 'sso-session'),
    accountRole: account !== undefined && role !== undefined ? { account, role } : undefined,
    region: raw.globals.region,
    loginFlow: [
      ...(flagOf(raw, 'device-code') ? ['--device-code'] : []),
      ...(flagOf(raw, 'no-browser') ? ['--no-browser'] : []),
    ],
    globalArgs: [...(raw.globals.debug ? ['--debug'] : []), ...(raw.globals.color ? [] : ['--no-color'])],
  };
}

/** Runs another command with the arguments setup gathered, as if typed (same checks, same output). */
async function runCommand(name: string, args: string[], input: SetupInput, deps: Deps): Promise<number> {
  const spec = findCommand(name)!;
  const { run } = await spec.load();
  return (await run(parseCommandArgs(spec, [...args, ...input.globalArgs]), deps)) ?? 0;
}

/** The sso-session to sign in to: from --sso-session, else the start URL and region (asked if missing). */
async function chooseSession(input: SetupInput, deps: Deps): Promise<SsoSessionRef> {
  const view = loadConfigView(deps.env);
  const named = input.ssoSession;
  let startUrl = input.startUrl;
  if (named && ssoSessionSection(view, named) && startUrl === undefined) return pickSession(view, named);
  const known = Object.keys(view.ssoSessions).map((n) => {
    try {
      return pickSession(view, n);
    } catch {
      return undefined;
    }
  });
  const only = known.length === 1 ? known[0] : undefined;
  startUrl ??= await ask(deps, 'SSO start URL', only?.startUrl, validateStartUrl);
  const existing = known.find((s) => s?.startUrl === startUrl);
  let region = input.ssoRegion;
  region ??= await ask(deps, 'SSO region', existing?.region, (a) => parseRegion(a, 'the SSO region')!);
  const name =
    named ?? (existing?.region === region ? existing.name : undefined) ?? nameFromStartUrl(startUrl);
  return { name, startUrl, region };
}

/** A token that will last a while and that the portal has not refused: no new sign-in needed. */
function signedIn(session: SsoSessionRef, deps: Deps): boolean {
  try {
    const token = readToken(deps.env, session);
    return (
      token !== undefined &&
      token.expiresAt - deps.now() >= REFRESH_WINDOW_MS &&
      tokenRejectedAt(deps.env, session, token.accessToken) === undefined
    );
  } catch {
    return false;
  }
}

export async function setup(input: SetupInput, deps: Deps): Promise<number> {
  if (!isTerminal(deps)) {
    throw new UsageError('setup asks questions and needs a terminal', {
      hint: 'in scripts: rolehop login --start-url URL --sso-region REGION --sso-session NAME, then rolehop configure NAME --sso-session NAME --account ACCOUNT --role ROLE [--style sso|process|credentials]',
    });
  }
  const session = await chooseSession(input, deps);
  if (signedIn(session, deps)) deps.stderr.write(`Already signed in to sso-session ${session.name}.\n`);
  else {
    const loginArgs = [
      '--start-url',
      session.startUrl,
      '--sso-region',
      session.region,
      '--sso-session',
      session.name!,
    ];
    const code = await runCommand('login', [...loginArgs, ...input.loginFlow], input, deps);
    if (code !== 0) return code;
  }

  // The picker (or --account/--role) of the credential commands, in the session just signed in to.
  const selection = {
    ssoSession: session.name!,
    ...input.accountRole,
    ...(input.region !== undefined ? { region: input.region } : {}),
  };
  const target = await targetOf({ selection }, deps, 'setup');
  const source = target.plan.source;
  if (source.kind !== 'sso') throw new RolehopError('setup expected an SSO account and role');
  const accountName = target.label.slice(0, target.label.lastIndexOf('/'));

  const region =
    input.region ??
    (await ask(deps, 'Default region for the profile', session.region, (a) => parseRegion(a, 'the region')!));
  const name =
    input.name ??
    (await ask(
      deps,
      'Profile name',
      renderTemplate(DEFAULT_TEMPLATE, {
        account_id: source.accountId,
        account_name: accountName,
        role_name: source.roleName,
        sso_session: session.name!,
        account_email: '',
      }),
      checkProfileName,
    ));
  const style =
    input.style ??
    (await ask(
      deps,
      'Profile style: sso (the AWS CLI and SDKs refresh it), process (credential_process) or credentials (keys in ~/.aws/credentials)',
      'sso',
      parseStyle,
    ));

  const configureArgs = [
    name,
    '--sso-session',
    session.name!,
    '--account',
    source.accountId,
    '--role',
    source.roleName,
    '--style',
    style,
    '--region',
    region,
  ];
  const code = await runCommand('configure', configureArgs, input, deps);
  if (code !== 0) return code;
  deps.stdout.write(`\nProfile "${name}" is ready. Try it:\n  aws s3 ls --profile ${name}\n`);
  return 0;
}

export const run: CommandRun = (raw, deps) => setup(parseSetupInput(raw), deps);
