import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { awsCliCacheDir, rolehopCacheDir } from '../../src/config/paths.ts';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { awsCli, needsAwsCliV2 } from '../harness/awscli-v2.ts';
import { runCli, runInProcess } from '../harness/cli.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { rolehopOnPath } from '../harness/signed-in-world.ts';
import { devSession } from '../harness/sso-session.ts';
import { writeFile } from '../harness/temp-home.ts';

// The real AWS CLI v2 (Debian's 2.9.19 at /usr/bin/aws) and rolehop on one HOME, against the sandbox
// (SSO, OIDC and STS): each uses the other's sign-in, refreshes the other's token, and signs out
// for both.

const ACCOUNT = '111111111111';
const ROLE = 'AdministratorAccess';

async function world(t: TestContext) {
  const w = await sandboxWorld(t, { autoApprove: true });
  writeFile(
    w.home.configFile,
    `${devSession(w.sandbox)}\n` +
      `[profile admin]\nsso_session = dev\nsso_account_id = ${ACCOUNT}\nsso_role_name = ${ROLE}\nregion = us-east-1\n`,
  );
  // A "browser" that follows the authorize redirect, as a user clicking through would.
  const opener = path.join(w.home.home, 'open.mjs');
  fs.writeFileSync(opener, 'await fetch(process.argv[2]);\n');
  const env = rolehopOnPath({ ...w.env, BROWSER: `${process.execPath} ${opener}` });
  const aws = awsCli(env, { sso: w.sandbox.url, sts: w.sandbox.url });
  const tokenFile = tokenCachePath(env, { name: 'dev', startUrl: w.sandbox.startUrl });
  const count = async (op: string) => (await w.sandbox.admin.counts())[op] ?? 0;
  const callerArn = async (profile = 'admin') => {
    const r = await aws.run(['sts', 'get-caller-identity', '--profile', profile]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout).Arn as string;
  };
  /** Neither tool may answer from its credential cache: the next call must use the SSO token. */
  const dropCredentialCaches = () => {
    fs.rmSync(awsCliCacheDir(env), { recursive: true, force: true });
    fs.rmSync(rolehopCacheDir(env), { recursive: true, force: true });
  };
  /** The sandbox forgets the access token and the file says it is about to expire: the next use refreshes. */
  const forceRefresh = async () => {
    await w.sandbox.admin.expireTokens({ kind: 'access' });
    const token = JSON.parse(fs.readFileSync(tokenFile, 'utf8'));
    token.expiresAt = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    fs.writeFileSync(tokenFile, JSON.stringify(token));
    dropCredentialCaches();
    return token.refreshToken as string;
  };
  return { ...w, env, aws, tokenFile, count, callerArn, dropCredentialCaches, forceRefresh };
}

