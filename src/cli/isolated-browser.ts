import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findOnPath } from '../config/credential-process-line.ts';
import { homeDir, rolehopCacheDir } from '../config/paths.ts';
import type { Env } from '../util/env.ts';
import { UsageError } from '../util/errors.ts';
import { ensurePrivateDir } from '../util/private-file.ts';

// `console --isolate`: the console opens in a browser profile of its own per AWS profile, so prod
// and dev stay signed in side by side instead of one console sign-in replacing the other (the
// console's session is a cookie of the browser profile). Chromium-family browsers take
// `--user-data-dir`; Firefox takes `-profile DIR -no-remote`. The folders live under rolehop's cache,
// 0700: they hold console session cookies. Or, asked for, a Firefox container in the user's own
// Firefox, opened through the Granted Containers extension's address, as granted does.

export type BrowserFamily = 'chromium' | 'firefox';

/** How one AWS profile's console is kept apart: a browser profile folder, or a Firefox container. */
export type Isolation = 'profile-folder' | 'firefox-container';

export interface IsolatingBrowser {
  executable: string;
  family: BrowserFamily;
}

/** Names `--browser` accepts, each with the executables to look for on PATH, in order. */
export const BROWSER_NAMES: Record<string, { family: BrowserFamily; executables: string[] }> = {
  chromium: { family: 'chromium', executables: ['chromium', 'chromium-browser'] },
  chrome: { family: 'chromium', executables: ['google-chrome', 'google-chrome-stable', 'chrome'] },
  edge: { family: 'chromium', executables: ['microsoft-edge', 'microsoft-edge-stable', 'msedge'] },
  brave: { family: 'chromium', executables: ['brave-browser', 'brave'] },
  firefox: { family: 'firefox', executables: ['firefox', 'firefox-esr'] },
};

/** A path's family from its name: Firefox by name, every other browser is taken as Chromium-based. */
function familyOf(file: string): BrowserFamily {
  return /firefox/i.test(path.basename(file)) ? 'firefox' : 'chromium';
}

/**
 * `--browser NAME|PATH`, else the first installed of chromium, chrome, edge, brave, firefox; for
 * Firefox containers, Firefox (a container is Firefox's own).
 */
export function findIsolatingBrowser(
  choice: string | undefined,
  env: Env,
  isolation: Isolation = 'profile-folder',
): IsolatingBrowser {
  if (isolation === 'profile-folder') return findBrowser(choice, env);
  // Judged by name before looking on PATH: a Chrome that is not installed is still not Firefox.
  const family =
    choice === undefined
      ? 'firefox'
      : isPath(choice)
        ? familyOf(choice)
        : BROWSER_NAMES[choice.toLowerCase()]?.family;
  if (family === 'chromium') {
    throw new UsageError(`Firefox containers need Firefox, not --browser "${choice}"`, {
      hint: 'drop --browser, or give --browser firefox or the path of a Firefox',
    });
  }
  return findBrowser(choice ?? 'firefox', env);
}

function isPath(choice: string): boolean {
  return choice.includes('/') || choice.includes('\\');
}

function findBrowser(choice: string | undefined, env: Env): IsolatingBrowser {
  const known = Object.keys(BROWSER_NAMES).join(', ');
  if (choice !== undefined && isPath(choice)) {
    try {
      fs.accessSync(choice, fs.constants.X_OK);
    } catch {
      throw new UsageError(`--browser "${choice}" is not an executable file`, {
        hint: `give the path of a browser, or one of: ${known}`,
      });
    }
    return { executable: choice, family: familyOf(choice) };
  }
  const names = choice === undefined ? Object.keys(BROWSER_NAMES) : [choice.toLowerCase()];
  for (const name of names) {
    const spec = BROWSER_NAMES[name];
    if (!spec) {
      throw new UsageError(`--browser "${choice}" cannot keep a profile of its own`, {
        hint: `use one of: ${known}, or the path of a Chromium-based browser`,
      });
    }
    for (const exe of spec.executables) {
      const found = findOnPath(exe, env);
      if (found) return { executable: found, family: spec.family };
    }
  }
  throw new UsageError(
    choice === undefined
      ? 'no browser that can keep a profile per AWS profile was found on PATH'
      : `browser "${choice}" was not found on PATH (looked for ${BROWSER_NAMES[choice.toLowerCase()]!.executables.join(', ')})`,
    { hint: `install one of ${known}, or pass --browser /path/to/browser` },
  );
}

/** The browser profile folder of one AWS profile (or account/role), created 0700. */
export function isolatedProfileDir(env: Env, label: string): string {
  // Readable for people, unique by the hash: `prod/Admin` and `prod_Admin` must not share cookies.
  const readable = label.replace(/[^\w.@+-]+/g, '_').slice(0, 60);
  const hash = createHash('sha256').update(label).digest('hex').slice(0, 12);
  const dir = path.join(rolehopCacheDir(env), 'browser-profiles', `${readable}-${hash}`);
  ensurePrivateDir(path.dirname(dir), homeDir(env));
  ensurePrivateDir(dir, homeDir(env));
  return dir;
}

/** The argv that opens `url` in the profile folder. */
export function isolatedBrowserArgv(browser: IsolatingBrowser, dir: string, url: string): string[] {
  return browser.family === 'firefox'
    ? [browser.executable, '-profile', dir, '-no-remote', url]
    : [browser.executable, `--user-data-dir=${dir}`, '--no-first-run', '--no-default-browser-check', url];
}

/**
 * The Granted Containers extension's address (github.com/common-fate/granted-containers): Firefox
 * hands it to the extension, which opens `url` in the container called `container`, creating it on
 * first use. The extension reads what follows the scheme as a query string (name, url; color and
 * icon are left to it: it derives a color from the name).
 */
export function firefoxContainerUrl(container: string, url: string): string {
  return `ext+granted-containers:${new URLSearchParams({ name: container, url }).toString()}`;
}

/**
 * The argv that opens one AWS profile's console (`label`): in a profile folder of its own (created
 * 0700), or in the Firefox container named `label` of the Firefox already in use, where the
 * extension is installed (so no `-profile`, no `-no-remote`).
 */
export function isolatedOpenArgv(
  browser: IsolatingBrowser,
  isolation: Isolation,
  env: Env,
  label: string,
  url: string,
): string[] {
  if (isolation === 'firefox-container')
    return [browser.executable, '--new-tab', firefoxContainerUrl(label, url)];
  return isolatedBrowserArgv(browser, isolatedProfileDir(env, label), url);
}
