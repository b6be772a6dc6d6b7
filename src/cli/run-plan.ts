import { loadConfigView } from '../config/load.ts';
import type { ConfigView } from '../config/model.ts';
import type { Plan } from '../config/plan.ts';
import { webIdentityFromEnv } from '../config/web-identity-env.ts';
import { runPlan } from '../creds/index.ts';
import {
  ACCOUNT_ID,
  applyHops,
  noTargetError,
  parseHopOptions,
  planForAccount,
  planForProfile,
  planForWebIdentity,
  type Selection,
} from '../creds/selection.ts';
import type { Credentials } from '../creds/types.ts';
import type { GetAccessTokenOptions } from '../sso/access-token.ts';
import type { getRoleCredentials } from '../sso/portal.ts';
import { pickSession } from '../sso/session.ts';
import { validateMfaCode } from '../sts/validate.ts';
import { parseDurationSeconds } from '../util/duration.ts';
import { InterruptedError, UsageError } from '../util/errors.ts';
import { prefersDeviceCode } from './browser.ts';
import type { Deps } from './deps.ts';
import type { CommandInput } from './spec.ts';
import { ssoDepsFor } from './sso-deps.ts';

// What the credential commands share: the selection from the command line, the plan it names
// (profile, selectors or the picker) and the runPlan deps (sso source, MFA prompt, min-ttl).
// The account list, picker and portal are imported on demand: a cache hit loads none of them.

export interface Target {
  plan: Plan;
  view: ConfigView;
  /** The profile name or `account/role`, for messages and ROLEHOP_EXEC. */
  label: string;
}

export interface CredentialOptions {
  /** Sign in (browser/device) when there is no usable token; never for credential-process. */
  allowLogin?: boolean;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
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
  set('ssoSession', str(v['sso-session']));
  set('account', str(v.account));
  set('role', str(v.role));
  set('assume', Array.isArray(v.assume) ? v.assume : undefined);
  set('externalId', str(v['external-id']));
  set('mfaSerial', str(v['mfa-serial']));
  set('sessionName', str(v['session-name']));
  set('duration', str(v.duration));
  set('sourceIdentity', str(v['source-identity']));
  set('tags', Array.isArray(v.tag) ? v.tag : undefined);
  set('region', input.globals.region);
  return sel;
}

/** Both a keyboard and a screen: the picker and prompts can be used. */
export function isTerminal(deps: Deps): boolean {
  return deps.stdin.isTTY === true && deps.stderr.isTTY === true;
}

/**
 * The plan a command line names: a profile (positional, --profile, then AWS_PROFILE when no
 * account is selected), --account/--role in an sso-session, or the picker on a terminal.
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
  const sel = selectionOf(input);
  if (
    sel.profile === undefined &&
    sel.account === undefined &&
    sel.role === undefined &&
    deps.env.AWS_PROFILE
  ) {
    sel.profile = deps.env.AWS_PROFILE;
  }
  const view = loadConfigView(deps.env);
  if (sel.profile !== undefined) {
    const plan = planForProfile(view, { ...sel, profile: sel.profile }, deps.env);
    return { plan, view, label: sel.profile };
  }
  if ((sel.account === undefined) !== (sel.role === undefined)) {
    throw new UsageError(sel.account === undefined ? '--role needs --account' : '--account needs --role', {
      hint: "select with --account ID|NAME --role NAME; 'rolehop ls' lists your accounts and roles",
    });
  }
  // The SDKs' default chain ends with web identity from the environment (CI, EKS): --assume chains from it.
  const webIdentity =
    sel.account === undefined && sel.ssoSession === undefined ? webIdentityFromEnv(deps.env) : undefined;
  if (webIdentity)
    return { plan: planForWebIdentity(webIdentity, sel, deps.env), view, label: 'web identity' };
  if (sel.account === undefined && sel.assume?.length && !(options.picker !== false && isTerminal(deps))) {
    throw new UsageError('--assume needs credentials to start from', {
      hint: `name a profile (rolehop ${command} PROFILE --assume ARN) or add --account ID|NAME --role NAME`,
    });
  }
  if (sel.account === undefined && !(options.picker !== false && isTerminal(deps))) {
    throw noTargetError(command);
  }
  // Validate hop options before any network call (name lookups, the picker, sign-in).
  applyHops({ source: { kind: 'env' }, hops: [] }, parseHopOptions(sel));
  const session = pickSession(view, sel.ssoSession);
  const sso = ssoDepsFor(deps, view);
  const token = tokenOptions(deps, options);
  let accountId: string;
  let roleName: string;
  let accountName: string | undefined;
  if (sel.account !== undefined) {
    if (ACCOUNT_ID.test(sel.account)) accountId = sel.account;
    else {
      const { resolveAccountId } = await import('../sso/account-list.ts');
      ({ accountId, accountName } = await resolveAccountId(session, sel.account, sso, { token }));
    }
    roleName = sel.role!;
  } else {
    const { listAccountsWithRoles } = await import('../sso/account-list.ts');
    const { pick } = await import('./picker.ts');
    const { accounts } = await listAccountsWithRoles(session, sso, { token });
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
    ({ accountId, roleName, accountName } = chosen);
    history.recordPick(keyOf(chosen), deps.env, deps.now(), (m) => deps.log.warn(m));
    deps.stderr.write(`Selected ${accountName ?? accountId} (${accountId}) ${roleName}\n`);
  }
  const plan = planForAccount({ session, accountId, roleName }, sel, deps.env);
  return { plan, view, label: `${accountName ?? accountId}/${roleName}` };
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
  const mfaCode = str(input.values['mfa-code']);
  const minTtl = str(input.values['min-ttl']);
  const sso = ssoDepsFor(deps, view);
  return {
    env: deps.env,
    now: deps.now,
    log: deps.log,
    view,
    signal: deps.signal,
    ...(minTtl !== undefined ? { minTtlSeconds: parseDurationSeconds(minTtl, '--min-ttl') } : {}),
    ...(mfaCode !== undefined ? { mfaCode: validateMfaCode(mfaCode) } : {}),
    sso: {
      getRoleCredentials: async (
        source: Parameters<typeof getRoleCredentials>[0],
        o?: { profile?: string },
      ) => {
        const portal = await import('../sso/portal.ts');
        const ssoOfProfile = o?.profile !== undefined ? { ...sso, profile: o.profile } : sso;
        return portal.getRoleCredentials(source, ssoOfProfile, tokenOptions(deps, options));
      },
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
  const minTtl = str(input.values['min-ttl']);
  if (minTtl !== undefined) parseDurationSeconds(minTtl, '--min-ttl');
  const mfaCode = str(input.values['mfa-code']);
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
