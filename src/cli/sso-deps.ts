import type { ConfigView } from '../config/model.ts';
import type { SsoDeps } from '../sso/deps.ts';
import { openBrowser } from './browser.ts';
import type { Deps } from './deps.ts';

/** The sso layer's deps from a command's, with the browser opener of this machine. */
export function ssoDepsFor(deps: Deps, view?: ConfigView, profile?: string): SsoDeps {
  return {
    env: deps.env,
    now: deps.now,
    log: deps.log,
    signal: deps.signal,
    stderr: deps.stderr,
    ...(view ? { view } : {}),
    ...(profile ? { profile } : {}),
    openBrowser: (url) => openBrowser(url, { env: deps.env }),
  };
}
