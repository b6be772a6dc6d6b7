import { loadConfigView } from '../config/load.ts';
import type { ConfigView } from '../config/model.ts';
import type { SsoSessionRef } from '../config/sso-session.ts';
import { runPlan } from '../creds/index.ts';
import { parseHopOptions, type Selection } from '../creds/selection.ts';
import { type Target as PlannedTarget, planForSelection } from '../creds/target.ts';
import type { Credentials } from '../creds/types.ts';
import type { GetAccessTokenOptions } from '../sso/access-token.ts';
import type { SsoDeps } from '../sso/deps.ts';
import { validateMfaCode } from '../sts/validate.ts';
import { InterruptedError, UsageError } from '../util/errors.ts';
import { openBrowser, prefersDeviceCode } from './browser.ts';
import type { Deps } from './deps.ts';
import { type CommandInput, durationOf, firstPositional, listOf, textOf } from './spec.ts';
import { ssoDepsFor } from './sso-deps.ts';

// What the credential commands share: the typed selection from the command line, the plan it names
// (profile, selectors or the picker) and the runPlan deps (sso source, MFA prompt, min-ttl).
// The account list, picker and portal are imported on demand: a cache hit loads none of them.

export interface Target extends PlannedTarget {
  view: ConfigView;
}

export interface CredentialOptions {
  /** Sign in (browser/device) when there is no usable token; never for credential-process. */
  allowLogin?: boolean;
}

/** How a target's credentials are fetched (not which): --min-ttl and --mfa-code, checked. */
export interface FetchInput {
  /** Cached credentials with less than this left are fetched again. */
  minTtlSeconds?: number;
  /** Used for the MFA device of the plan instead of asking on the terminal. */
  mfaCode?: string;
}

/** What a credential command reads from its command line, typed once by parseCredentialInput. */
export interface CredentialInput extends FetchInput {
  /** The profile (PROFILE, else --profile), the selectors and --region (design.md). */
  selection: Selection;
}

/** --min-ttl and --mfa-code, checked before any network call or file change. */
export function parseFetchInput(raw: CommandInput): FetchInput {
  const minTtlSeconds = durationOf(raw, 'min-ttl');
  const mfaCode = textOf(raw, 'mfa-code');
  return {
    ...(minTtlSeconds !== undefined ? { minTtlSeconds } : {}),
    ...(mfaCode !== undefined ? { mfaCode: validateMfaCode(mfaCode) } : {}),
  };
}

/** Selection fields from a command line's values, leaving out what was not given. */
function given(fields: Selection): Selection {
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
}

/** The hop options (--assume and what shapes its hops), as given: parseHopOptions checks them. */
export function hopSelectionOf(raw: CommandInput): Selection {
  return given({
    assume: listOf(raw, 'assume'),
    externalId: textOf(raw, 'external-id'),
    mfaSerial: textOf(raw, 'mfa-serial'),
    sessionName: textOf(raw, 'session-name'),
    duration: textOf(raw, 'duration'),
    sourceIdentity: textOf(raw, 'source-identity'),
    tags: listOf(raw, 'tag'),
  });
}

/** The target and fetch options of a credential command's line (`command` names it in errors). */
export function parseCredentialInput(raw: CommandInput, command: string): CredentialInput {
  const profile = firstPositional(
    raw,
    `rolehop ${command} takes one PROFILE; run 'rolehop ${command} --help'`,
  );
  const selection = given({
    profile: profile ?? raw.globals.profile,
    ssoSession: textOf(raw, 'sso-session'),
    account: textOf(raw, 'account'),
    role: textOf(raw, 'role'),
    ...hopSelectionOf(raw),
    region: raw.globals.region,
  });
  // The shapes of the hop options (a bad --duration, --tag, role ARN): whether they fit the
  // plan they extend is planForSelection's check.
  parseHopOptions(selection);
  return { selection, ...parseFetchInput(raw) };
}

/** Both a keyboard and a screen: the picker and prompts can be used. */
export function isTerminal(deps: Deps): boolean {
  return deps.stdin.isTTY === true && deps.stderr.isTTY === true;
}

