import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { rolehopBin } from './cli.ts';
import { type SandboxWorld, type StartOptions, sandboxWorld, signIn, tokenCacheEntry } from './sandbox.ts';
import { devSession } from './sso-session.ts';
import { writeFile } from './temp-home.ts';

// Shared by the credential command tests: a sandbox (optionally minting through moto) and a temp
// HOME already signed in to it as sso-session "dev".

/** A temp HOME signed in to the sandbox as sso-session "dev". */
export async function signedInWorld(t: TestContext, options: StartOptions & { moto?: boolean } = {}) {
  return signInAsDev(await sandboxWorld(t, options));
}

export interface DevSignIn {
  tokens: Awaited<ReturnType<typeof signIn>>;
  /** The token cache file of sso-session "dev". */
  tokenFile: string;
}

/**
 * Signs a sandbox world's HOME in as sso-session "dev": a token in the cache (expiring after
 * `expiresIn` seconds, default the sandbox's; `refresh: false` leaves out the refresh token and
 * client) and `config` (default: just the [sso-session dev] section) as the config file.
 */
export async function signInAsDev<W extends SandboxWorld>(
  w: W,
  config = devSession(w.sandbox),
  options: { expiresIn?: number; refresh?: boolean } = {},
): Promise<W & DevSignIn> {
  const tokens = await signIn(w.sandbox);
  writeFile(w.home.configFile, config);
  const tokenFile = tokenCachePath(w.env, { name: 'dev', startUrl: w.sandbox.startUrl });
  const expiresIn = options.expiresIn ?? tokens.expiresIn;
  const cached = options.refresh === false ? { accessToken: tokens.accessToken } : tokens;
  writeFile(tokenFile, JSON.stringify(tokenCacheEntry(w.sandbox, { ...cached, expiresIn })));
  return { ...w, tokens, tokenFile };
}

/** `rolehop` on PATH in the temp HOME, as awscli, boto3 and shells find it. */
export function rolehopOnPath(env: Record<string, string>): Record<string, string> {
  const bin = path.join(env.HOME!, 'bin');
  fs.mkdirSync(bin, { recursive: true, mode: 0o700 });
  fs.writeFileSync(
    path.join(bin, 'rolehop'),
    `#!/bin/sh\nexec "${process.execPath}" "${rolehopBin}" "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return { ...env, PATH: `${bin}:${env.PATH}` };
}

/** Every file under HOME with its bytes, to prove a refused command changed nothing. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const file = path.join(e.parentPath, e.name);
    out[path.relative(dir, file)] = fs.readFileSync(file, 'base64');
  }
  return out;
}
