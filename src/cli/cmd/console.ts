import type { Partition } from '../../config/endpoints.ts';
import { partitionOfRegion } from '../../config/endpoints.ts';
import type { ConfigView } from '../../config/model.ts';
import type { Plan } from '../../config/plan.ts';
import { consoleDestination, consoleSigninUrl, type FederationCredentials } from '../../sts/federation.ts';
import { RolehopError, UsageError } from '../../util/errors.ts';
import { browserCommands, openBrowser } from '../browser.ts';
import type { Deps } from '../deps.ts';
import { credentialsOf, targetOf } from '../run-plan.ts';
import type { CommandRun } from '../spec.ts';

type Env = Readonly<Record<string, string | undefined>>;

export type ConsoleMode = 'print' | 'open' | 'auto';

export function consoleMode(values: Record<string, unknown>): ConsoleMode {
  if (values.print === true && values.open === true) {
    throw new UsageError('--print and --open cannot be used together', {
      hint: '--print writes the sign-in URL to stdout; --open opens it in a browser',
    });
  }
  return values.print === true ? 'print' : values.open === true ? 'open' : 'auto';
}

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

const ARN_PARTITION = /^arn:(aws|aws-cn|aws-us-gov):/;

/** Where the console is: the region's partition, else the role's, else the SSO region's. */
export function consolePartition(plan: Plan, region: string | undefined): Partition {
  if (region) return partitionOfRegion(region);
  const last = plan.hops.at(-1);
  const fromArn = last ? ARN_PARTITION.exec(last.roleArn)?.[1] : undefined;
  if (fromArn) return fromArn as Partition;
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

/** Prints or opens the URL. In `auto` a browser is used when one can be shown, else the URL is printed. */
export async function deliverSigninUrl(
  url: string,
  mode: ConsoleMode,
  label: string,
  deps: Deps,
): Promise<void> {
  const canOpen = browserCommands({ env: deps.env }).length > 0;
  if (mode === 'print' || (mode === 'auto' && !canOpen)) {
    deps.stdout.write(`${url}\n`);
    return;
  }
  if (await openBrowser(url, { env: deps.env })) {
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

export const run: CommandRun = async (input, deps) => {
  const mode = consoleMode(input.values);
  const destination = input.values.destination as string | undefined;
  const target = await targetOf(input, deps, 'console');
  const region =
    input.globals.region ??
    target.plan.region ??
    (deps.env.AWS_REGION || deps.env.AWS_DEFAULT_REGION || undefined);
  // A bad destination is refused before any credentials are fetched.
  consoleDestination(destination, consolePartition(target.plan, region), region);
  const credentials = await credentialsOf(target, input, deps, { allowLogin: deps.stderr.isTTY === true });
  const url = await signinUrlFor({
    plan: target.plan,
    view: target.view,
    credentials,
    env: deps.env,
    ...(region ? { region } : {}),
    ...(destination !== undefined ? { destination } : {}),
  });
  await deliverSigninUrl(url, mode, target.label, deps);
  return 0;
};
