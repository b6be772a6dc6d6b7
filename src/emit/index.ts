// Output formats: shell exports, dotenv, JSON, credential_process and container bodies.
export { assertNoNul, type Credentials, isoSeconds } from './credentials.ts';
export { parseDotenv, quoteForDotenv } from './dotenv.ts';
export {
  containerEnvAssignments,
  defaultShellFormat,
  EMITTED_VARIABLES,
  ENV_FORMATS,
  type EnvFormat,
  type EnvOptions,
  envAssignments,
  formatAssignments,
  formatEnv,
  formatUnsetEnv,
  parseEnvFormat,
} from './env-format.ts';
export { containerCredentialsJson, credentialProcessJson } from './json.ts';
export { quoteForCmd, quoteForFish, quoteForPosix, quoteForPwsh } from './quote.ts';
