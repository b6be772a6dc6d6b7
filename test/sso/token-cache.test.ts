import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pythonJsonDumps } from '../../src/sso/python-json.ts';
import {
  readRegistration,
  registrationCacheKey,
  registrationCachePath,
  writeRegistration,
} from '../../src/sso/registration-cache.ts';
import {
  CorruptTokenError,
  isRefreshable,
  parseTokenText,
  readToken,
  type SsoToken,
  serializeToken,
  tokenCachePath,
  writeToken,
} from '../../src/sso/token-cache.ts';
import { redactText } from '../../src/util/redact.ts';
import { requires } from '../harness/requires.ts';
import { tempHome } from '../harness/temp-home.ts';

const token: SsoToken = {
  startUrl: 'https://d-123.awsapps.com/start',
  region: 'us-east-1',
  accessToken: 'access-token-aaaaaaaaaaaa',
  expiresAt: Date.parse('2026-01-02T11:04:05Z'),
  clientId: 'client-id-1',
  clientSecret: 'client-secret-bbbbbbbbbb',
  registrationExpiresAt: Date.parse('2026-04-02T03:04:05Z'),
  refreshToken: 'refresh-token-cccccccccc',
};

function python(script: string, env: Record<string, string>, input = ''): string {
  return execFileSync('python3', ['-c', script], { env, input, encoding: 'utf8' });
}

test('the token file is named sha1(session name) in ~/.aws/sso/cache, as the AWS CLI names it', (t) => {
  if (!requires(t, 'python3')) return;
  const { env, home } = tempHome(t);
  assert.equal(
    tokenCachePath(env, { name: 'dev', startUrl: 'x' }),
    path.join(home, '.aws', 'sso', 'cache', '34c6fceca75e456f25e7e99531e2425c6c1de443.json'),
  );
  // legacy profiles: sha1 of the start URL
  const legacy = python(
    'import hashlib;print(hashlib.sha1(b"https://d-123.awsapps.com/start").hexdigest())',
    env,
  ).trim();
  assert.equal(path.basename(tokenCachePath(env, { startUrl: token.startUrl })), `${legacy}.json`);
});

test('a token file is byte-identical to the one botocore writes for the same values', (t) => {
  if (!requires(t, 'botocore')) return;
  const { env } = tempHome(t);
  const script = `
import json, sys, tempfile, os
from datetime import datetime, timezone
from botocore.utils import JSONFileCache
from botocore.tokens import _sso_json_dumps
d = tempfile.mkdtemp()
cache = JSONFileCache(d, dumps_func=_sso_json_dumps)
cache['k'] = {
  "startUrl": "https://d-123.awsapps.com/start", "region": "us-east-1",
  "accessToken": "access-token-aaaaaaaaaaaa",
  "expiresAt": datetime(2026, 1, 2, 11, 4, 5, tzinfo=timezone.utc),
  "clientId": "client-id-1", "clientSecret": "client-secret-bbbbbbbbbb",
  "registrationExpiresAt": "2026-04-02T03:04:05Z", "refreshToken": "refresh-token-cccccccccc"}
sys.stdout.write(open(os.path.join(d, 'k.json')).read())
`;
  assert.equal(serializeToken(token), python(script, env));
});

test('botocore reads a token rolehop wrote (SSOTokenLoader) and rolehop reads what botocore wrote', (t) => {
  if (!requires(t, 'botocore')) return;
  const { env } = tempHome(t);
  const session = { name: 'dev', startUrl: token.startUrl, region: 'us-east-1' };
  writeToken(env, session, token);
  const file = tokenCachePath(env, session);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  const out = python(
    `
import os, json
from botocore.utils import SSOTokenLoader, JSONFileCache
loader = SSOTokenLoader(cache=JSONFileCache(os.path.expanduser('~/.aws/sso/cache')))
t = loader('${token.startUrl}', session_name='dev')
print(json.dumps([t['accessToken'], t['expiresAt'], t['refreshToken']]))
`,
    env,
  );
  assert.deepEqual(JSON.parse(out), [token.accessToken, '2026-01-02T11:04:05Z', token.refreshToken]);
  // expiresAt with milliseconds and +00:00 (other writers) reads the same
  fs.writeFileSync(
    file,
    JSON.stringify({
      ...JSON.parse(fs.readFileSync(file, 'utf8')),
      expiresAt: '2026-01-02T11:04:05.000+00:00',
    }),
  );
  assert.equal(readToken(env, session)?.expiresAt, token.expiresAt);
});

test('unknown keys written by other tools survive a rewrite', () => {
  const text = serializeToken(token).replace(/}$/, ', "receivedAt": "2026-01-02T10:04:05Z"}');
  const parsed = parseTokenText(text, 'f');
  assert.match(serializeToken(parsed), /"receivedAt": "2026-01-02T10:04:05Z"}$/);
});

test('a corrupt token file gives a clear CorruptTokenError (exit 3) naming the file and the fix', (t) => {
  const { env } = tempHome(t);
  const session = { name: 'dev', startUrl: token.startUrl, region: 'us-east-1' };
  const file = tokenCachePath(env, session);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  for (const [content, why] of [
    ['{"accessToken": "abc", "expiresAt": ', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"expiresAt": "2026-01-02T11:04:05Z"}', /accessToken is missing/],
    ['{"accessToken": "abcdefghij", "expiresAt": "soon"}', /expiresAt is missing or not a timestamp/],
    ['{"accessToken": {"length": 5}, "expiresAt": "2026-01-02T11:04:05Z"}', /accessToken is missing/],
    ['{"accessToken": "abc\\u0000def", "expiresAt": "2026-01-02T11:04:05Z"}', /holds a NUL byte/],
  ] as const) {
    fs.writeFileSync(file, content);
    assert.throws(
      () => readToken(env, session),
      (e: unknown) =>
        e instanceof CorruptTokenError &&
        e.exitCode === 3 &&
        why.test(e.message) &&
        e.message.includes(file) &&
        /rolehop login --sso-session dev/.test(e.hint ?? ''),
    );
    assert.equal(fs.readFileSync(file, 'utf8'), content, 'reading never rewrites the file');
  }
});

