// The sandbox for tests: in-process (fast) or as a `rolehop sandbox` child, with an admin client,
// the endpoint variables, and a helper that puts a temp HOME, the sandbox and moto in one env.
import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import type {
  DecisionOptions,
  DecisionResult,
  Directory,
  ExpireOptions,
  FaultPatch,
  FaultSettings,
  Lifetimes,
  PendingSignIns,
  SandboxAdmin,
  SandboxOptions,
} from '../../src/sandbox/index.ts';
import { announcedPort } from './child-server.ts';
import { rolehopBin } from './cli.ts';
import { type Moto, startMoto } from './moto.ts';
import { type TempHome, tempHome } from './temp-home.ts';

export type { SandboxAdmin, SandboxOptions };

export interface TestSandbox {
  url: string;
  port: number;
  startUrl: string;
  region: string;
  admin: SandboxAdmin;
  /** AWS_ENDPOINT_URL_SSO / _SSO_OIDC / _STS / _SIGNIN */
  env: Record<string, string>;
  /** In-process only: the directory the sandbox serves. */
  directory?: Directory;
  stop(): Promise<void>;
}

export interface StartOptions extends SandboxOptions {
  /** Run `rolehop sandbox` (the built CLI) as a child process instead of in-process. */
  child?: boolean;
}

/** An admin client over HTTP: works for in-process and child sandboxes alike. */
export function adminClient(url: string): SandboxAdmin {
  const call = async <T>(method: 'GET' | 'POST', name: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}/_sandbox/${name}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const value = (await res.json()) as T & { error?: string };
    if (!res.ok) throw new Error(`sandbox admin ${name}: ${value.error ?? res.status}`);
    return value;
  };
  return {
    counts: () => call<Record<string, number>>('GET', 'counts'),
    reset: async () => {
      await call('POST', 'reset', {});
    },
    pending: () => call<PendingSignIns>('GET', 'pending'),
    approve: (o: DecisionOptions = {}) => call<DecisionResult>('POST', 'approve', o),
    deny: (o: DecisionOptions = {}) => call<DecisionResult>('POST', 'deny', o),
    expireTokens: async (o: ExpireOptions = {}) =>
      (await call<{ expired: number }>('POST', 'expire', o)).expired,
    revokeTokens: async (o: { token?: string } = {}) =>
      (await call<{ revoked: number }>('POST', 'revoke', o)).revoked,
    setLifetimes: (patch: Partial<Lifetimes>) => call<Lifetimes>('POST', 'lifetimes', patch),
    setFaults: (patch: FaultPatch) => call<FaultSettings>('POST', 'faults', patch),
  };
}

function childArgs(o: SandboxOptions): string[] {
  if (typeof o.directory === 'object') throw new Error('a child sandbox takes a directory file path');
  const args = ['sandbox'];
  if (o.port !== undefined) args.push('--port', String(o.port));
  if (o.directory !== undefined) args.push('--directory', o.directory);
  if (o.accounts !== undefined) args.push('--accounts', String(o.accounts));
  if (o.autoApprove) args.push('--auto-approve');
  if (o.sts !== undefined) args.push('--sts', o.sts);
  if (o.latencyMs !== undefined) args.push('--latency-ms', String(o.latencyMs));
  if (o.throttleTps !== undefined) args.push('--throttle-tps', String(o.throttleTps));
  if (o.failRate !== undefined) args.push('--fail-rate', String(o.failRate));
  return args;
}

