import * as os from 'node:os';
import * as path from 'node:path';
import type { Env } from '../util/env.ts';

// Node's path normaliser walks every character through a callback: the few hundred characters a warm
// call joined made V8 compile both with Maglev (measured: 2.5 ms of a warm credential-process's wall
// time, more of its CPU time). A join whose result is normal as it is needs no normalising.
// bin/rolehop.cjs has its own copy of posixJoin (a test checks they agree).

/**
 * Whether a path has no empty, `.` or `..` segment and no `/` at the end, as
 * /\/\/|(?:^|\/)\.\.?(?:\/|$)|\/$/ finds none: the normaliser would leave it as it is. No regular
 * expression: a warm call joins a few paths, and V8 compiles one twice in its first runs
 * (util/ascii.ts).
 */
function isNormalPosix(joined: string): boolean {
  return !(
    joined.includes('//') ||
    joined.endsWith('/') ||
    joined.includes('/./') ||
    joined.includes('/../') ||
    joined.endsWith('/.') ||
    joined.endsWith('/..') ||
    joined.startsWith('./') ||
    joined.startsWith('../') ||
    joined === '.' ||
    joined === '..'
  );
}

/** path.posix.join(base, ...names), without running the normaliser over a result already normal. */
export function posixJoin(base: string, ...names: string[]): string {
  const joined = `${base}/${names.join('/')}`;
  return base !== '' && isNormalPosix(joined) ? joined : path.posix.join(base, ...names);
}

/** path.join of this system: posixJoin on POSIX ones. */
export const joinPath: (base: string, ...names: string[]) => string =
  path.sep === '/' ? posixJoin : path.join;

export interface ConfigPaths {
  configFile: string;
  credentialsFile: string;
}

/** The user's home as the AWS SDKs find it: HOME, then USERPROFILE, then HOMEDRIVE+HOMEPATH. */
export function homeDir(env: Env): string {
  if (env.HOME) return env.HOME;
  if (env.USERPROFILE) return env.USERPROFILE;
  if (env.HOMEDRIVE && env.HOMEPATH) return env.HOMEDRIVE + env.HOMEPATH;
  return os.homedir();
}

/** Expands a leading `~/` the way the SDKs do for AWS_CONFIG_FILE and friends. */
export function expandHome(file: string, env: Env): string {
  if (file === '~') return homeDir(env);
  if (file.startsWith('~/') || file.startsWith('~\\')) return joinPath(homeDir(env), file.slice(2));
  return file;
}

/** `platform` only picks the path separator (the cross-SDK vectors cover Windows too). */
export function configPaths(env: Env, platform: NodeJS.Platform = process.platform): ConfigPaths {
  const join = platform === 'win32' ? path.win32.join : posixJoin;
  const home = homeDir(env);
  return {
    configFile: expandHome(env.AWS_CONFIG_FILE || join(home, '.aws', 'config'), env),
    credentialsFile: expandHome(env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'), env),
  };
}

/** rolehop's own cache folder: $XDG_CACHE_HOME/rolehop or ~/.cache/rolehop. */
export function rolehopCacheDir(env: Env): string {
  return joinPath(env.XDG_CACHE_HOME || joinPath(homeDir(env), '.cache'), 'rolehop');
}

/** The AWS CLI's cache of credentials it fetched (SSO role credentials, assumed roles). */
export function awsCliCacheDir(env: Env): string {
  return joinPath(homeDir(env), '.aws', 'cli', 'cache');
}

/** The AWS CLI's `aws login` cache folder (AWS_LOGIN_CACHE_DIRECTORY, as the SDKs read it). */
export function loginCacheDir(env: Env): string {
  return env.AWS_LOGIN_CACHE_DIRECTORY || joinPath(homeDir(env), '.aws', 'login', 'cache');
}

/** The AWS CLI v2's SSO cache folder (tokens and client registrations). */
export function ssoCacheDir(env: Env): string {
  return joinPath(homeDir(env), '.aws', 'sso', 'cache');
}