test("a symlink or another user's file at the token path is not read, and a write replaces it, never its target", (t) => {
  const { env, home } = tempHome(t);
  const session = { name: 'dev', startUrl: token.startUrl, region: 'us-east-1' };
  const file = tokenCachePath(env, session);
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const victim = path.join(home, '.bashrc');
  fs.writeFileSync(victim, serializeToken({ ...token, accessToken: 'planted-token-dddddddddd' }));
  const before = fs.readFileSync(victim, 'utf8');
  fs.symlinkSync(victim, file);
  assert.equal(readToken(env, session), undefined, 'a planted link is not followed');
  writeToken(env, session, token);
  assert.equal(fs.readFileSync(victim, 'utf8'), before, 'the link target was not written');
  assert.ok(fs.lstatSync(file).isFile());
  assert.equal(readToken(env, session)?.accessToken, token.accessToken);
  if (process.getuid?.() !== 0) return; // chown to another uid needs root
  fs.chownSync(file, 65534, 65534);
  assert.equal(readToken(env, session), undefined, "another user's file is not ours to trust");
});

test('tokens read from disk are registered as secrets, so logs never show them', (t) => {
  const { env } = tempHome(t);
  const session = { name: 'secrets', startUrl: token.startUrl, region: 'us-east-1' };
  const fresh = { ...token, accessToken: 'another-access-token-zzzz', refreshToken: 'another-refresh-yyyy' };
  const file = tokenCachePath(env, session);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, serializeToken(fresh));
  readToken(env, session);
  assert.equal(redactText(`x ${fresh.accessToken} ${fresh.refreshToken}`), 'x **** ****');
});

test('refreshable only with refresh token, client and an unexpired registration', () => {
  const now = Date.parse('2026-01-02T10:00:00Z');
  assert.equal(isRefreshable(token, now), true);
  assert.equal(isRefreshable({ ...token, refreshToken: undefined }, now), false);
  assert.equal(isRefreshable({ ...token, clientSecret: undefined }, now), false);
  assert.equal(isRefreshable({ ...token, registrationExpiresAt: now - 1 }, now), false);
});

test('the registration cache file name matches the AWS CLI v2 key (sorted python json, sha1)', (t) => {
  if (!requires(t, 'python3')) return;
  const { env } = tempHome(t);
  const session = { name: 'dev', startUrl: token.startUrl, region: 'eu-west-1' };
  const scopes = ['sso:account:access'];
  const expected = python(
    `
import json, hashlib
args = {'tool': 'botocore', 'startUrl': '${token.startUrl}', 'region': 'eu-west-1', 'scopes': ['sso:account:access'], 'session_name': 'dev'}
s = json.dumps(args, sort_keys=True)
print(s); print(hashlib.sha1(s.encode('utf-8')).hexdigest())
`,
    env,
  ).split('\n');
  assert.equal(registrationCacheKey(session, scopes), expected[0]);
  assert.equal(path.basename(registrationCachePath(env, session, scopes)), `${expected[1]}.json`);
});

test('a registration is reused only by the flow its grant types serve; a PKCE one has its own file', (t) => {
  const { env } = tempHome(t);
  const session = { name: 'dev', startUrl: 'https://d-1234567890.awsapps.com/start', region: 'eu-west-1' };
  const scopes = ['sso:account:access'];
  const pkce = ['authorization_code', 'refresh_token'];
  const now = Date.now();
  const expiresAt = now + 30 * 86400_000;
  assert.notEqual(
    registrationCachePath(env, session, scopes, pkce),
    registrationCachePath(env, session, scopes),
  );
  writeRegistration(env, session, scopes, {
    clientId: 'pkce-client',
    clientSecret: 'pkce-secret',
    expiresAt,
    grantTypes: pkce,
  });
  assert.equal(
    readRegistration(env, session, scopes, undefined, now),
    undefined,
    'the device flow finds none',
  );
  assert.equal(readRegistration(env, session, scopes, pkce, now)?.clientId, 'pkce-client');
  writeRegistration(env, session, scopes, {
    clientId: 'device-client',
    clientSecret: 'device-secret',
    expiresAt,
  });
  assert.equal(readRegistration(env, session, scopes, undefined, now)?.clientId, 'device-client');
  assert.equal(readRegistration(env, session, scopes, pkce, now)?.clientId, 'pkce-client');
  // An AWS CLI 2.22+ PKCE registration in the shared file is not the device flow's to reuse.
  fs.writeFileSync(
    registrationCachePath(env, session, scopes),
    pythonJsonDumps({
      clientId: 'cli-pkce',
      clientSecret: 's',
      expiresAt: '2099-01-01T00:00:00Z',
      grantTypes: pkce,
    }),
  );
  assert.equal(readRegistration(env, session, scopes, undefined, now), undefined);
});

test('python-compatible JSON escapes like json.dumps (ensure_ascii)', (t) => {
  if (!requires(t, 'python3')) return;
  const { env } = tempHome(t);
  const value = { a: 'q"b\\s/\n\t\u0001\u007fé😀', n: 3, l: ['x', null, true], z: { y: 1 } };
  const expected = python(
    'import json,sys;sys.stdout.write(json.dumps(json.loads(sys.stdin.read())))',
    env,
    JSON.stringify(value),
  );
  assert.equal(pythonJsonDumps(value), expected);
});
