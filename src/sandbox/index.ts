// rolehop's local IAM Identity Center: OIDC, the SSO portal, sign-in pages, a minimal STS and console
// federation on one loopback port. A library (tests run it in-process) and `rolehop sandbox`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdmin, type SandboxAdmin } from './admin.ts';
import type { SandboxContext } from './context.ts';
import {
  buildDirectory,
  type Directory,
  type DirectoryInput,
  defaultDirectoryInput,
  generatedDirectoryInput,
  loadDirectoryFile,
} from './directory.ts';
import { type FaultSettings, Faults, parseFaultPatch } from './faults.ts';
import { createRequestListener } from './server.ts';
import { type Lifetimes, Store } from './store.ts';
import { connectUpstreamSts } from './upstream-sts.ts';

export type {
  DecisionOptions,
  DecisionResult,
  ExpireOptions,
  FaultPatch,
  ForcedErrorInput,
  PendingSignIns,
  SandboxAdmin,
} from './admin.ts';
export type { Directory, DirectoryInput } from './directory.ts';
export { DirectoryError } from './directory.ts';
export type { FaultSettings, ForcedError } from './faults.ts';
export type { Lifetimes } from './store.ts';

export interface SandboxOptions {
  /** Port on 127.0.0.1; 0 or omitted = any free port. */
  port?: number;
  /** A directory object, or a JSON/YAML file holding one. */
  directory?: DirectoryInput | string;
  /** Generate this many accounts (each with three roles for the first user) instead. */
  accounts?: number;
  /** Approve every sign-in at once: /authorize redirects straight back, device codes start approved. */
  autoApprove?: boolean;
  /** Mint role credentials from this STS (moto) instead of the sandbox's own. */
  sts?: string;
  latencyMs?: number;
  throttleTps?: number;
  failRate?: number;
  lifetimes?: Partial<Lifetimes>;
  /** Clock in epoch ms (tests). */
  now?: () => number;
}

export interface Sandbox {
  url: string;
  port: number;
  startUrl: string;
  region: string;
  directory: Directory;
  admin: SandboxAdmin;
  /** The live state, for in-process tests that want to look inside. */
  store: Store;
  /** Endpoint variables that point rolehop, the AWS CLI and the SDKs at this sandbox. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export class SandboxOptionError extends Error {}

function resolveDirectory(options: SandboxOptions): Directory {
  if (options.accounts !== undefined) {
    if (!Number.isInteger(options.accounts) || options.accounts < 1 || options.accounts > 100_000) {
      throw new SandboxOptionError(
        `accounts must be a whole number from 1 to 100000 (got ${options.accounts})`,
      );
    }
    if (options.directory !== undefined)
      throw new SandboxOptionError('give either a directory or accounts, not both');
    return buildDirectory(generatedDirectoryInput(options.accounts));
  }
  const input =
    typeof options.directory === 'string'
      ? loadDirectoryFile(options.directory)
      : (options.directory ?? defaultDirectoryInput());
  return buildDirectory(input);
}

function initialFaults(options: SandboxOptions): Partial<FaultSettings> {
  try {
    return parseFaultPatch({
      latencyMs: options.latencyMs,
      throttleTps: options.throttleTps,
      failRate: options.failRate,
    });
  } catch (error) {
    throw new SandboxOptionError((error as Error).message);
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new SandboxOptionError(`port must be a whole number from 0 to 65535 (got ${options.port})`);
  }
  if (options.sts !== undefined && !/^https?:\/\/[^/]+/.test(options.sts)) {
    throw new SandboxOptionError(`sts must be an http(s) URL (got "${options.sts}")`);
  }
  const directory = resolveDirectory(options);
  const faultSettings = initialFaults(options);
  const now = options.now ?? (() => Date.now());
  const store = new Store(directory, options.lifetimes);
  const initialLifetimes = { ...store.lifetimes };
  const ctx: SandboxContext = {
    store,
    faults: new Faults(faultSettings, now),
    now,
    url: '',
    autoApprove: options.autoApprove === true,
    upstream: undefined,
  };
  if (options.sts !== undefined) {
    ctx.upstream = await connectUpstreamSts(
      options.sts,
      directory,
      () => store.lifetimes.roleCredentialSeconds,
      now,
    );
  }
  const admin = createAdmin(ctx, { lifetimes: initialLifetimes, faults: faultSettings });
  const server = createServer(createRequestListener(ctx, admin));
  server.keepAliveTimeout = 2000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${actualPort}`;
  ctx.url = url;
  return {
    url,
    port: actualPort,
    startUrl: directory.startUrl,
    region: directory.region,
    directory,
    admin,
    store,
    env: {
      AWS_ENDPOINT_URL_SSO: url,
      AWS_ENDPOINT_URL_SSO_OIDC: url,
      AWS_ENDPOINT_URL_STS: ctx.upstream?.url ?? url,
      AWS_ENDPOINT_URL_SIGNIN: url,
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** What `rolehop sandbox` prints after READY: exports and a sample sso-session for ~/.aws/config. */
export function describeSandbox(sandbox: Sandbox, sessionName = 'sandbox'): string {
  const exports = Object.entries(sandbox.env).map(([k, v]) => `export ${k}=${v}`);
  const firstUser = sandbox.directory.users[0]!.userName;
  const account = sandbox.directory.accounts.find((a) =>
    sandbox.directory.assignments.get(firstUser)?.has(a.id),
  );
  const role = account ? sandbox.directory.assignments.get(firstUser)?.get(account.id)?.[0] : undefined;
  const lines = [
    ...exports,
    '',
    '# ~/.aws/config',
    `# [sso-session ${sessionName}]`,
    `# sso_start_url = ${sandbox.startUrl}`,
    `# sso_region = ${sandbox.region}`,
    '# sso_registration_scopes = sso:account:access',
  ];
  if (account && role) {
    lines.push(
      '#',
      `# [profile ${account.name}]`,
      `# sso_session = ${sessionName}`,
      `# sso_account_id = ${account.id}`,
      `# sso_role_name = ${role}`,
      `# region = ${sandbox.region}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