const ROLE_ARN = new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/`);

test('aws sso login (device code) serves rolehop; each tool refreshes the token the other wrote', async (t) => {
  if (!needsAwsCliV2(t)) return;
  const w = await world(t);
  const login = await w.aws.run(['sso', 'login', '--sso-session', 'dev', '--no-browser']);
  assert.equal(login.code, 0, login.stderr);
  const signIns = await w.count('StartDeviceAuthorization');

  const who = await runInProcess(['whoami', 'admin', '--json'], w.env);
  assert.equal(who.code, 0, who.stderr);
  assert.match(JSON.parse(who.stdout).Arn, ROLE_ARN);

  // rolehop refreshes the CLI's token (the refresh token rotates) and the CLI goes on with rolehop's.
  const cliRefresh = await w.forceRefresh();
  const refreshed = await runInProcess(['whoami', 'admin', '--json'], w.env);
  assert.equal(refreshed.code, 0, refreshed.stderr);
  const afterRolehop = JSON.parse(fs.readFileSync(w.tokenFile, 'utf8'));
  assert.notEqual(afterRolehop.refreshToken, cliRefresh, 'rolehop stored the rotated refresh token');
  assert.match(await w.callerArn(), ROLE_ARN);

  // The CLI refreshes rolehop's token, and rolehop goes on with the CLI's.
  const rolehopRefresh = await w.forceRefresh();
  assert.match(await w.callerArn(), ROLE_ARN);
  const afterCli = JSON.parse(fs.readFileSync(w.tokenFile, 'utf8'));
  assert.notEqual(afterCli.refreshToken, rolehopRefresh, 'the CLI stored the rotated refresh token');
  w.dropCredentialCaches();
  const again = await runInProcess(['credential-process', 'admin'], w.env);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(await w.count('StartDeviceAuthorization'), signIns, 'nobody signed in again');
});

test('rolehop login (PKCE) serves aws sts, configure export-credentials and sso list-accounts; then aws sso login still works', async (t) => {
  if (!needsAwsCliV2(t)) return;
  const w = await world(t);
  const login = await runCli(['login', '--sso-session', 'dev'], { env: w.env, timeoutMs: 120_000 });
  assert.equal(login.code, 0, login.stderr);

  assert.match(await w.callerArn(), ROLE_ARN);
  const exported = await w.aws.run(['configure', 'export-credentials', '--profile', 'admin']);
  assert.equal(exported.code, 0, exported.stderr);
  assert.equal(JSON.parse(exported.stdout).Version, 1);
  const token = JSON.parse(fs.readFileSync(w.tokenFile, 'utf8')).accessToken as string;
  const accounts = await w.aws.run([
    'sso',
    'list-accounts',
    '--access-token',
    token,
    '--region',
    w.sandbox.region,
  ]);
  assert.equal(accounts.code, 0, accounts.stderr);
  assert.ok(
    JSON.parse(accounts.stdout).accountList.some((a: { accountId: string }) => a.accountId === ACCOUNT),
  );

  // Bug 1: rolehop's PKCE registration used to sit where the CLI looks for its device registration.
  const cliLogin = await w.aws.run(['sso', 'login', '--sso-session', 'dev', '--no-browser']);
  assert.equal(cliLogin.code, 0, cliLogin.stderr);
  // …and the reverse order: a PKCE sign-in after the CLI's, then the CLI's again.
  const again = await runCli(['login', '--sso-session', 'dev'], { env: w.env, timeoutMs: 120_000 });
  assert.equal(again.code, 0, again.stderr);
  const cliAgain = await w.aws.run(['sso', 'login', '--sso-session', 'dev', '--no-browser']);
  assert.equal(cliAgain.code, 0, cliAgain.stderr);
  const pkceAgain = await runCli(['login', '--sso-session', 'dev'], { env: w.env, timeoutMs: 120_000 });
  assert.equal(pkceAgain.code, 0, pkceAgain.stderr);
  assert.equal(await w.count('RegisterClient'), 2, 'one registration per flow, each reused');
});

test('rolehop login --device-code serves aws; rolehop logout ends the CLI cached SSO credentials too', async (t) => {
  if (!needsAwsCliV2(t)) return;
  const w = await world(t);
  const login = await runInProcess(['login', '--sso-session', 'dev', '--device-code'], w.env);
  assert.equal(login.code, 0, login.stderr);
  assert.match(await w.callerArn(), ROLE_ARN);
  const cached = fs.readdirSync(awsCliCacheDir(w.env));
  assert.equal(cached.length, 1, 'the CLI cached the role credentials');
  // Not the CLI's SSO credentials: an assumed role's cache entry stays, as `aws sso logout` leaves it.
  const other = path.join(awsCliCacheDir(w.env), 'assumed-role.json');
  fs.writeFileSync(other, JSON.stringify({ ProviderType: 'assume-role', Credentials: {} }));

  const logout = await runInProcess(['logout'], w.env);
  assert.equal(logout.code, 0, logout.stderr);
  assert.match(logout.stderr, /1 AWS CLI cached SSO credential file deleted/);
  assert.deepEqual(fs.readdirSync(awsCliCacheDir(w.env)), ['assumed-role.json']);
  const after = await w.aws.run(['sts', 'get-caller-identity', '--profile', 'admin']);
  assert.notEqual(after.code, 0, 'the CLI no longer has credentials after a rolehop logout');
});

test('after aws sso logout, rolehop serves no cached credentials derived from that sign-in (exit 3)', async (t) => {
  if (!needsAwsCliV2(t)) return;
  const w = await world(t);
  const login = await w.aws.run(['sso', 'login', '--sso-session', 'dev', '--no-browser']);
  assert.equal(login.code, 0, login.stderr);
  const first = await runInProcess(['credential-process', 'admin'], w.env);
  assert.equal(first.code, 0, first.stderr);
  const logout = await w.aws.run(['sso', 'logout']);
  assert.equal(logout.code, 0, logout.stderr);
  assert.equal(fs.existsSync(w.tokenFile), false);
  const after = await runInProcess(['credential-process', 'admin'], w.env);
  assert.equal(after.code, 3, after.stderr);
  assert.equal(after.stdout, '');
  assert.match(
    after.stderr,
    /not signed in to sso-session "dev"[\s\S]*hint: run rolehop login --sso-session dev/,
  );
});
