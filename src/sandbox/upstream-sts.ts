// Role credentials from an external STS (moto) instead of the sandbox's own: at start the sandbox
// creates, while moto still accepts unsigned calls, one IAM role per assigned permission set in each
// account and a broker user allowed to assume them; GetRoleCredentials then calls moto's AssumeRole
// signed with the broker's keys, so moto (with authorization on) checks every later call.
import { randomBytes } from 'node:crypto';
import type { Directory } from './directory.ts';
import { type SigningCredentials, signFormPost } from './sigv4.ts';
import type { IssuedCredentials } from './store.ts';

/** Where the broker user lives; kept apart from the accounts a test uses. */
export const BROKER_ACCOUNT = '999999999999';

export interface UpstreamSts {
  url: string;
  assumePermissionSet(accountId: string, roleName: string, userName: string): Promise<IssuedCredentials>;
}

function xmlValue(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  return m?.[1]
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

async function call(
  url: string,
  params: Record<string, string>,
  opts: { account?: string; sign?: SigningCredentials; service: string },
): Promise<{ status: number; text: string }> {
  const body = new URLSearchParams(params).toString();
  const target = new URL('/', url);
  const headers: Record<string, string> = opts.sign
    ? signFormPost(target, body, opts.service, 'us-east-1', opts.sign, new Date())
    : { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  if (opts.account) headers['x-moto-account-id'] = opts.account;
  if (!opts.sign) {
    // An unsigned call still needs a credential scope naming the service so moto routes it.
    headers.authorization = `AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/${opts.service}/aws4_request, SignedHeaders=host, Signature=0`;
  }
  try {
    const res = await fetch(target, { method: 'POST', headers, body });
    return { status: res.status, text: await res.text() };
  } catch (error) {
    const cause = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    throw new Error(`cannot reach the STS at ${url}: ${cause}`);
  }
}

async function iam(url: string, account: string, params: Record<string, string>): Promise<string> {
  const { status, text } = await call(url, { Version: '2010-05-08', ...params }, { account, service: 'iam' });
  if (status >= 300 && xmlValue(text, 'Code') !== 'EntityAlreadyExists') {
    throw new Error(
      `upstream IAM ${params.Action} in ${account} failed (${status} ${xmlValue(text, 'Code') ?? ''}): ` +
        `${xmlValue(text, 'Message') ?? text.slice(0, 200)}. Start the sandbox before turning moto's authorization on.`,
    );
  }
  return text;
}

/** Runs `tasks` with at most `limit` in flight. */
async function pooled(tasks: Array<() => Promise<unknown>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

export async function connectUpstreamSts(
  url: string,
  directory: Directory,
  roleCredentialSeconds: () => number,
  now: () => number,
): Promise<UpstreamSts> {
  const base = url.replace(/\/+$/, '');
  const brokerName = `rolehop-sandbox-broker-${randomBytes(4).toString('hex')}`;
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${BROKER_ACCOUNT}:root` },
        Action: 'sts:AssumeRole',
      },
    ],
  });
  await iam(base, BROKER_ACCOUNT, { Action: 'CreateUser', UserName: brokerName });
  await iam(base, BROKER_ACCOUNT, {
    Action: 'PutUserPolicy',
    UserName: brokerName,
    PolicyName: 'assume-permission-sets',
    PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }],
    }),
  });
  const keyXml = await iam(base, BROKER_ACCOUNT, { Action: 'CreateAccessKey', UserName: brokerName });
  const broker: SigningCredentials = {
    accessKeyId: xmlValue(keyXml, 'AccessKeyId') ?? '',
    secretAccessKey: xmlValue(keyXml, 'SecretAccessKey') ?? '',
  };
  if (!broker.accessKeyId || !broker.secretAccessKey) throw new Error('upstream IAM returned no access key');

  const roles = new Set<string>();
  for (const byAccount of directory.assignments.values()) {
    for (const [accountId, names] of byAccount) for (const n of names) roles.add(`${accountId}/${n}`);
  }
  const tasks = [...roles].map((key) => async () => {
    const [accountId, roleName] = key.split('/') as [string, string];
    const policy = directory.permissionSets.find((p) => p.name === roleName)?.policy ?? {};
    await iam(base, accountId, { Action: 'CreateRole', RoleName: roleName, AssumeRolePolicyDocument: trust });
    await iam(base, accountId, {
      Action: 'PutRolePolicy',
      RoleName: roleName,
      PolicyName: 'permission-set',
      PolicyDocument: JSON.stringify(policy),
    });
  });
  await pooled(tasks, 8);

  return {
    url: base,
    async assumePermissionSet(accountId, roleName, userName) {
      const lifetime = roleCredentialSeconds();
      const seconds = Math.min(43200, Math.max(900, lifetime));
      const { status, text } = await call(
        base,
        {
          Action: 'AssumeRole',
          Version: '2011-06-15',
          RoleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
          RoleSessionName: userName,
          DurationSeconds: String(seconds),
        },
        { sign: broker, service: 'sts' },
      );
      const accessKeyId = xmlValue(text, 'AccessKeyId');
      if (status !== 200 || !accessKeyId) {
        throw new Error(
          `upstream STS AssumeRole failed (${status}): ${xmlValue(text, 'Message') ?? text.slice(0, 200)}`,
        );
      }
      return {
        accessKeyId,
        secretAccessKey: xmlValue(text, 'SecretAccessKey') ?? '',
        sessionToken: xmlValue(text, 'SessionToken') ?? '',
        // The sandbox's lifetime, which tests may set shorter than any STS allows.
        expiresAt: now() + lifetime * 1000,
        accountId,
        roleName,
        sessionName: userName,
        arn: xmlValue(text, 'Arn') ?? `arn:aws:sts::${accountId}:assumed-role/${roleName}/${userName}`,
        userId: xmlValue(text, 'AssumedRoleId') ?? '',
        chained: false,
        upstream: true,
      };
    },
  };
}
