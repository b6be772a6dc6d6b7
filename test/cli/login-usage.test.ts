import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli, runInProcess } from '../harness/cli.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

const TWO_SESSIONS =
  '[sso-session alpha]\nsso_start_url = https://a.awsapps.com/start\nsso_region = us-east-1\n\n[sso-session beta]\nsso_start_url = https://b.awsapps.com/start\nsso_region = eu-west-1\n';

for (const [label, args, pattern] of [
  [
    'a non-https start URL',
    ['--start-url', 'http://example.com/start', '--sso-region', 'us-east-1'],
    /must use https/,
  ],
  [
    'a start URL that is not a URL',
    ['--start-url', 'not a url', '--sso-region', 'us-east-1'],
    /invalid start URL/,
  ],
  ['--start-url without --sso-region', ['--start-url', 'https://x.awsapps.com/start'], /needs --sso-region/],
  ['--sso-region without --start-url', ['--sso-region', 'us-east-1'], /goes with --start-url/],
  [
    'a malformed region',
    ['--start-url', 'https://x.awsapps.com/start', '--sso-region', 'Mars'],
    /not an AWS region/,
  ],
  ['several sessions and no --sso-session', [], /several sso-sessions are configured: alpha, beta/],
  ['an unknown --sso-session', ['--sso-session', 'gamma'], /no sso-session named "gamma"[\s\S]*alpha, beta/],
  [
    'a --start-url that conflicts with the existing session of that name',
    ['--start-url', 'https://other.awsapps.com/start', '--sso-region', 'us-east-1', '--sso-session', 'alpha'],
    /already exists with start URL https:\/\/a\.awsapps\.com\/start/,
  ],
] as const) {
  test(`login refuses ${label}: exit 2, a clear message, no file changed`, async (t) => {
    const h = tempHome(t);
    writeFile(h.configFile, TWO_SESSIONS);
    const before = snapshot(h.home);
    const r = await runInProcess(['login', ...args], h.env);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, '');
    assert.deepEqual(snapshot(h.home), before);
  });
}

test('login with no sso-session configured says how to sign in the first time', async (t) => {
  const h = tempHome(t);
  const r = await runInProcess(['login'], h.env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no sso-session is configured[\s\S]*--start-url URL --sso-region REGION/);
  assert.deepEqual(snapshot(h.home), {});
});

test('an unreachable sign-in service is a network error (exit 5) and writes nothing', async (t) => {
  const h = tempHome(t, { AWS_ENDPOINT_URL_SSO_OIDC: 'http://127.0.0.1:9', BROWSER: '/bin/false' });
  const r = await runCli(
    [
      'login',
      '--start-url',
      'https://x.awsapps.com/start',
      '--sso-region',
      'us-east-1',
      '--sso-session',
      'x',
    ],
    { env: h.env },
  );
  assert.equal(r.code, 5, r.stderr);
  assert.match(r.stderr, /could not reach http:\/\/127\.0\.0\.1:9/);
  assert.deepEqual(snapshot(h.home), {});
});
