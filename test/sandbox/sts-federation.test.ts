import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { signIn, startSandbox, type TestSandbox } from '../harness/sandbox.ts';
import { portalGet } from './wire.ts';

async function roleCredentials(sb: TestSandbox, accountId = '333333333333', roleName = 'PowerUserAccess') {
  const { accessToken } = await signIn(sb);
  const r = await portalGet(sb.url, '/federation/credentials', accessToken, {
    account_id: accountId,
    role_name: roleName,
  });
  const rc = r.body.roleCredentials as { accessKeyId: string; secretAccessKey: string; sessionToken: string };
  return { accessKeyId: rc.accessKeyId, secretAccessKey: rc.secretAccessKey, sessionToken: rc.sessionToken };
}

function sts(
  sb: TestSandbox,
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
) {
  return new STSClient({ region: 'us-east-1', endpoint: sb.url, credentials, maxAttempts: 1 });
}

async function stsError(
  promise: Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected an STS error');
}

test('STS knows the caller from the SigV4 access key: GetCallerIdentity and a chained AssumeRole', async (t) => {
  const sb = await startSandbox(t);
  const creds = await roleCredentials(sb);
  const client = sts(sb, creds);
  t.after(() => client.destroy());
  const me = await client.send(new GetCallerIdentityCommand({}));
  assert.equal(me.Arn, 'arn:aws:sts::333333333333:assumed-role/PowerUserAccess/alice');
  assert.equal(me.Account, '333333333333');
  assert.match(me.UserId ?? '', /^AROA[A-Z2-7]{17}:alice$/);

  const assumed = await client.send(
    new AssumeRoleCommand({
      RoleArn: 'arn:aws:iam::111111111111:role/deploy',
      RoleSessionName: 'ci-run',
      DurationSeconds: 900,
      SourceIdentity: 'alice',
      ExternalId: 'x-1',
      Tags: [{ Key: 'team', Value: 'web' }],
    }),
  );
  assert.equal(assumed.AssumedRoleUser?.Arn, 'arn:aws:sts::111111111111:assumed-role/deploy/ci-run');
  assert.equal(assumed.SourceIdentity, 'alice');
  const lifetime = (assumed.Credentials?.Expiration?.getTime() ?? 0) - Date.now();
  assert.ok(lifetime > 800_000 && lifetime <= 900_000, String(lifetime));
  const hop = sts(sb, {
    accessKeyId: assumed.Credentials!.AccessKeyId!,
    secretAccessKey: assumed.Credentials!.SecretAccessKey!,
    sessionToken: assumed.Credentials!.SessionToken!,
  });
  t.after(() => hop.destroy());
  assert.equal((await hop.send(new GetCallerIdentityCommand({}))).Arn, assumed.AssumedRoleUser?.Arn);
});

