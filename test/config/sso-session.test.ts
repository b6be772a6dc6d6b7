import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnoseProfiles } from '../../src/config/diagnose.ts';
import type { ConfigView } from '../../src/config/model.ts';
import { ProfileResolutionError, resolvePlan } from '../../src/config/resolve.ts';
import {
  readSsoSession,
  sessionFromView,
  startUrlProblem,
  validateStartUrl,
} from '../../src/config/sso-session.ts';
import { ConfigError, UsageError } from '../../src/util/errors.ts';
import { runInProcess } from '../harness/cli.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// The one [sso-session] reader and start-URL rule (config/sso-session.ts).

function view(ssoSessions: ConfigView['ssoSessions']): ConfigView {
  return { profiles: {}, ssoSessions, services: {}, warnings: [] };
}

const START_URLS: [string, boolean][] = [
  ['https://d-123.awsapps.com/start', true],
  ['http://127.0.0.1:4567/start', true],
  ['http://localhost:4567/start', true],
  ['http://[::1]:4567/start', true],
  ['http://d-123.awsapps.com/start', false],
  ['ftp://d-123.awsapps.com/start', false],
  ['d-123.awsapps.com/start', false],
];

test('doctor and login accept and refuse the same start URLs (http only on loopback)', () => {
  for (const [url, ok] of START_URLS) {
    assert.equal(startUrlProblem(url) === undefined, ok, url);
    if (ok) assert.equal(validateStartUrl(url), url);
    else assert.throws(() => validateStartUrl(url), UsageError, url);
    const findings = diagnoseProfiles(view({ s: { sso_start_url: url, sso_region: 'eu-west-1' } }));
    const flagged = findings.some((f) => f.code === 'invalid-start-url');
    assert.equal(flagged, !ok, `doctor on ${url}: ${JSON.stringify(findings)}`);
  }
});

test('a session named like an Object.prototype member is "no sso-session named", not a partial one', async (t) => {
  const v = view({ org: { sso_start_url: 'https://d-1.awsapps.com/start', sso_region: 'eu-west-1' } });
  for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    assert.equal(readSsoSession(v, name), undefined, name);
    assert.throws(
      () => sessionFromView(v, name),
      (e: unknown) => {
        assert.ok(e instanceof UsageError, name);
        assert.match(e.message, new RegExp(`no sso-session named "${name}"`));
        assert.match(e.hint ?? '', /configured sso-sessions: org/);
        return true;
      },
    );
  }
  const h = tempHome(t);
  writeFile(
    h.configFile,
    '[sso-session org]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = eu-west-1\n',
  );
  const r = await runInProcess(
    ['env', '--sso-session', 'constructor', '--account', '111122223333', '--role', 'R'],
    h.env,
  );
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /no sso-session named "constructor"/);
});

test('a partial session names what it lacks; scopes are read once', () => {
  const v = view({
    half: { sso_start_url: 'https://d-1.awsapps.com/start' },
    full: {
      sso_start_url: 'https://d-1.awsapps.com/start',
      sso_region: 'eu-west-1',
      sso_registration_scopes: ' sso:account:access , ,x ',
    },
  });
  assert.deepEqual(readSsoSession(v, 'half'), { missing: ['sso_region'] });
  assert.throws(() => sessionFromView(v, 'half'), ConfigError);
  assert.deepEqual(sessionFromView(v, 'full').scopes, ['sso:account:access', 'x']);
});

test('an empty sso_start_url is missing for the resolver and doctor alike, as for login', () => {
  const v: ConfigView = {
    ...view({ half: { sso_start_url: '', sso_region: 'eu-west-1' } }),
    profiles: { p: { sso_session: 'half', sso_account_id: '111122223333', sso_role_name: 'R' } },
  };
  assert.deepEqual(readSsoSession(v, 'half'), { missing: ['sso_start_url'] });
  assert.throws(
    () => resolvePlan(v, 'p'),
    (e: unknown) =>
      e instanceof ProfileResolutionError &&
      e.code === 'partial-sso-session' &&
      /\[sso-session half\] \(used by profile "p"\) is missing sso_start_url$/.test(e.message),
  );
  const findings = diagnoseProfiles(v);
  assert.deepEqual(
    findings.map((f) => [f.code, f.message]),
    [['partial-sso-session', '[sso-session half] is missing sso_start_url']],
  );
});
