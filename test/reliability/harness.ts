// Helpers for the reliability suite: in-process command runs, file tree hashes and modes, deadlines.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { type SandboxWorld, type StartOptions, sandboxWorld } from '../harness/sandbox.ts';
import { type DevSignIn, signInAsDev } from '../harness/signed-in-world.ts';
import { devSession } from '../harness/sso-session.ts';

// The in-process runner lives with the other CLI harness; re-exported for the reliability tests.
export { type InProcessResult, runInProcess } from '../harness/cli.ts';

const COMPILE_CACHE = path.join('.cache', 'rolehop', 'compile-cache');

/** Every regular file under root (relative path → sha256), for "no file changed" checks. */
export function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      // V8's code for the bundles (bin/rolehop.cjs): the launcher's, written by any run, holds no state.
      if (path.relative(root, full) === COMPILE_CACHE) continue;
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile())
        out[path.relative(root, full)] = createHash('sha256').update(fs.readFileSync(full)).digest('hex');
      else out[path.relative(root, full)] = `other:${entry.isSymbolicLink() ? 'link' : 'special'}`;
    }
  };
  if (fs.existsSync(root)) walk(root);
  return out;
}

/** Every file and folder under root with its permission bits. */
export function modesUnder(root: string): { path: string; dir: boolean; mode: number }[] {
  const out: { path: string; dir: boolean; mode: number }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const st = fs.lstatSync(full);
      out.push({ path: path.relative(root, full), dir: st.isDirectory(), mode: st.mode & 0o777 });
      if (st.isDirectory()) walk(full);
    }
  };
  walk(root);
  return out;
}

export { waitFor } from '../harness/poll.ts';

/** The seed's Method 02 through rolehop: short-term keys in ~/.aws/credentials for profile `legacy`. */
export const CONFIGURE_LEGACY_KEYS = [
  'configure',
  'legacy',
  '--sso-session',
  'dev',
  '--account',
  '222222222222',
  '--role',
  'ReadOnlyAccess',
  '--style',
  'credentials',
];

export function configFor(w: Pick<SandboxWorld, 'sandbox'>, extra = ''): string {
  return (
    `${devSession(w.sandbox, { scopes: false })}` +
    `sso_registration_scopes = sso:account:access\n\n` +
    `[profile prod]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\nregion = us-east-1\n` +
    extra
  );
}

export type SignedIn = SandboxWorld & DevSignIn;

/** A temp HOME signed in to a sandbox as sso-session "dev", with profile "prod". */
export async function signedIn(
  t: TestContext,
  options: StartOptions & { moto?: boolean; expiresIn?: number } = {},
): Promise<SignedIn> {
  const { expiresIn, ...rest } = options;
  const w = await sandboxWorld(t, rest);
  return signInAsDev(w, configFor(w), expiresIn === undefined ? {} : { expiresIn });
}

/** JSON.parse that reports which file did not parse. */
export function parseFile(file: string): unknown {
  const text = fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file} does not parse: ${(error as Error).message}: ${JSON.stringify(text.slice(0, 200))}`,
    );
  }
}
