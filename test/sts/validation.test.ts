import assert from 'node:assert/strict';
import * as http from 'node:http';
import { test } from 'node:test';
import { clientSettings } from '../../src/config/endpoints.ts';
import { assumeRole } from '../../src/sts/assume-role.ts';
import { defaultRegionFor, parseRoleArn } from '../../src/sts/role-arn.ts';
import {
  defaultSessionName,
  effectiveDuration,
  validateDuration,
  validateSessionName,
} from '../../src/sts/validate.ts';
import { UsageError } from '../../src/util/errors.ts';

test('parseRoleArn reads partition, account, name and path', () => {
  assert.deepEqual(parseRoleArn('arn:aws:iam::123456789012:role/Deploy'), {
    partition: 'aws',
    accountId: '123456789012',
    roleName: 'Deploy',
    path: '/',
  });
  assert.deepEqual(parseRoleArn('arn:aws-cn:iam::123456789012:role/team/ci/Builder'), {
    partition: 'aws-cn',
    accountId: '123456789012',
    roleName: 'Builder',
    path: '/team/ci/',
  });
  assert.equal(parseRoleArn('arn:aws-us-gov:iam::123456789012:role/R').partition, 'aws-us-gov');
  assert.equal(defaultRegionFor('aws'), 'us-east-1');
  assert.equal(defaultRegionFor('aws-cn'), 'cn-north-1');
  assert.equal(defaultRegionFor('aws-us-gov'), 'us-gov-west-1');
});

test('malformed role ARNs are refused with what is wrong and the expected shape', () => {
  const cases: [string, RegExp][] = [
    ['Deploy', /not an ARN/],
    ['arn:aws:iam::12345:role/Deploy', /account "12345" is not 12 digits/],
    ['arn:aws:iam::123456789012:user/alice', /not "role\/<name>"/],
    ['arn:aws:sts::123456789012:role/Deploy', /service is "sts"/],
    ['arn:aws:iam:us-east-1:123456789012:role/Deploy', /no region/],
    ['arn:azure:iam::123456789012:role/Deploy', /unknown partition "azure"/],
    ['arn:aws:iam::123456789012:role/', /role name ""/],
    ['arn:aws:iam::123456789012:role/bad name', /role name "bad name"/],
  ];
  for (const [arn, why] of cases) {
    assert.throws(
      () => parseRoleArn(arn),
      (error: unknown) => {
        assert.ok(error instanceof UsageError, arn);
        assert.match(error.message, why);
        assert.match(error.hint ?? '', /arn:aws:iam::123456789012:role\/Name/);
        assert.equal(error.exitCode, 2);
        return true;
      },
    );
  }
});

test('session names must be 2-64 characters of [\\w+=,.@-]', () => {
  assert.equal(validateSessionName('alice@example.com'), 'alice@example.com');
  assert.equal(validateSessionName('a'.repeat(64)).length, 64);
  for (const bad of ['a', 'a'.repeat(65), 'has space', 'slash/no', '']) {
    assert.throws(() => validateSessionName(bad), /invalid role session name.*2-64 characters/);
  }
});

test('durations must be 900-43200 whole seconds; role chaining is clamped to 3600', () => {
  assert.equal(validateDuration(900), 900);
  assert.equal(validateDuration(43_200), 43_200);
  for (const bad of [899, 43_201, 1000.5, Number.NaN]) {
    assert.throws(() => validateDuration(bad), /invalid session duration.*900 \(15m\) to 43200 \(12h\)/);
  }
  assert.deepEqual(effectiveDuration(undefined, false), { seconds: 3600 });
  assert.deepEqual(effectiveDuration(7200, false), { seconds: 7200 });
  assert.deepEqual(effectiveDuration(7200, true), { seconds: 3600, clampedFrom: 7200 });
  assert.deepEqual(effectiveDuration(1800, true), { seconds: 1800 });
});

test('defaultSessionName derives a valid name from any user name', () => {
  assert.equal(defaultSessionName('alice'), 'rolehop-alice');
  assert.equal(defaultSessionName('DOMAIN\\Jöhn Smith'), 'rolehop-DOMAINJhnSmith');
  assert.equal(defaultSessionName(''), 'rolehop');
  assert.equal(defaultSessionName(undefined), 'rolehop');
  const long = defaultSessionName('x'.repeat(200));
  assert.equal(long.length, 64);
  for (const name of [long, defaultSessionName('ü'), defaultSessionName('a b/c')]) validateSessionName(name);
});

test('invalid hop input is refused before any request reaches STS', async (t) => {
  let requests = 0;
  const server = http.createServer((_req, res) => {
    requests++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const client = clientSettings('STS', {
    AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
  });
  const source = { accessKeyId: 'AKIAEXAMPLE000000000', secretAccessKey: 'secret-for-validation-test' };
  const good = 'arn:aws:iam::123456789012:role/Deploy';
  const attempts: [Parameters<typeof assumeRole>[0], RegExp][] = [
    [{ source, hop: { roleArn: 'arn:aws:iam::1:role/X' }, sessionName: 'ok-name' }, /12 digits/],
    [{ source, hop: { roleArn: good }, sessionName: 'x' }, /session name/],
    [{ source, hop: { roleArn: good }, sessionName: 'ok-name', durationSeconds: 60 }, /duration/],
    [{ source, hop: { roleArn: good, externalId: 'x' }, sessionName: 'ok-name' }, /external id/],
    [{ source, hop: { roleArn: good, sourceIdentity: 'a b' }, sessionName: 'ok-name' }, /source identity/],
    [
      {
        source,
        hop: { roleArn: good, mfaSerial: 'arn:aws:iam::123456789012:mfa/a' },
        sessionName: 'ok',
        tokenCode: '12',
      },
      /MFA code/,
    ],
    [
      { source, hop: { roleArn: good, tags: { ['k'.repeat(129)]: 'v' } }, sessionName: 'ok-name' },
      /session tag/,
    ],
  ];
  for (const [params, why] of attempts) {
    await assert.rejects(assumeRole(params, { client }), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, why);
      return true;
    });
  }
  assert.equal(requests, 0);
});