test('STS errors: bad input, role chaining over an hour, unknown account, MFA, unknown and expired keys', async (t) => {
  const sb = await startSandbox(t);
  const creds = await roleCredentials(sb);
  const client = sts(sb, creds);
  t.after(() => client.destroy());
  const assume = (input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]>) =>
    client.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111111111111:role/deploy',
        RoleSessionName: 'ok-name',
        ...input,
      }),
    );
  const chain = await stsError(assume({ DurationSeconds: 7200 }));
  assert.equal(chain.name, 'ValidationError');
  assert.match(chain.message, /1 hour session limit for roles assumed by role chaining/);
  assert.equal((await stsError(assume({ RoleSessionName: 'has space' }))).name, 'ValidationError');
  assert.equal((await stsError(assume({ RoleArn: 'arn:aws:iam::111:role/x' }))).name, 'ValidationError');
  const denied = await stsError(assume({ RoleArn: 'arn:aws:iam::999999999999:role/x' }));
  assert.equal(denied.name, 'AccessDenied');
  assert.equal(denied.status, 403);
  const mfa = await stsError(
    assume({ SerialNumber: 'arn:aws:iam::111111111111:mfa/alice', TokenCode: 'abc' }),
  );
  assert.equal(mfa.name, 'AccessDenied');
  assert.ok(await assume({ SerialNumber: 'arn:aws:iam::111111111111:mfa/alice', TokenCode: '123456' }));

  const stranger = sts(sb, { accessKeyId: 'ASIAAAAAAAAAAAAAAAAA', secretAccessKey: 'x', sessionToken: 'y' });
  t.after(() => stranger.destroy());
  const unknown = await stsError(stranger.send(new GetCallerIdentityCommand({})));
  assert.equal(unknown.name, 'InvalidClientTokenId');
  assert.equal(unknown.status, 403);
  const wrongToken = sts(sb, { ...creds, sessionToken: 'not-the-token' });
  t.after(() => wrongToken.destroy());
  assert.equal(
    (await stsError(wrongToken.send(new GetCallerIdentityCommand({})))).name,
    'InvalidClientTokenId',
  );
  await sb.admin.expireTokens({ kind: 'credentials', token: creds.accessKeyId });
  const expired = await stsError(client.send(new GetCallerIdentityCommand({})));
  assert.equal(expired.name, 'ExpiredToken');

  const unknownAction = await fetch(`${sb.url}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'Action=GetSessionToken&Version=2011-06-15',
  });
  assert.equal(unknownAction.status, 400);
  assert.match(await unknownAction.text(), /<Code>InvalidAction<\/Code>/);
});

test('console federation: getSigninToken, then login redirects to the Destination once', async (t) => {
  const sb = await startSandbox(t);
  const creds = await roleCredentials(sb);
  const session = JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  const tokenRes = await fetch(
    `${sb.url}/federation?Action=getSigninToken&SessionDuration=3600&Session=${encodeURIComponent(session)}`,
  );
  assert.equal(tokenRes.status, 200);
  const { SigninToken } = (await tokenRes.json()) as { SigninToken: string };
  assert.ok(SigninToken);
  const destination = `${sb.url}/console`;
  const loginUrl = `${sb.url}/federation?Action=login&Issuer=rolehop&Destination=${encodeURIComponent(destination)}&SigninToken=${encodeURIComponent(SigninToken)}`;
  const login = await fetch(loginUrl, { redirect: 'manual' });
  assert.equal(login.status, 302);
  assert.equal(login.headers.get('location'), destination);
  const console = await fetch(destination);
  assert.match(await console.text(), /AWS Management Console/);
  const again = await fetch(loginUrl, { redirect: 'manual' });
  assert.equal(again.status, 400, 'a sign-in token is single use');
  assert.match(await again.text(), /SigninToken is missing, invalid or expired/);

  const counts = await sb.admin.counts();
  assert.equal(counts.GetSigninToken, 1);
  assert.equal(counts.Login, 2);
});

test('console federation refuses bad sessions, bad durations and chained SessionDuration', async (t) => {
  const sb = await startSandbox(t);
  const creds = await roleCredentials(sb);
  const get = async (session: string, extra = '') => {
    const r = await fetch(
      `${sb.url}/federation?Action=getSigninToken&Session=${encodeURIComponent(session)}${extra}`,
    );
    return { status: r.status, text: await r.text() };
  };
  const good = JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: creds.secretAccessKey,
    sessionToken: creds.sessionToken,
  });
  assert.match((await get('not json')).text, /Session must be URL-encoded JSON/);
  const wrongKey = JSON.stringify({
    sessionId: creds.accessKeyId,
    sessionKey: 'nope',
    sessionToken: creds.sessionToken,
  });
  assert.equal((await get(wrongKey)).status, 400);
  assert.match((await get(good, '&SessionDuration=60')).text, /between 900 and 43200/);

  const client = sts(sb, creds);
  t.after(() => client.destroy());
  const hop = await client.send(
    new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/deploy', RoleSessionName: 'hop' }),
  );
  const chained = JSON.stringify({
    sessionId: hop.Credentials!.AccessKeyId,
    sessionKey: hop.Credentials!.SecretAccessKey,
    sessionToken: hop.Credentials!.SessionToken,
  });
  assert.match(
    (await get(chained, '&SessionDuration=3600')).text,
    /not allowed for credentials obtained by role chaining/,
  );
  assert.equal((await get(chained)).status, 200, 'without SessionDuration chained credentials are fine');
  const bad = await fetch(`${sb.url}/federation?Action=dance`);
  assert.equal(bad.status, 400);
  const { SigninToken } = JSON.parse((await get(good)).text) as { SigninToken: string };
  const badDest = await fetch(
    `${sb.url}/federation?Action=login&Destination=javascript:alert(1)&SigninToken=${SigninToken}`,
    {
      redirect: 'manual',
    },
  );
  assert.equal(badDest.status, 400);
});
