import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { runCli } from '../harness/cli.ts';
import { signIn, startSandbox, tokenCacheEntry } from '../harness/sandbox.ts';
import { devSession } from '../harness/sso-session.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { hashTree, runInProcess, signedIn } from './harness.ts';

// Broken answers from the services: truncated JSON, wrong types, missing fields, huge bodies, a
// paging loop, a reset connection. A tiny fake server on 127.0.0.1:0 stands in for one service at a
// time (the sandbox serves the rest). Each gives a clear error and changes no file.

type Reply = { status?: number; type?: string; body?: string; reset?: boolean; chunks?: number };

interface ResponseCase {
  name: string;
  /** The service the fake answers for. */
  service: 'SSO' | 'SSO_OIDC' | 'STS';
  args: string[];
  reply: Reply;
  /** Make the token look expired so the OIDC refresh runs. */
  expired?: boolean;
  code: number;
  message: RegExp;
  /** The SSO step before the failing hop succeeded and may be cached. */
  mayCacheSteps?: boolean;
}

const CP = ['credential-process', 'prod'];
const ASSUME = [
  'credential-process',
  'prod',
  '--assume',
  'arn:aws:iam::111111111111:role/Deploy',
  '--min-ttl',
  '11h',
];
const json = (body: unknown) => ({ type: 'application/json', body: JSON.stringify(body) });
const creds = (over: Record<string, unknown>) =>
  json({
    roleCredentials: {
      accessKeyId: 'ASIAFAKEFAKEFAKEFAKE',
      secretAccessKey: 'fakesecretfakesecretfakesecretfakesecret',
      sessionToken: 'faketokenfaketokenfaketoken',
      expiration: Date.now() + 3_600_000,
      ...over,
    },
  });
