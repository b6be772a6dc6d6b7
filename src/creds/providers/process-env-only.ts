import * as path from 'node:path';
import type { Env } from '../../util/env.ts';
import { ConfigError } from '../../util/errors.ts';

// Two SDK providers read some settings from process.env with no option to pass them (the login
// provider's cache folder, the instance metadata endpoint). A runner given another env (the
// library's `env` option, in-process tests) would silently use process.env's: refuse instead.

/** Throws when `env` and process.env disagree on a setting the SDK reads from process.env only. */
export function requireProcessEnvAgrees(env: Env, names: readonly string[], what: string): void {
  if (env === process.env) return;
  const differ = names.filter((name) => (env[name] || '') !== (process.env[name] || ''));
  if (differ.length > 0) refuse(differ, what);
}

/** The same for a folder the SDK finds from process.env: `ours` is where rolehop looked. */
export function requireSameFolder(ours: string, sdks: string, names: readonly string[], what: string): void {
  if (path.resolve(ours) !== path.resolve(sdks)) refuse(names, what);
}

function refuse(differ: readonly string[], what: string): never {
  throw new ConfigError(
    `${what} reads ${differ.join(', ')} from the process environment, which differs from the environment rolehop was given`,
    { hint: `set ${differ.join(', ')} the same in process.env, or run rolehop with process.env` },
  );
}
