import { envProfileName } from '../config/env-profile.ts';
import { isAccountId } from '../config/hop-rules.ts';
import type { ConfigView } from '../config/model.ts';
import type { Plan, Source } from '../config/plan.ts';
import { chooseRegion } from '../config/region.ts';
import { resolvePlan } from '../config/resolve.ts';
import { pickSession, type SsoSessionRef } from '../config/sso-session.ts';
import { webIdentityFromEnv } from '../config/web-identity-env.ts';
import type { Env } from '../util/env.ts';
import { ConfigError, UsageError } from '../util/errors.ts';
import { applyHops, parseHopOptions, type Selection } from './selection.ts';

// The one road from what a user named to a Plan: a profile, selectors in an sso-session, or (CLI on
// a terminal only) the picker. Every command and fromRolehop call planForSelection, so which profile
// "nothing named" means, and which region a plan gets, is decided here once.
// Network and terminal stay outside: account names and the picker arrive as callbacks.

/** An account and role in an sso-session, ids resolved: ready to become a Plan. */
export interface ResolvedAccount {
  session: SsoSessionRef;
  accountId: string;
  roleName: string;
  accountName?: string;
}

export interface TargetDeps {
  view: ConfigView;
  env: Env;
  /** The command, for hints (`rolehop env PROFILE`). */
  command: string;
  /** The fix to suggest when nothing is named (the library's differs from the CLI's). */
  noTargetHint?: string;
  /** An account name → its id, through the portal's account list. */
  resolveAccount: (
    session: SsoSessionRef,
    name: string,
  ) => Promise<{ accountId: string; accountName?: string | undefined }>;
  /** Asks for an account and role when nothing is named; only the CLI on a terminal has one. */
  pick?: (session: SsoSessionRef) => Promise<Omit<ResolvedAccount, 'session'>>;
}

export interface Target {
  plan: Plan;
  /** The profile name or `account/role`, for messages and ROLEHOP_EXEC. */
  label: string;
}

// Re-exported for cli/warm.ts, which imports it from here.
export { envProfileName };

/** A malformed account id or an empty role name is a config error here, not a portal 404 or 400. */
export function checkSsoSource(source: Source, profile: string): void {
  if (source.kind !== 'sso') return;
  if (!isAccountId(source.accountId)) {
    throw new ConfigError(
      `profile "${profile}" uses sso_account_id "${source.accountId}", which is not a 12-digit AWS account id`,
      { hint: "fix sso_account_id in the profile; 'rolehop ls' shows your account ids" },
    );
  }
  if (source.roleName.trim() === '') {
    throw new ConfigError(`profile "${profile}" uses an empty sso_role_name`, {
      hint: "set sso_role_name in the profile; 'rolehop ls' shows your roles",
    });
  }
}

/** A profile's plan with the selection's hops appended. */
export function planForProfile(view: ConfigView, sel: Selection & { profile: string }, env: Env): Plan {
  const options = parseHopOptions(sel);
  if (sel.account !== undefined || sel.role !== undefined) {
    throw new UsageError('give either a profile or --account/--role, not both', {
      hint: `drop the profile "${sel.profile}" to select by account, or drop --account/--role`,
    });
  }
  const plan = resolvePlan(view, sel.profile, {
    env,
    ...(sel.region ? { regionOverride: sel.region } : {}),
  });
  checkSsoSource(plan.source, sel.profile);
  return applyHops(plan, options);
}

/** A plan from an account and role in an sso-session (ids already resolved), plus hops. */
export function planForAccount(target: ResolvedAccount, sel: Selection, view: ConfigView, env: Env): Plan {
  const options = parseHopOptions(sel);
  const source: Source = {
    kind: 'sso',
    startUrl: target.session.startUrl,
    ssoRegion: target.session.region,
    accountId: target.accountId,
    roleName: target.roleName,
    ...(target.session.name ? { session: target.session.name } : {}),
    ...(target.session.scopes ? { registrationScopes: target.session.scopes } : {}),
  };
  const region = chooseRegion(view, env, { override: sel.region, signIn: source })?.value;
  return applyHops({ source, hops: [], ...(region ? { region } : {}) }, options);
}

