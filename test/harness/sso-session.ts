// The `[sso-session dev]` section the tests sign in to, written once.

/** The section for a sandbox (anything with its start URL and region); with the refresh scope by default. */
export function devSession(
  sandbox: { startUrl: string; region: string },
  options: { scopes?: boolean } = {},
): string {
  const scopes = options.scopes === false ? '' : 'sso_registration_scopes = sso:account:access\n';
  return `[sso-session dev]\nsso_start_url = ${sandbox.startUrl}\nsso_region = ${sandbox.region}\n${scopes}`;
}

/** `[profile NAME]` for an account and role in sso-session dev, in the sandbox's region. */
export function devProfile(
  sandbox: { region: string },
  name: string,
  accountId = '111111111111',
  roleName = 'AdministratorAccess',
): string {
  return `[profile ${name}]\nsso_session = dev\nsso_account_id = ${accountId}\nsso_role_name = ${roleName}\nregion = ${sandbox.region}\n`;
}
