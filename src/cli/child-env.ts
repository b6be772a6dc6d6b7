import type { Credentials } from '../creds/types.ts';
import { envAssignments } from '../emit/env-format.ts';
import type { Env } from '../util/env.ts';

// The environment `exec` gives its child, written once for cli/cmd/exec.ts and the warm entry
// (cli/warm-exec.ts): a cache hit that skips the CLI bundle hands the child what the full `exec` would.

/** Variables that would make the child's SDK ignore or fight the credentials we give it. */
export const REMOVED_FROM_CHILD = [
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
];

/** The child's environment: ours without conflicting AWS_* variables, plus what gives it credentials. */
export function childEnv(parent: Env, label: string, set: Array<[string, string]>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(parent))
    if (v !== undefined && !REMOVED_FROM_CHILD.includes(k)) env[k] = v;
  for (const [k, v] of set) env[k] = v;
  env.ROLEHOP_EXEC = label;
  return env;
}

/** The child's environment holding these keys and the plan's region (exec, exec --each, the warm entry). */
export function keysChildEnv(
  parent: Env,
  label: string,
  creds: Credentials,
  region: string | undefined,
): Record<string, string> {
  return childEnv(parent, label, envAssignments(creds, region).set);
}