/** The road's picker: every account × role of the session, chosen on the terminal. */
async function pickAccountRole(
  session: SsoSessionRef,
  sso: SsoDeps,
  token: GetAccessTokenOptions,
  deps: Deps,
) {
  const { listAccountsWithRoles } = await import('../sso/account-list.ts');
  const { pick } = await import('./picker.ts');
  const { accounts } = await listAccountsWithRoles(session, sso, { token });
  // Recently picked roles first (cli/pick-history.ts); the search also matches account emails.
  const history = await import('./pick-history.ts');
  const keyOf = (v: { accountId: string; roleName: string }) =>
    `${session.startUrl} ${v.accountId} ${v.roleName}`;
  const items = history.rankByHistory(
    accounts.flatMap((a) =>
      a.roles.map((r) => {
        const label = `${(a.accountName ?? a.accountId).padEnd(24)} ${a.accountId}  ${r}`;
        return {
          label,
          search: `${label} ${a.emailAddress ?? ''}`.toLowerCase(),
          value: { accountId: a.accountId, accountName: a.accountName, roleName: r },
        };
      }),
    ),
    keyOf,
    deps.env,
    deps.now(),
  );
  if (items.length === 0) {
    throw new UsageError('no account or role is assigned to you in this sso-session', {
      hint: 'ask your administrator for an assignment',
    });
  }
  const chosen = await pick('account and role:', items, { input: deps.stdin, output: deps.stderr });
  history.recordPick(keyOf(chosen), deps.env, deps.now(), (m) => deps.log.warn(m));
  deps.stderr.write(
    `Selected ${chosen.accountName ?? chosen.accountId} (${chosen.accountId}) ${chosen.roleName}\n`,
  );
  return {
    accountId: chosen.accountId,
    roleName: chosen.roleName,
    ...(chosen.accountName ? { accountName: chosen.accountName } : {}),
  };
}

/**
 * The plan a command line names, through the one road (creds/target.ts): a profile, selectors,
 * or the picker on a terminal; names are looked up in the portal's account list on demand.
 */
export async function targetOf(
  input: CredentialInput,
  deps: Deps,
  command: string,
  options: { picker?: boolean } & CredentialOptions = {},
): Promise<Target> {
  const view = loadConfigView(deps.env);
  const sso = ssoDepsFor(deps, view);
  const token = tokenOptions(deps, options);
  const picker = options.picker !== false && isTerminal(deps);
  const target = await planForSelection(input.selection, {
    view,
    env: deps.env,
    command,
    resolveAccount: async (session, name) => {
      const { resolveAccountId } = await import('../sso/account-list.ts');
      return resolveAccountId(session, name, sso, { token });
    },
    ...(picker ? { pick: (session: SsoSessionRef) => pickAccountRole(session, sso, token, deps) } : {}),
  });
  return { ...target, view };
}

/** One line from the terminal (a one-time code needs no hidden echo). */
export function readLine(stdin: Deps['stdin'], signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (fn: () => void) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      signal.removeEventListener('abort', onAbort);
      stdin.pause();
      fn();
    };
    const onData = (d: Buffer | string) => {
      text += d.toString();
      const nl = text.indexOf('\n');
      if (nl >= 0) done(() => resolve(text.slice(0, nl).replace(/\r$/, '')));
    };
    const onEnd = () => done(() => resolve(text));
    const onAbort = () =>
      done(() => reject(new InterruptedError('interrupted while waiting for an answer on the terminal')));
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    signal.addEventListener('abort', onAbort);
    stdin.resume();
  });
}

/** On a terminal a missing sign-in starts one, as `rolehop login` would (device code over SSH). */
function tokenOptions(deps: Deps, options: CredentialOptions): GetAccessTokenOptions {
  if (options.allowLogin !== true) return {};
  return { allowLogin: true, login: { flow: prefersDeviceCode({ env: deps.env }) ? 'device' : 'pkce' } };
}

/** The runPlan deps for a command: sso source through the token cache, MFA prompt, --min-ttl. */
export function runPlanDeps(
  input: FetchInput,
  deps: Deps,
  view: ConfigView,
  options: CredentialOptions = {},
) {
  return {
    env: deps.env,
    now: deps.now,
    log: deps.log,
    view,
    signal: deps.signal,
    ...(input.minTtlSeconds !== undefined ? { minTtlSeconds: input.minTtlSeconds } : {}),
    ...(input.mfaCode !== undefined ? { mfaCode: input.mfaCode } : {}),
    signIn: {
      token: tokenOptions(deps, options),
      stderr: deps.stderr,
      openBrowser: (url: string) => openBrowser(url, { env: deps.env }),
    },
    promptMfa: async (serial: string): Promise<string> => {
      if (!isTerminal(deps)) {
        throw new UsageError(`an MFA code is needed for ${serial} and there is no terminal to ask on`, {
          hint: 'pass --mfa-code 123456',
        });
      }
      deps.stderr.write(`MFA code for ${serial}: `);
      return validateMfaCode(await readLine(deps.stdin, deps.signal));
    },
  };
}

/** Credentials for a target: runs its plan through the shared cache and single-flight locks. */
export async function credentialsOf(
  target: Pick<Target, 'plan' | 'view'>,
  input: FetchInput,
  deps: Deps,
  options: CredentialOptions = {},
): Promise<Credentials> {
  return runPlan(target.plan, runPlanDeps(input, deps, target.view, options));
}