export async function startChild(
  options: StartOptions,
): Promise<TestSandbox & { child: ChildProcess; output(): { stdout: string; stderr: string } }> {
  const child = spawn(process.execPath, [rolehopBin, ...childArgs(options)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  // READY comes first; the exports and sample config follow in the same write, but wait for them all.
  const { port, printed } = await announcedPort(child, 'rolehop sandbox', ({ stdout }) => {
    const m = /^READY (\d+)\n/.exec(stdout);
    return m && /sso_region = /.test(stdout) ? Number(m[1]) : undefined;
  });
  const { stdout } = printed;
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {};
  for (const m of stdout.matchAll(/^export (AWS_ENDPOINT_URL_\w+)=(\S+)$/gm)) env[m[1]!] = m[2]!;
  const startUrl = /sso_start_url = (\S+)/.exec(stdout)?.[1] ?? '';
  const region = /sso_region = (\S+)/.exec(stdout)?.[1] ?? '';
  return {
    url,
    port,
    startUrl,
    region,
    admin: adminClient(url),
    env,
    child,
    output: () => printed,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Starts a sandbox on 127.0.0.1 (any free port); stopped after the test. */
export async function startSandbox(
  t: TestContext | undefined,
  options: StartOptions = {},
): Promise<TestSandbox> {
  let sandbox: TestSandbox;
  if (options.child) {
    sandbox = await startChild(options);
  } else {
    const lib = await import('../../src/sandbox/index.ts');
    const s = await lib.startSandbox(options);
    sandbox = {
      url: s.url,
      port: s.port,
      startUrl: s.startUrl,
      region: s.region,
      admin: s.admin,
      env: s.env,
      directory: s.directory,
      stop: () => s.close(),
    };
  }
  t?.after(() => sandbox.stop());
  return sandbox;
}

export interface SandboxWorld {
  home: TempHome;
  sandbox: TestSandbox;
  moto?: Moto;
  /** tempHome's env plus the endpoint variables (STS → moto when moto is on) and AWS_REGION. */
  env: Record<string, string>;
}

/**
 * A temp HOME, a sandbox and optionally moto in one env. With `moto: true` the sandbox mints role
 * credentials from moto, and moto's authorization is turned on once the sandbox has provisioned it
 * (after `beforeAuth`, where a test creates its own IAM roles and users in moto).
 */
export async function sandboxWorld(
  t: TestContext,
  options: StartOptions & { moto?: boolean; beforeAuth?: (moto: Moto) => Promise<void> } = {},
): Promise<SandboxWorld> {
  const home = tempHome(t);
  let moto: Moto | undefined;
  const { moto: wantMoto, beforeAuth, ...rest } = options;
  if (wantMoto) moto = await startMoto(t);
  const sandbox = await startSandbox(t, moto ? { ...rest, sts: moto.url } : rest);
  if (moto) {
    await beforeAuth?.(moto);
    await moto.enableAuth();
  }
  const env = { ...home.env, ...sandbox.env, AWS_REGION: sandbox.region };
  return moto ? { home, sandbox, moto, env } : { home, sandbox, env };
}

/** The AWS CLI / SDK token cache entry for an sso-session (aws-protocols.md §4). */
export function tokenCacheEntry(
  sandbox: Pick<TestSandbox, 'startUrl' | 'region'>,
  token: {
    accessToken: string;
    expiresIn?: number;
    refreshToken?: string;
    clientId?: string;
    clientSecret?: string;
  },
  now = Date.now(),
): Record<string, string> {
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const entry: Record<string, string> = {
    startUrl: sandbox.startUrl,
    region: sandbox.region,
    accessToken: token.accessToken,
    expiresAt: iso(now + (token.expiresIn ?? 3600) * 1000),
  };
  if (token.clientId) entry.clientId = token.clientId;
  if (token.clientSecret) {
    entry.clientSecret = token.clientSecret;
    entry.registrationExpiresAt = iso(now + 30 * 24 * 3600 * 1000);
  }
  if (token.refreshToken) entry.refreshToken = token.refreshToken;
  return entry;
}

/** Signs in over the wire without a browser (device flow, approved by the admin API); returns tokens. */
export async function signIn(
  sandbox: Pick<TestSandbox, 'url' | 'startUrl' | 'admin'>,
  options: { user?: string; scopes?: string[] } = {},
): Promise<{
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  clientId: string;
  clientSecret: string;
}> {
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${sandbox.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const value = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(value)}`);
    return value;
  };
  const client = await post('/client/register', {
    clientName: 'rolehop-test',
    clientType: 'public',
    scopes: options.scopes ?? ['sso:account:access'],
  });
  const device = await post('/device_authorization', {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    startUrl: sandbox.startUrl,
  });
  const pending = await sandbox.admin.pending();
  if (pending.devices.some((d) => d.userCode === device.userCode)) {
    await sandbox.admin.approve({
      userCode: device.userCode as string,
      ...(options.user ? { user: options.user } : {}),
    });
  }
  const token = await post('/token', {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    grantType: 'urn:ietf:params:oauth:grant-type:device_code',
    deviceCode: device.deviceCode,
  });
  return {
    accessToken: token.accessToken as string,
    ...(token.refreshToken ? { refreshToken: token.refreshToken as string } : {}),
    expiresIn: token.expiresIn as number,
    clientId: client.clientId as string,
    clientSecret: client.clientSecret as string,
  };
}

/** Creates an IAM role in one moto account (while moto's authorization is still off). */
export async function createMotoRole(
  motoUrl: string,
  accountId: string,
  roleName: string,
  policy: Record<string, unknown> = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
): Promise<string> {
  const trust = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
  };
  const calls: Array<Record<string, string>> = [
    { Action: 'CreateRole', RoleName: roleName, AssumeRolePolicyDocument: JSON.stringify(trust) },
    {
      Action: 'PutRolePolicy',
      RoleName: roleName,
      PolicyName: 'inline',
      PolicyDocument: JSON.stringify(policy),
    },
  ];
  for (const params of calls) {
    const res = await fetch(`${motoUrl}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-moto-account-id': accountId,
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({ Version: '2010-05-08', ...params }).toString(),
    });
    if (!res.ok) throw new Error(`moto ${params.Action}: ${res.status} ${await res.text()}`);
  }
  return `arn:aws:iam::${accountId}:role/${roleName}`;
}
