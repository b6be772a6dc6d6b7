import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Partition } from '../../config/endpoints.ts';
import { partitionOfRegion } from '../../config/endpoints.ts';
import { readRoleArn } from '../../config/hop-rules.ts';
import type { ConfigView } from '../../config/model.ts';
import type { Plan } from '../../config/plan.ts';
import { consoleDestination, consoleSigninUrl, type FederationCredentials } from '../../sts/federation.ts';
import type { Env } from '../../util/env.ts';
import { InterruptedError, RolehopError, UsageError } from '../../util/errors.ts';
import { browserCommands, openBrowser, trySpawn } from '../browser.ts';
import {
  type CredentialInput,
  credentialsOf,
  isTerminal,
  parseCredentialInput,
  targetOf,
} from '../command-target.ts';
import type { Deps } from '../deps.ts';
import type { Isolation } from '../isolated-browser.ts';
import { type CommandInput, type CommandRun, flagOf, textOf } from '../spec.ts';

export type ConsoleMode = 'print' | 'open' | 'auto';

/**
 * The console session length to ask for, or undefined to leave it out. The federation endpoint
 * takes SessionDuration only for credentials from one AssumeRole called with long-term keys; a
 * static profile holding a session token is already temporary, so assuming from it is chaining.
 */
export function sessionDurationFor(plan: Plan, view: ConfigView): number | undefined {
  if (plan.source.kind !== 'static' || plan.hops.length !== 1) return undefined;
  const keys = Object.hasOwn(view.profiles, plan.source.profile)
    ? view.profiles[plan.source.profile]
    : undefined;
  if (!keys || keys.aws_session_token !== undefined) return undefined;
  return plan.hops[0]!.durationSeconds ?? 3600;
}

/** Where the console is: the region's partition, else the role's, else the SSO region's. */
export function consolePartition(plan: Plan, region: string | undefined): Partition {
  if (region) return partitionOfRegion(region);
  const last = plan.hops.at(-1);
  const arn = last ? readRoleArn(last.roleArn) : undefined;
  if (arn && !('problem' in arn)) return arn.partition;
  if (plan.source.kind === 'sso') return partitionOfRegion(plan.source.ssoRegion);
  return 'aws';
}

export interface ConsoleRequest {
  plan: Plan;
  view: ConfigView;
  credentials: FederationCredentials;
  region?: string;
  destination?: string;
  env: Env;
}

/** The sign-in URL: a bearer secret for about 15 minutes, so callers must not log it. */
export function signinUrlFor(request: ConsoleRequest): Promise<string> {
  const partition = consolePartition(request.plan, request.region);
  const duration = sessionDurationFor(request.plan, request.view);
  return consoleSigninUrl({
    credentials: request.credentials,
    partition,
    env: request.env,
    ...(request.region ? { region: request.region } : {}),
    ...(request.destination !== undefined ? { destination: request.destination } : {}),
    ...(duration !== undefined ? { sessionDurationSeconds: duration } : {}),
  });
}

export interface OneShotRedirect {
  /** `http://127.0.0.1:<port>/<random>`: what the browser is given instead of the sign-in URL. */
  url: string;
  /** Resolves when the browser has fetched it (true) or it was closed unused (false). */
  used: Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Serves one redirect to `target` from a random loopback path, then stops. The sign-in URL is a
 * bearer secret; a browser's command line is visible to every user of the machine (ps), so only
 * this single-use address goes there.
 */
export async function oneShotRedirect(target: string): Promise<OneShotRedirect> {
  const secretPath = `/${randomBytes(24).toString('base64url')}`;
  let port = 0;
  let settle: (used: boolean) => void = () => {};
  const used = new Promise<boolean>((resolve) => {
    settle = resolve;
  });
  const server = http.createServer((req, res) => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` || req.method !== 'GET' || req.url !== secretPath) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(302, { location: target, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    res.end();
    settle(true);
    server.close();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}${secretPath}`,
    used,
    close: () =>
      new Promise<void>((resolve) => {
        settle(false);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** How long `--open` waits for the browser to load the sign-in page. */
export const BROWSER_WAIT_MS = 120_000;

/** Opens a URL in a browser; false when none could be started. */
export type BrowserOpener = (url: string) => Promise<boolean>;

async function openInBrowser(url: string, deps: Deps, waitMs: number, open: BrowserOpener): Promise<boolean> {
  const redirect = await oneShotRedirect(url);
  try {
    if (!(await open(redirect.url))) return false;
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      redirect.used.then((used) => (used ? 'used' : 'closed')),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), waitMs);
      }),
      new Promise<string>((resolve) => {
        if (deps.signal.aborted) resolve('aborted');
        deps.signal.addEventListener('abort', () => resolve('aborted'), { once: true });
      }),
    ]);
    clearTimeout(timer);
    if (outcome === 'aborted') throw new InterruptedError('interrupted while waiting for the browser');
    if (outcome !== 'used') {
      throw new RolehopError(
        `the browser did not load the sign-in page within ${Math.round(waitMs / 1000)} s`,
        {
          hint: 'check the browser, or use --print and open the URL yourself',
        },
      );
    }
    return true;
  } finally {
    await redirect.close();
  }
}

