// Local ECS-compatible credential endpoint for `rolehop serve` and `rolehop exec`.
export { CONFLICTING_VARIABLES, containerCredentialsEnv } from './child-env.ts';
export {
  type CredentialServer,
  type CredentialServerOptions,
  containerResponseBody,
  isLoopbackHostHeader,
  type ServedCredentials,
  startCredentialServer,
} from './credential-server.ts';
export { newServerToken } from './token.ts';
