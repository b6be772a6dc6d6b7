// The sso layer: sign-in (PKCE loopback, device code), the AWS CLI-compatible token cache with
// single-flight refresh, and the Identity Center portal calls.
export {
  type AccessToken,
  type GetAccessTokenOptions,
  getAccessToken,
  REFRESH_WINDOW_MS,
} from './access-token.ts';
export type { SsoDeps } from './deps.ts';
export { type LoginFlow, type LoginOptions, type LoginResult, login } from './login.ts';
export {
  createPortalClient,
  getRoleCredentials,
  type PortalAccount,
  type PortalClient,
  type PortalRole,
  type RoleCredentials,
  sessionOfSource,
} from './portal.ts';
export {
  DEFAULT_SCOPES,
  loginCommandFor,
  pickSession,
  type SsoSessionRef,
  sessionFromView,
  validateStartUrl,
} from './session.ts';
export {
  CorruptTokenError,
  deleteToken,
  isRefreshable,
  readToken,
  type SsoToken,
  tokenCachePath,
} from './token-cache.ts';