/** A plan from the environment's web identity (nothing named: the SDKs' default chain), plus hops. */
export function planForWebIdentity(
  source: Extract<Source, { kind: 'web-identity' }>,
  sel: Selection,
  view: ConfigView,
  env: Env,
): Plan {
  const options = parseHopOptions(sel);
  const region = chooseRegion(view, env, { override: sel.region })?.value;
  return applyHops({ source, hops: [], ...(region ? { region } : {}) }, options);
}

/** `--account ID|NAME --role R [--sso-session S]` with the account id known (names looked up). */
export async function accountInSession(
  view: ConfigView,
  sel: { ssoSession?: string | undefined; account: string; role: string },
  resolveAccount: TargetDeps['resolveAccount'],
): Promise<ResolvedAccount> {
  const session = pickSession(view, sel.ssoSession);
  if (isAccountId(sel.account)) return { session, accountId: sel.account, roleName: sel.role };
  const { accountId, accountName } = await resolveAccount(session, sel.account);
  return { session, accountId, roleName: sel.role, ...(accountName ? { accountName } : {}) };
}

/** The usage error for "nothing selected" (no terminal for the picker, no default profile). */
export function noTargetError(command: string, hint?: string): UsageError {
  return new UsageError('no profile or account selected', {
    hint:
      hint ??
      `name a profile (rolehop ${command} PROFILE) or select with --account ID|NAME --role NAME; 'rolehop ls' lists them (the interactive picker needs a terminal)`,
  });
}

/** The label of an account × role target (ROLEHOP_EXEC, exec --each): the account's name or id, then the role. */
export function accountRoleLabel(account: string, roleName: string): string {
  return `${account}/${roleName}`;
}

function profileTarget(view: ConfigView, sel: Selection, profile: string, env: Env): Target {
  return { plan: planForProfile(view, { ...sel, profile }, env), label: profile };
}

/**
 * The Plan a selection names. A named profile wins; with no profile and no selectors
 * (--sso-session, --account, --role) the environment's profile, then the environment's web
 * identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN; --assume chains from it); then the picker
 * when there is one; then the `default` profile when it exists.
 */
export async function planForSelection(sel: Selection, deps: TargetDeps): Promise<Target> {
  const { view, env, command } = deps;
  if (sel.profile !== undefined) return profileTarget(view, sel, sel.profile, env);
  const selectors = sel.ssoSession !== undefined || sel.account !== undefined || sel.role !== undefined;
  if (!selectors) {
    const named = envProfileName(env);
    if (named !== undefined) return profileTarget(view, sel, named, env);
    // Web identity before `default`, unlike the SDKs' chain (which tries an ini `default` first):
    // the token variables are set on purpose by CI or EKS, while a [default] profile is often only a
    // region line that would fail where the token works. AWS_PROFILE still wins, as it is named too.
    const webIdentity = webIdentityFromEnv(env);
    if (webIdentity) return { plan: planForWebIdentity(webIdentity, sel, view, env), label: 'web identity' };
    if (!deps.pick && Object.hasOwn(view.profiles, 'default'))
      return profileTarget(view, sel, 'default', env);
  }
  if ((sel.account === undefined) !== (sel.role === undefined)) {
    throw new UsageError(sel.account === undefined ? '--role needs --account' : '--account needs --role', {
      hint: "select with --account ID|NAME --role NAME; 'rolehop ls' lists your accounts and roles",
    });
  }
  if (sel.account === undefined && !deps.pick) {
    if (sel.assume?.length) {
      throw new UsageError('--assume needs credentials to start from', {
        hint: `name a profile (rolehop ${command} PROFILE --assume ARN) or add --account ID|NAME --role NAME`,
      });
    }
    throw noTargetError(command, deps.noTargetHint);
  }
  // Validate hop options before any network call (name lookups, the picker, sign-in).
  applyHops({ source: { kind: 'env' }, hops: [] }, parseHopOptions(sel));
  const chosen =
    sel.account === undefined
      ? await (async () => {
          const session = pickSession(view, sel.ssoSession);
          return { session, ...(await deps.pick!(session)) };
        })()
      : await accountInSession(view, { ...sel, account: sel.account, role: sel.role! }, deps.resolveAccount);
  const plan = planForAccount(chosen, sel, view, env);
  return { plan, label: accountRoleLabel(chosen.accountName ?? chosen.accountId, chosen.roleName) };
}