const stsXml = (inner: string) => ({
  type: 'text/xml',
  body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>${inner}</AssumeRoleResult></AssumeRoleResponse>`,
});

type Row = [name: string, reply: Reply, code: number, message: RegExp];
const INCOMPLETE = /the SSO portal returned incomplete credentials for AdministratorAccess in 111111111111/;
const MALFORMED =
  /the SSO portal returned malformed credentials for AdministratorAccess in 111111111111\n\s+hint: /;
const UNPARSABLE =
  /the SSO portal call failed: SyntaxError: (?:(?!Deserialization error)[\s\S])*hint: the answer was not the portal's JSON/;
const REFRESH_REFUSED =
  /the SSO sign-in for sso-session "dev" has expired.*\n\s+hint: run rolehop login --sso-session dev/;
const STS_FAILED = /AssumeRole hop 1 of prod \(prod -> Deploy\) failed: /;

const getRoleCredentials: Row[] = [
  [
    'truncated JSON',
    { type: 'application/json', body: '{"roleCredentials":{"accessKeyId":"ASIA' },
    5,
    UNPARSABLE,
  ],
  ['a JSON list', json([]), 5, INCOMPLETE],
  ['an empty object', json({}), 5, INCOMPLETE],
  ['roleCredentials null', json({ roleCredentials: null }), 5, INCOMPLETE],
  ['accessKeyId a number', creds({ accessKeyId: 12345 }), 5, MALFORMED],
  ['no secretAccessKey', creds({ secretAccessKey: undefined }), 5, INCOMPLETE],
  ['no sessionToken', creds({ sessionToken: undefined }), 5, INCOMPLETE],
  ['expiration a word', creds({ expiration: 'tomorrow' }), 5, MALFORMED],
  ['no expiration', creds({ expiration: undefined }), 5, INCOMPLETE],
  ['an HTML page', { type: 'text/html', body: '<html><body>Sign in</body></html>' }, 5, UNPARSABLE],
  ['an empty body', { type: 'application/json', body: '' }, 5, INCOMPLETE],
  ['a 20 MB key', creds({ accessKeyId: `ASIA${'A'.repeat(20_000_000)}` }), 5, MALFORMED],
  ['a reset connection', { reset: true }, 5, /could not reach http:\/\/127\.0\.0\.1:\d+.*\n\s+hint: /],
  [
    '500 with a truncated body',
    { status: 500, type: 'application/json', body: '{"message":"' },
    5,
    /the SSO portal kept failing \(SyntaxError, 8 attempts\)/,
  ],
  ['400 with junk', { status: 400, type: 'text/plain', body: '\u0000\u0001junk' }, 5, UNPARSABLE],
];
const listAccounts: Row[] = [
  ['truncated JSON', { type: 'application/json', body: '{"accountList":[{"accountId":"1' }, 5, UNPARSABLE],
  [
    'accountList a string',
    json({ accountList: 'all of them' }),
    5,
    /the SSO portal returned a malformed account list/,
  ],
  [
    'a paging loop',
    json({ accountList: [], nextToken: 'again' }),
    5,
    /the SSO portal repeated a page token in ListAccounts/,
  ],
  ['an HTML page', { type: 'text/html', body: '<html></html>' }, 5, UNPARSABLE],
];
// A refresh answer rolehop cannot use is treated like a refused refresh: sign in again (exit 3).
const createToken: Row[] = [
  ['truncated JSON', { type: 'application/json', body: '{"accessToken":"aoa' }, 3, REFRESH_REFUSED],
  ['no accessToken', json({ expiresIn: 3600, tokenType: 'Bearer' }), 3, REFRESH_REFUSED],
  ['expiresIn a word', json({ accessToken: 'aoaNEWNEWNEWNEWNEW', expiresIn: 'soon' }), 3, REFRESH_REFUSED],
  ['expiresIn negative', json({ accessToken: 'aoaNEWNEWNEWNEWNEW', expiresIn: -5 }), 3, REFRESH_REFUSED],
  ['an empty body', { type: 'application/json', body: '' }, 3, REFRESH_REFUSED],
];
const assumeRole: Row[] = [
  [
    'truncated XML',
    { type: 'text/xml', body: '<AssumeRoleResponse><AssumeRoleResult><Credentials><Access' },
    1,
    STS_FAILED,
  ],
  ['no Credentials', stsXml(''), 1, /the AssumeRole response carried no credentials/],
  [
    'Expiration garbage',
    stsXml(
      '<Credentials><AccessKeyId>ASIAFAKEFAKEFAKEFAKE</AccessKeyId><SecretAccessKey>secretsecretsecretsecret</SecretAccessKey><SessionToken>tokentokentoken</SessionToken><Expiration>never</Expiration></Credentials>',
    ),
    1,
    STS_FAILED,
  ],
  ['JSON instead of XML', json({ Credentials: {} }), 1, STS_FAILED],
];

const rows = (
  service: ResponseCase['service'],
  operation: string,
  args: string[],
  list: Row[],
  extra: Partial<ResponseCase> = {},
): ResponseCase[] =>
  list.map(([name, reply, code, message]) => ({
    name: `${operation}: ${name} → exit ${code}`,
    service,
    args,
    reply,
    code,
    message,
    ...extra,
  }));

const cases: ResponseCase[] = [
  ...rows('SSO', 'GetRoleCredentials', CP, getRoleCredentials),
  ...rows('SSO', 'ListAccounts', ['ls', '--refresh'], listAccounts),
  ...rows('SSO_OIDC', 'CreateToken (refresh)', CP, createToken, { expired: true }),
  ...rows('STS', 'AssumeRole', ASSUME, assumeRole, { mayCacheSteps: true }),
];

function send(res: ServerResponse, reply: Reply): void {
  if (reply.reset) {
    res.socket?.destroy();
    return;
  }
  res.writeHead(reply.status ?? 200, { 'content-type': reply.type ?? 'application/json' });
  res.end(reply.body ?? '');
}

describe('bad responses from the services', { concurrency: 4 }, async () => {
  const sandbox = await startSandbox(undefined);
  after(() => sandbox.stop());
  const tokens = await signIn(sandbox);
  const config = `${devSession(sandbox)}\n[profile prod]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n`;

  cases.forEach((c, i) => {
    test(c.name, async (t) => {
      const fake = createServer((req, res) => {
        req.resume();
        req.on('end', () => send(res, c.reply));
      });
      await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
      t.after(
        () =>
          new Promise<void>((resolve) => {
            fake.closeAllConnections();
            fake.close(() => resolve());
          }),
      );
      const fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      const home = tempHome(t);
      const env = {
        ...home.env,
        ...sandbox.env,
        AWS_REGION: sandbox.region,
        [`AWS_ENDPOINT_URL_${c.service}`]: fakeUrl,
      };
      writeFile(home.configFile, config);
      writeFile(
        tokenCachePath(env, { name: 'dev', startUrl: sandbox.startUrl }),
        JSON.stringify(tokenCacheEntry(sandbox, { ...tokens, ...(c.expired ? { expiresIn: -60 } : {}) })),
      );
      const before = hashTree(home.home);
      const r =
        i % 5 === 0
          ? await runCli(c.args, { env, timeoutMs: 60_000 })
          : await Promise.race([
              runInProcess(c.args, env),
              new Promise<never>((_, reject) =>
                setTimeout(() => reject(new Error('hung for 60 s')), 60_000).unref(),
              ),
            ]);
      if (process.env.REL_DUMP) {
        console.log(
          `${c.name}\n  code ${r.code}\n  ${r.stderr.trim().split('\n').join('\n  ').slice(0, 600)}\n  out ${r.stdout.slice(0, 200)}`,
        );
        return;
      }
      assert.equal(r.code, c.code, r.stderr);
      assert.match(r.stderr, c.message);
      assert.match(r.stderr, /^rolehop: /);
      assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
      assert.equal(r.stdout, '');
      const after = hashTree(home.home);
      if (c.mayCacheSteps) {
        for (const k of Object.keys(after))
          if (/^\.cache\/rolehop\/creds-/.test(k) && !(k in before)) delete after[k];
      }
      assert.deepEqual(after, before, 'no file changed');
    });
  });
});

// The sandbox's forced errors: each modelled service error maps to its exit code and message.
const forced: {
  operation: string;
  error: string;
  status: number;
  args: string[];
  expired?: boolean;
  code: number;
  message: RegExp;
}[] = [
  {
    operation: 'GetRoleCredentials',
    error: 'UnauthorizedException',
    status: 401,
    args: CP,
    code: 3,
    message: /the SSO sign-in for dev is no longer valid.*\n\s+hint: run rolehop login --sso-session dev/,
  },
  {
    operation: 'GetRoleCredentials',
    error: 'ForbiddenException',
    status: 403,
    args: CP,
    code: 4,
    message: /access denied to role "AdministratorAccess" in account 111111111111/,
  },
  {
    operation: 'GetRoleCredentials',
    error: 'ResourceNotFoundException',
    status: 404,
    args: CP,
    code: 4,
    message: /access denied to role "AdministratorAccess" in account 111111111111/,
  },
  {
    operation: 'ListAccounts',
    error: 'UnauthorizedException',
    status: 401,
    args: ['ls', '--refresh'],
    code: 3,
    message: /no longer valid.*\n\s+hint: run rolehop login --sso-session dev/,
  },
  {
    operation: 'CreateToken',
    error: 'InvalidGrantException',
    status: 400,
    args: CP,
    expired: true,
    code: 3,
    message: /has expired.*\n\s+hint: run rolehop login --sso-session dev/,
  },
  {
    operation: 'CreateToken',
    error: 'ExpiredTokenException',
    status: 400,
    args: ['ls', '--refresh'],
    expired: true,
    code: 3,
    message: /has expired.*\n\s+hint: run rolehop login --sso-session dev/,
  },
];

describe('forced service errors from the sandbox', { concurrency: 3 }, () => {
  for (const f of forced) {
    test(`${f.operation} ${f.error} (${f.args[0]}) → exit ${f.code}`, async (t) => {
      const w = await signedIn(t, f.expired ? { expiresIn: -60 } : {});
      await w.sandbox.admin.setFaults({
        forcedErrors: [{ operation: f.operation, error: f.error, status: f.status }],
      });
      const before = hashTree(w.home.home);
      const refreshesBefore = (await w.sandbox.admin.counts()).CreateToken ?? 0;
      const r = await runInProcess(f.args, w.env);
      assert.equal(r.code, f.code, r.stderr);
      assert.match(r.stderr, f.message);
      assert.doesNotMatch(r.stderr, /unexpected error/);
      assert.equal(r.stdout, '');
      // A rejected token leaves rolehop's marker (a hash, 0600) so status stops saying "signed in", and
      // is first refreshed once (the portal may end sessions early): the token file is rewritten.
      const after = hashTree(w.home.home);
      const rejected = f.error === 'UnauthorizedException';
      const markers = Object.keys(after).filter((file) => file.startsWith('.cache/rolehop/rejected-tokens/'));
      assert.equal(markers.length, rejected ? 1 : 0, 'rejected-token marker');
      for (const marker of markers) delete after[marker];
      if (rejected) {
        assert.equal((await w.sandbox.admin.counts()).CreateToken ?? 0, refreshesBefore + 1, 'one refresh');
        for (const file of Object.keys(before).filter((file) => file.startsWith('.aws/sso/cache/'))) {
          delete before[file];
          delete after[file];
        }
      }
      assert.deepEqual(after, before, 'no other file changed');
    });
  }
});
