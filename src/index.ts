// The library entry: `import { fromRolehop } from 'rolehop'`.

import { loadConfigView } from './config/load.ts';
import type { Plan } from './config/plan.ts';
import { runPlan } from './creds/index.ts';
import type { Selection } from './creds/selection.ts';
import { planForSelection } from './creds/target.ts';
import { resolveAccountId } from './sso/account-list.ts';
import type { Env } from './util/env.ts';
import { type Logger, silentLogger } from './util/log.ts';

export type { AssumeRoleHop, Plan, Source } from './config/plan.ts';
export type { Selection } from './creds/selection.ts';
export * from './util/errors.ts';

/** The credentials a provider resolves to: the shape of the AWS SDK v3's `AwsCredentialIdentity`. */
export interface RolehopCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Assignable to the AWS SDK v3's `AwsCredentialIdentityProvider`. */
export type RolehopCredentialProvider = () => Promise<RolehopCredentials>;

export interface FromRolehopOptions extends Selection {
  /** Environment to read AWS_* variables, HOME and endpoint overrides from (default process.env). */
  env?: Env;
  /** Refresh cached credentials that have less than this many seconds left (default: the runner's). */
  minTtlSeconds?: number;
  /** MFA code for a hop with mfa_serial, or a function asked for one when needed. */
  mfaCode?: string | ((serial: string) => Promise<string>);
  /** Diagnostics (default: silent). */
  logger?: Logger;
  signal?: AbortSignal;
}

/**
 * An AWS SDK v3 credential provider backed by rolehop's Plan runner, cache and cross-process locks:
 * a profile (`'prod-deploy'` or `{ profile }`) or selectors (`{ account, role, assume }`). It never
 * signs in: run `rolehop login` first (a missing sign-in rejects with SignInRequiredError).
 *
 * ```ts
 * const sts = new STSClient({ credentials: fromRolehop({ account: 'prod', role: 'ReadOnly' }) });
 * ```
 */
export function fromRolehop(options: FromRolehopOptions | string = {}): RolehopCredentialProvider {
  const opts: FromRolehopOptions = typeof options === 'string' ? { profile: options } : options;
  const env = opts.env ?? process.env;
  const log = opts.logger ?? silentLogger;
  const now = () => Date.now();
  let planned: Promise<{ plan: Plan; view: ReturnType<typeof loadConfigView> }> | undefined;

  // The CLI's road without the picker: a profile, selectors, AWS_PROFILE, AWS_DEFAULT_PROFILE, `default`.
  const makePlan = async () => {
    const view = loadConfigView(env);
    const { plan } = await planForSelection(opts, {
      view,
      env,
      command: 'env',
      noTargetHint:
        "pass fromRolehop('PROFILE') or fromRolehop({ account: 'ID|NAME', role: 'NAME' }), or define a [default] profile",
      resolveAccount: (session, name) => resolveAccountId(session, name, { env, now, log, view }),
    });
    return { plan, view };
  };

  return async () => {
    // The plan is resolved once (config read, names looked up); credentials on every call, from cache.
    planned ??= makePlan();
    let ready: Awaited<typeof planned>;
    try {
      ready = await planned;
    } catch (error) {
      planned = undefined;
      throw error;
    }
    const mfa = opts.mfaCode;
    const creds = await runPlan(ready.plan, {
      env,
      now,
      log,
      view: ready.view,
      ...(opts.minTtlSeconds !== undefined ? { minTtlSeconds: opts.minTtlSeconds } : {}),
      ...(typeof mfa === 'string' ? { mfaCode: mfa } : {}),
      ...(typeof mfa === 'function' ? { promptMfa: mfa } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return {
      accessKeyId: creds.accessKeyId,
      secretAccessKey: creds.secretAccessKey,
      ...(creds.sessionToken ? { sessionToken: creds.sessionToken } : {}),
      ...(creds.expiration ? { expiration: creds.expiration } : {}),
    };
  };
}
