import { loadConfigView } from '../config/load.ts';
import type { ConfigView } from '../config/model.ts';
import type { SsoSessionRef } from '../config/sso-session.ts';
import { runPlan } from '../creds/index.ts';
import type { Selection } from '../creds/selection.ts';
import { type Target as PlannedTarget, planForSelection } from '../creds/target.ts';
import type { Credentials } from '../creds/types.ts';
import type { GetAccessTokenOptions } from '../sso/access-token.ts';
import type { SsoDeps } from '../sso/deps.ts';
import { validateMfaCode } from '../sts/validate.ts';
import { parseDurationSeconds } from '../util/duration.ts';
import { InterruptedError, UsageError } from '../util/errors.ts';
import { openBrowser, prefersDeviceCode } from './browser.ts';
import type { Deps } from './deps.ts';
import { type CommandInput, stringValue } from './spec.ts';
import { ssoDepsFor } from './sso-deps.ts';

// What the credential commands share: the selection from the command line, the plan it names
// (profile, selectors or the picker) and the runPlan deps (sso source, MFA prompt, min-ttl).
// The account list, picker and portal are imported on demand: a cache hit loads none of them.

export interface Target extends PlannedTarget {
  view: ConfigView;
}

export interface CredentialOptions {
  /** Sign in (browser/device) when there is no usable token; never for credential-process. */
  allowLogin?: boolean;
}

/** The selectors of a command line (design.md), unvalidated. */
export function selectionOf(input: CommandInput): Selection {
  const v = input.values;
  const sel: Selection = {};
  const profile = input.positionals[0] ?? input.globals.profile;
  if (profile !== undefined) sel.profile = profile;
  const set = <K extends keyof Selection>(key: K, value: Selection[K] | undefined) => {
    if (value !== undefined) sel[key] = value;
  };
  set('ssoSession', stringValue(v['sso-session']));
  set('account', stringValue(v.account));
  set('role', stringValue(v.role));
  set('assume', Array.isArray(v.assume) ? v.assume : undefined);
  set('externalId', stringValue(v['external-id']));
  set('mfaSerial', stringValue(v['mfa-serial']));
  set('sessionName', stringValue(v['session-name']));
  set('duration', stringValue(v.duration));
  set('sourceIdentity', stringValue(v['source-identity']));
  set('tags', Array.isArray(v.tag) ? v.tag : undefined);
  set('region', input.globals.region);
  return sel;
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
  input: CommandInput,
  deps: Deps,
  command: string,
  options: { picker?: boolean } & CredentialOptions = {},
): Promise<Target> {
  if (input.positionals.length > 1) {
    throw new UsageError(`unexpected argument "${input.positionals[1]}"`, {
      hint: `rolehop ${command} takes one PROFILE; run 'rolehop ${command} --help'`,
    });
  }
  checkCredentialOptions(input);
  const view = loadConfigView(deps.env);
  const sso = ssoDepsFor(deps, view);
  const token = tokenOptions(deps, options);
  const picker = options.picker !== false && isTerminal(deps);
  const target = await planForSelection(selectionOf(input), {
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
  input: CommandInput,
  deps: Deps,
  view: ConfigView,
  options: CredentialOptions = {},
) {
  const mfaCode = stringValue(input.values['mfa-code']);
  const minTtl = stringValue(input.values['min-ttl']);
  return {
    env: deps.env,
    now: deps.now,
    log: deps.log,
    view,
    signal: deps.signal,
    ...(minTtl !== undefined ? { minTtlSeconds: parseDurationSeconds(minTtl, '--min-ttl') } : {}),
    ...(mfaCode !== undefined ? { mfaCode: validateMfaCode(mfaCode) } : {}),
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

/** Validates the non-selector options (min-ttl, mfa-code) up front, before any network call. */
export function checkCredentialOptions(input: CommandInput): void {
  const minTtl = stringValue(input.values['min-ttl']);
  if (minTtl !== undefined) parseDurationSeconds(minTtl, '--min-ttl');
  const mfaCode = stringValue(input.values['mfa-code']);
  if (mfaCode !== undefined) validateMfaCode(mfaCode);
}

/** Credentials for a target: runs its plan through the shared cache and single-flight locks. */
export async function credentialsOf(
  target: Target,
  input: CommandInput,
  deps: Deps,
  options: CredentialOptions = {},
): Promise<Credentials> {
  return runPlan(target.plan, runPlanDeps(input, deps, target.view, options));
}
