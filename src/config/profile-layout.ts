// What rolehop writes for one target in each style, as plain `[key, value]` lists: the AWS CLI's
// own keys (sso_session/sso_account_id/sso_role_name, role_arn + source_profile and the hop's
// options), so every SDK resolves the profiles without rolehop.

import type { AssumeRoleHop } from './plan.ts';

export type ProfileStyle = 'sso' | 'process' | 'credentials';
export const STYLES: readonly ProfileStyle[] = ['sso', 'process', 'credentials'];

export type Entries = [string, string][];

export interface SsoRole {
  session: string;
  accountId: string;
  roleName: string;
}

export interface CommonKeys {
  region?: string;
  output?: string;
}

export function commonEntries(keys: CommonKeys): Entries {
  const out: Entries = [];
  if (keys.region) out.push(['region', keys.region]);
  if (keys.output) out.push(['output', keys.output]);
  return out;
}

export function ssoEntries(role: SsoRole): Entries {
  return [
    ['sso_session', role.session],
    ['sso_account_id', role.accountId],
    ['sso_role_name', role.roleName],
  ];
}

/** A role profile chained to `sourceProfile`; keys botocore and the SDKs read for the hop. */
export function hopEntries(hop: AssumeRoleHop, sourceProfile: string): Entries {
  const out: Entries = [
    ['role_arn', hop.roleArn],
    ['source_profile', sourceProfile],
  ];
  if (hop.sessionName) out.push(['role_session_name', hop.sessionName]);
  if (hop.externalId) out.push(['external_id', hop.externalId]);
  if (hop.mfaSerial) out.push(['mfa_serial', hop.mfaSerial]);
  if (hop.durationSeconds !== undefined) out.push(['duration_seconds', String(hop.durationSeconds)]);
  return out;
}

/** Does this profile (from the view) take credentials straight from this SSO role, and nothing else? */
export function isPlainSsoProfile(props: Record<string, unknown>, role: SsoRole): boolean {
  return (
    props.sso_session === role.session &&
    props.sso_account_id === role.accountId &&
    props.sso_role_name === role.roleName &&
    props.role_arn === undefined &&
    props.credential_process === undefined &&
    props.aws_access_key_id === undefined &&
    props.sso_start_url === undefined
  );
}
