import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import type { Plan } from '../../src/config/plan.ts';
import { cacheFileFor } from '../../src/creds/cache-file.ts';
import { runPlan } from '../../src/creds/run-plan.ts';
import { planSteps } from '../../src/creds/step-key.ts';
import type { Credentials } from '../../src/creds/types.ts';
import { checkCredentialValues, checkRegionName } from '../../src/creds/value-alphabets.ts';
import { exitCodeOf, RolehopError } from '../../src/util/errors.ts';
import { SSO_SOURCE } from '../harness/sso-plan.ts';
import { tempHome } from '../harness/temp-home.ts';
import { baseDeps, fakeSso } from './helpers.ts';

// The alphabets every credential rolehop hands out must fit (see value-alphabets.ts for why).

const REAL: Credentials = {
  // The AWS documentation's example keys, and a session token shaped like STS's (base64 with + / =).
  accessKeyId: 'ASIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: `IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+${'A'.repeat(900)}=`,
  expiration: new Date('2026-01-02T03:04:05Z'),
};

test('real-shaped credentials pass: AWS examples, moto-style and sandbox base64url values, region names', () => {
  assert.equal(checkCredentialValues(REAL, 'x'), REAL);
  checkCredentialValues({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'a' }, 'x');
  checkCredentialValues(
    {
      accessKeyId: 'ASIA7QZQ4XYB2JKLMNOP',
      secretAccessKey: 'Zm9vYmFyYmF6-_Zm9vYmFyYmF6Zm9vYmFyYmF6Zm9v',
      sessionToken: 'FQoGZXIvYXdzEBYaDHhBTEXAMPLE-_token',
    },
    'x',
  );
  for (const region of ['us-east-1', 'cn-north-1', 'us-gov-west-1', 'eu-central-2', 'local']) {
    checkRegionName(region);
  }
});

test('each field outside its alphabet is refused with exit 1, naming the field and never the value', () => {
  const cases: Array<[Partial<Credentials>, RegExp, string]> = [
    [{ accessKeyId: 'ASIA*EXAMPLEEXAMPLE' }, /access key id/, 'ASIA*EXAMPLEEXAMPLE'],
    [{ accessKeyId: 'asiaexampleexample01' }, /access key id/, 'asiaexampleexample01'],
    [{ accessKeyId: 'ASIASHORT' }, /access key id/, 'ASIASHORT'],
    [{ accessKeyId: 'A'.repeat(129) }, /access key id/, 'A'.repeat(129)],
    [{ secretAccessKey: 'secret with space' }, /secret access key/, 'secret with space'],
    [{ secretAccessKey: '' }, /secret access key/, ''],
    [{ sessionToken: 'token$(touch x)' }, /session token/, 'token$(touch x)'],
    [{ sessionToken: 'token\nline' }, /session token/, 'token\nline'],
    [{ sessionToken: 'token[ab]?' }, /session token/, 'token[ab]?'],
    [{ expiration: new Date(Number.NaN) }, /expiration/, 'Invalid'],
    [{ expiration: new Date('+010000-01-01T00:00:00Z') }, /expiration/, '10000'],
  ];
  for (const [change, field, value] of cases) {
    assert.throws(
      () => checkCredentialValues({ ...REAL, ...change }, 'credential_process of profile p'),
      (error: unknown) => {
        assert.ok(error instanceof RolehopError);
        assert.equal(exitCodeOf(error), 1);
        assert.match(error.message, /^refused the credentials from credential_process of profile p: the /);
        assert.match(error.message, field);
        if (value) assert.ok(!`${error.message}${error.hint}`.includes(value), 'the value is not shown');
        return true;
      },
      JSON.stringify(change),
    );
  }
  for (const region of ['eu-*', 'EU-WEST-1', 'eu west 1', 'x.evil.example/', '', 'eu-west-1\n']) {
    assert.throws(
      () => checkRegionName(region),
      (e: unknown) => e instanceof RolehopError && /the region is not/.test(e.message),
    );
  }
});

const ssoPlan: Plan = { source: SSO_SOURCE, hops: [] };

test('a malformed answer is refused before it is cached, so the next run fetches again', async (t) => {
  const home = tempHome(t);
  const good = fakeSso();
  const bad = {
    calls: 0,
    getRoleCredentials: async () => {
      bad.calls++;
      return { ...(await good.getRoleCredentials(ssoPlan.source as never)), secretAccessKey: 'x*' };
    },
  };
  await assert.rejects(runPlan(ssoPlan, baseDeps(home.env, { sso: bad })), /the secret access key/);
  const file = cacheFileFor(home.env, planSteps(ssoPlan, { env: home.env }).source.key);
  assert.equal(fs.existsSync(file), false, 'nothing was cached');
  const creds = await runPlan(ssoPlan, baseDeps(home.env, { sso: good }));
  assert.equal(checkCredentialValues(creds, 'x'), creds);
  assert.equal(fs.existsSync(file), true);
});

test('a region outside its alphabet is refused before any request', async (t) => {
  const home = tempHome(t);
  const sso = fakeSso();
  await assert.rejects(
    runPlan({ ...ssoPlan, region: 'us-east-1.evil.example#' }, baseDeps(home.env, { sso })),
    /the region is not an AWS region name/,
  );
  assert.equal(sso.calls.length, 0);
});
