/**
 * What an AWS SDK reads before the container-credentials provider, or instead of its token: static
 * keys, a profile, a RELATIVE_URI (beats FULL_URI), a token file (beats the token). Cleared wherever
 * a process is pointed at a loopback credential endpoint (`serve`, the agent's exports).
 */
export const BEFORE_CONTAINER_CREDENTIALS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
] as const;