/** Prints or opens the URL. In `auto` a browser is used when one can be shown, else the URL is printed. */
export async function deliverSigninUrl(
  url: string,
  mode: ConsoleMode,
  label: string,
  deps: Deps,
  waitMs = BROWSER_WAIT_MS,
  open?: BrowserOpener,
): Promise<void> {
  const canOpen = open !== undefined || browserCommands({ env: deps.env }).length > 0;
  if (mode === 'print' || (mode === 'auto' && !canOpen)) {
    // Without --print the user expected a browser: say why a URL appeared instead.
    if (mode === 'auto') {
      deps.log.info(
        'No browser found (no BROWSER, no display): printed the sign-in URL instead of opening it; it works for about 15 minutes. Set BROWSER to open it next time.',
      );
    }
    deps.stdout.write(`${url}\n`);
    return;
  }
  if (await openInBrowser(url, deps, waitMs, open ?? ((u) => openBrowser(u, { env: deps.env })))) {
    deps.log.info(`Opened the AWS console for ${label} in your browser.`);
    return;
  }
  if (mode === 'open') {
    throw new RolehopError('could not open a browser for the console sign-in', {
      hint: 'set BROWSER to your browser command, or use --print and open the URL yourself',
    });
  }
  deps.log.warn('could not open a browser; here is the sign-in URL instead (valid for about 15 minutes)');
  deps.stdout.write(`${url}\n`);
}

/** What console acts on, typed: the command line is read once, in parseConsoleInput. */
export interface ConsoleInput {
  credentials: CredentialInput;
  mode: ConsoleMode;
  /** A console URL or service name; checked against the partition once the target is known. */
  destination: string | undefined;
  /**
   * With --isolate: a browser profile of its own in this browser (undefined: the first found), or
   * with --firefox-containers a Firefox container named after the AWS profile.
   */
  isolate: { browser: string | undefined; isolation: Isolation } | undefined;
}

export function parseConsoleInput(raw: CommandInput): ConsoleInput {
  const print = flagOf(raw, 'print');
  const open = flagOf(raw, 'open');
  if (print && open) {
    throw new UsageError('--print and --open cannot be used together', {
      hint: '--print writes the sign-in URL to stdout; --open opens it in a browser',
    });
  }
  const isolate = flagOf(raw, 'isolate');
  const browser = textOf(raw, 'browser');
  if (isolate && print) {
    throw new UsageError('--isolate opens a browser; it cannot go with --print', {
      hint: 'drop --print, or drop --isolate and open the printed URL yourself',
    });
  }
  if (browser !== undefined && !isolate) {
    throw new UsageError('--browser goes with --isolate', {
      hint: 'rolehop console PROFILE --isolate --browser chromium; without --isolate, BROWSER chooses',
    });
  }
  const containers = flagOf(raw, 'firefox-containers');
  if (containers && !isolate) {
    throw new UsageError('--firefox-containers goes with --isolate', {
      hint: 'rolehop console PROFILE --isolate --firefox-containers',
    });
  }
  return {
    credentials: parseCredentialInput(raw, 'console'),
    mode: print ? 'print' : open ? 'open' : 'auto',
    destination: textOf(raw, 'destination'),
    isolate: isolate
      ? { browser, isolation: containers ? 'firefox-container' : 'profile-folder' }
      : undefined,
  };
}

export async function openConsole(input: ConsoleInput, deps: Deps): Promise<number> {
  const { destination } = input;
  // The browser is found before any credentials are fetched: a missing one is a usage error.
  const isolated = input.isolate ? await import('../isolated-browser.ts') : undefined;
  const browser = isolated?.findIsolatingBrowser(input.isolate?.browser, deps.env, input.isolate?.isolation);
  const target = await targetOf(input.credentials, deps, 'console');
  const region =
    input.credentials.selection.region ??
    target.plan.region ??
    (deps.env.AWS_REGION || deps.env.AWS_DEFAULT_REGION || undefined);
  // A bad destination is refused before any credentials are fetched.
  consoleDestination(destination, consolePartition(target.plan, region), region);
  const credentials = await credentialsOf(target, input.credentials, deps, { allowLogin: isTerminal(deps) });
  const url = await signinUrlFor({
    plan: target.plan,
    view: target.view,
    credentials,
    env: deps.env,
    ...(region ? { region } : {}),
    ...(destination !== undefined ? { destination } : {}),
  });
  if (isolated && browser && input.isolate) {
    // The single-use 127.0.0.1 address goes to the browser (inside the container address for
    // Firefox containers), so the sign-in URL itself never appears on a command line.
    const { isolation } = input.isolate;
    await deliverSigninUrl(url, 'open', target.label, deps, BROWSER_WAIT_MS, (u) =>
      trySpawn(isolated.isolatedOpenArgv(browser, isolation, deps.env, target.label, u), deps.env),
    );
    return 0;
  }
  await deliverSigninUrl(url, input.mode, target.label, deps);
  return 0;
}

export const run: CommandRun = (raw, deps) => openConsole(parseConsoleInput(raw), deps);
