import * as fs from 'node:fs';
import type { Env } from '../util/env.ts';

// Opening a URL in the user's browser. Only the URL goes on the command line (it carries no token).

export interface BrowserContext {
  env: Env;
  platform?: NodeJS.Platform;
  /** /proc/version contents, for WSL detection (injectable for tests). */
  procVersion?: string;
}

function isWsl(ctx: BrowserContext): boolean {
  if (ctx.env.WSL_DISTRO_NAME || ctx.env.WSL_INTEROP) return true;
  let version = ctx.procVersion;
  if (version === undefined) {
    try {
      version = fs.readFileSync('/proc/version', 'utf8');
    } catch {
      version = '';
    }
  }
  return /microsoft/i.test(version);
}

function isSsh(env: Env): boolean {
  return Boolean(env.SSH_CONNECTION || env.SSH_CLIENT || env.SSH_TTY);
}

function hasDisplay(env: Env): boolean {
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** The commands to try, each as argv with `%s` for the URL; empty when no browser can be shown. */
export function browserCommands(ctx: BrowserContext): string[][] {
  const { env } = ctx;
  if (env.BROWSER) {
    // Like xdg-utils / Python's webbrowser: a colon-separated list, `%s` marks the URL.
    return env.BROWSER.split(':')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const argv = entry.split(/\s+/);
        return argv.includes('%s') ? argv : [...argv, '%s'];
      });
  }
  const platform = ctx.platform ?? process.platform;
  if (platform === 'darwin') return [['open', '%s']];
  if (platform === 'win32') return [['rundll32', 'url.dll,FileProtocolHandler', '%s']];
  if (isWsl(ctx))
    return [
      ['wslview', '%s'],
      ['rundll32.exe', 'url.dll,FileProtocolHandler', '%s'],
    ];
  if (isSsh(env) && !hasDisplay(env)) return [];
  if (!hasDisplay(env)) return [];
  return [['xdg-open', '%s']];
}

/** Over SSH with no display (and no BROWSER) the device-code flow is the one that works. */
export function prefersDeviceCode(ctx: BrowserContext): boolean {
  return !ctx.env.BROWSER && isSsh(ctx.env) && !hasDisplay(ctx.env);
}

// child_process is loaded here, not at the top: credential commands import this module on their
// warm path, where loading it would cost more than the rest of the work.
/** Starts a browser detached from us; false when it could not be started. */
export async function trySpawn(argv: string[], env: Env): Promise<boolean> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve) => {
    try {
      const child = spawn(argv[0]!, argv.slice(1), {
        env: env as NodeJS.ProcessEnv,
        detached: true,
        stdio: 'ignore',
      });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

/** Opens the URL; resolves false when no browser command could be started. */
export async function openBrowser(url: string, ctx: BrowserContext): Promise<boolean> {
  for (const command of browserCommands(ctx)) {
    if (
      await trySpawn(
        command.map((arg) => (arg === '%s' ? url : arg)),
        ctx.env,
      )
    )
      return true;
  }
  return false;
}
