// A minimal STS (query protocol, XML): AssumeRole and GetCallerIdentity, so the sandbox works alone.
// Signatures are not verified; the caller is known from the access key id in the SigV4 credential.
import { createHash, randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from './context.ts';
import { escapeXml, type Request } from './http.ts';
import { type IssuedCredentials, randomAccessKeyId, randomToken, safeEqual } from './store.ts';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export function stsError(res: ServerResponse, status: number, code: string, message: string) {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
  res.writeHead(status, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

class StsFailure extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

const fail = (status: number, code: string, message: string): never => {
  throw new StsFailure(status, code, message);
};

/** `AROA…`: stable per role, like a real role id. */
function roleId(roleArn: string): string {
  const digest = createHash('sha256').update(roleArn).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = 'AROA';
  for (let i = 0; id.length < 21; i++) id += alphabet[digest[i]! % 32];
  return id;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function mintLocalCredentials(
  ctx: SandboxContext,
  p: {
    accountId: string;
    roleName: string;
    sessionName: string;
    seconds: number;
    chained: boolean;
    partition?: string;
  },
): IssuedCredentials {
  const partition = p.partition ?? 'aws';
  const roleArn = `arn:${partition}:iam::${p.accountId}:role/${p.roleName}`;
  return {
    accessKeyId: randomAccessKeyId(),
    secretAccessKey: randomToken('', 30).slice(0, 40),
    sessionToken: randomToken('IQoJb3JpZ2luX2VjE', 180),
    expiresAt: ctx.now() + p.seconds * 1000,
    accountId: p.accountId,
    roleName: p.roleName,
    sessionName: p.sessionName,
    arn: `arn:${partition}:sts::${p.accountId}:assumed-role/${p.roleName}/${p.sessionName}`,
    userId: `${roleId(roleArn)}:${p.sessionName}`,
    chained: p.chained,
    upstream: false,
  };
}

/** The caller's access key id from a SigV4 Authorization header or presigned query. */
export function callerAccessKeyId(req: Request, params: URLSearchParams): string | undefined {
  const auth = req.headers.authorization;
  const m = typeof auth === 'string' ? /Credential=([A-Z0-9]{16,128})\//.exec(auth) : null;
  if (m) return m[1];
  const q = params.get('X-Amz-Credential');
  return q ? q.split('/')[0] : undefined;
}

function caller(ctx: SandboxContext, req: Request, params: URLSearchParams): IssuedCredentials {
  const akid = callerAccessKeyId(req, params);
  if (!akid) return fail(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
  const creds = ctx.store.credentials.get(akid);
  const token = req.headers['x-amz-security-token'] ?? params.get('X-Amz-Security-Token') ?? '';
  if (!creds || typeof token !== 'string' || !safeEqual(token, creds.sessionToken)) {
    return fail(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
  if (creds.expiresAt <= ctx.now()) {
    return fail(400, 'ExpiredToken', 'The security token included in the request is expired');
  }
  return creds;
}

const ROLE_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function assumeRole(ctx: SandboxContext, who: IssuedCredentials, params: URLSearchParams): string {
  const roleArn = params.get('RoleArn') ?? '';
  const m = ROLE_ARN.exec(roleArn);
  if (!m) return fail(400, 'ValidationError', `${roleArn || 'RoleArn'} is invalid`);
  const [, partition, accountId, roleName] = m as unknown as [string, string, string, string];
  const sessionName = params.get('RoleSessionName') ?? '';
  if (!SESSION_NAME.test(sessionName)) {
    return fail(
      400,
      'ValidationError',
      "1 validation error detected: Value at 'roleSessionName' failed to satisfy constraint: 2-64 characters of [\\w+=,.@-]",
    );
  }
  const rawDuration = params.get('DurationSeconds');
  const seconds = rawDuration === null ? 3600 : Number(rawDuration);
  if (!Number.isInteger(seconds) || seconds < 900 || seconds > 43200) {
    return fail(400, 'ValidationError', 'DurationSeconds must be between 900 and 43200');
  }
  // Every caller here holds a role, so every AssumeRole is role chaining: one hour at most.
  if (seconds > 3600) {
    return fail(
      400,
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (!ctx.store.directory.accounts.some((a) => a.id === accountId)) {
    return fail(
      403,
      'AccessDenied',
      `User: ${who.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
    );
  }
  const serial = params.get('SerialNumber');
  if (serial !== null && !/^\d{6}$/.test(params.get('TokenCode') ?? '')) {
    return fail(403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
  }
  const creds = mintLocalCredentials(ctx, {
    accountId,
    roleName,
    sessionName,
    seconds,
    chained: true,
    partition,
  });
  ctx.store.credentials.set(creds.accessKeyId, creds);
  const sourceIdentity = params.get('SourceIdentity');
  return (
    `<AssumeRoleResult>` +
    (sourceIdentity ? `<SourceIdentity>${escapeXml(sourceIdentity)}</SourceIdentity>` : '') +
    `<AssumedRoleUser><AssumedRoleId>${escapeXml(creds.userId)}</AssumedRoleId><Arn>${escapeXml(creds.arn)}</Arn></AssumedRoleUser>` +
    `<Credentials><AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>${creds.secretAccessKey}</SecretAccessKey>` +
    `<SessionToken>${creds.sessionToken}</SessionToken><Expiration>${isoSeconds(creds.expiresAt)}</Expiration></Credentials>` +
    `<PackedPolicySize>0</PackedPolicySize></AssumeRoleResult>`
  );
}

function getCallerIdentity(who: IssuedCredentials): string {
  return (
    `<GetCallerIdentityResult><Arn>${escapeXml(who.arn)}</Arn><UserId>${escapeXml(who.userId)}</UserId>` +
    `<Account>${who.accountId}</Account></GetCallerIdentityResult>`
  );
}

/** STS parameters: the form body (POST) merged over the query string. */
export function stsParams(req: Request): URLSearchParams {
  const params = new URLSearchParams(req.query);
  const type = req.headers['content-type'] ?? '';
  if (req.method === 'POST' && (type === '' || type.includes('application/x-www-form-urlencoded'))) {
    for (const [k, v] of new URLSearchParams(req.body)) params.set(k, v);
  }
  return params;
}

export function handleSts(ctx: SandboxContext, action: string, req: Request, res: ServerResponse) {
  const params = stsParams(req);
  try {
    let result: string;
    if (action === 'GetCallerIdentity') result = getCallerIdentity(caller(ctx, req, params));
    else if (action === 'AssumeRole') result = assumeRole(ctx, caller(ctx, req, params), params);
    else
      return stsError(res, 400, 'InvalidAction', `Could not find operation ${action} for version 2011-06-15`);
    const body =
      `<${action}Response xmlns="${NS}">${result}` +
      `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`;
    res.writeHead(200, { 'content-type': 'text/xml', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  } catch (error) {
    if (error instanceof StsFailure) return stsError(res, error.status, error.code, error.message);
    throw error;
  }
}
