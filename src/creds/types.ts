import type { ConfigView } from '../config/model.ts';
import type { Source } from '../config/plan.ts';
import type { GetAccessTokenOptions } from '../sso/access-token.ts';
import type { Credentials } from '../util/credentials.ts';
import type { Logger, TextSink } from '../util/log.ts';

/** Short-term (or static) AWS keys. Secret parts are registered with registerSecret when seen. */
export type { Credentials };

export type SsoSource = Extract<Source, { kind: 'sso' }>;

/** What the sso layer provides: role credentials for an account/role of a signed-in session. */
export interface SsoRoleCredentialsProvider {
  /** `profile`: the plan's profile, whose endpoint_url, [services] and use_fips/dualstack settings reach the portal. */
  getRoleCredentials(
    source: SsoSource,
    options?: { signal?: AbortSignal; profile?: string },
  ): Promise<Credentials>;
}

import type { Env } from '../util/env.ts';

export type { Env };

export interface SignInOptions {
  token?: GetAccessTokenOptions;
  /** Where sign-in prompts go (URL, user code). */
  stderr?: TextSink;
  /** Opens a URL in a browser; resolves false when none could be started. */
  openBrowser?: (url: string) => Promise<boolean>;
}

/** A plain object, so that CLI commands and the library (`fromRolehop`) can both build it. */
export interface RunPlanDeps {
  env: Env;
  /** Epoch milliseconds. */
  now(): number;
  log: Logger;
  view?: ConfigView;
  /** Cached credentials are reused while more than this remains (default 600 s). */
  minTtlSeconds?: number;
  /**
   * How an SSO step may sign in: whether it may start one (CLI on a terminal; never the library or
   * credential-process), where its prompts go and how a browser is opened. The SSO provider loads
   * the portal and token code itself with these.
   */
  signIn?: SignInOptions;
  /** Replaces the portal for SSO steps (tests); default: the sso layer. */
  sso?: SsoRoleCredentialsProvider;
  /** The code for a hop with mfaSerial (--mfa-code). */
  mfaCode?: string;
  /** Asks for an MFA code; only set when a terminal can answer. */
  promptMfa?: (serial: string) => Promise<string>;
  signal?: AbortSignal;
  /** STS tuning (tests shorten these). */
  sts?: { requestTimeoutMs?: number; maxAttempts?: number };
  /** How long to wait for another process fetching the same step (default 60 s). */
  lockTimeoutMs?: number;
  /**
   * Work for the time a source's request is on the network (run-steps.ts: loading the SDK for the
   * hops after it). Called when the request has been sent.
   */
  whileWaiting?: () => void;
}
