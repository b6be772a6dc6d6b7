import { BEFORE_CONTAINER_CREDENTIALS } from '../util/container-variables.ts';

// The environment of a process that should take its credentials from the local endpoint.

/** Variables that would make an SDK pick other credentials than the endpoint's. */
export const CONFLICTING_VARIABLES = BEFORE_CONTAINER_CREDENTIALS;

/**
 * A copy of `env` pointing AWS SDKs at `url` (the server's URL for one profile) with `token`.
 * `env` itself is left as it was.
 */
export function containerCredentialsEnv(
  env: Record<string, string | undefined>,
  endpoint: { url: string; token: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  for (const name of CONFLICTING_VARIABLES) delete out[name];
  out.AWS_CONTAINER_CREDENTIALS_FULL_URI = endpoint.url;
  out.AWS_CONTAINER_AUTHORIZATION_TOKEN = endpoint.token;
  return out;
}
