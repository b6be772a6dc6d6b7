import type { ConfigView } from '../config/model.ts';
import type { Env } from '../util/env.ts';
import type { Logger, TextSink } from '../util/log.ts';
import { terminalSafe } from '../util/terminal-text.ts';

/** What the sso layer needs from its caller; plain data so the CLI and the library can build it. */
export interface SsoDeps {
  env: Env;
  now(): number;
  log: Logger;
  /** For endpoint overrides from `[services]` / profile `endpoint_url`. */
  view?: ConfigView;
  profile?: string;
  signal?: AbortSignal;
  /** Where sign-in prompts go (URL, user code, "waiting for…"); default: log.info. */
  stderr?: TextSink;
  /** Opens a URL in a browser; resolves false when none could be started. */
  openBrowser?: (url: string) => Promise<boolean>;
  /** Called once the role credentials request is sent (RunPlanDeps.whileWaiting). */
  whileWaiting?: () => void;
}

/** Prompts quote the OIDC service (verification URL, user code): no terminal controls get through. */
export function tell(deps: SsoDeps, message: string): void {
  if (deps.stderr) deps.stderr.write(`${terminalSafe(message)}\n`);
  else deps.log.info(message);
}
