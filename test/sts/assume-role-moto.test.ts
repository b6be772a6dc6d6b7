import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { clientSettings } from '../../src/config/endpoints.ts';
import { assumeRole, getCallerIdentity } from '../../src/sts/assume-role.ts';
import { SourceCredentialsError } from '../../src/sts/sts-errors.ts';
import { AccessDeniedError, exitCodeOf } from '../../src/util/errors.ts';
import { type Moto, startMoto } from '../harness/moto.ts';
import { missing, requires } from '../harness/requires.ts';
import { type SeededMoto, seedMoto } from './moto-iam.ts';

// One moto for the file: starting it and seeding IAM costs seconds on a busy machine.
let moto: Moto;
let seeded: SeededMoto;
before(async () => {
  if (missing('moto')) return; // each test then skips (or fails) saying so
  moto = await startMoto();
  seeded = seedMoto(moto, ['Deploy', 'Audit']);
  await moto.enableAuth();
});
after(() => moto?.stop());

test('AssumeRole against moto with authorization: options, a 2-hop chain, caller identity', async (t) => {
  if (!requires(t, 'moto')) return;
  // The SDK would read these from process.env itself and refuse FIPS with a custom endpoint; an explicit
  // endpoint wins, as in botocore.
  process.env.AWS_USE_FIPS_ENDPOINT = 'true';
  process.env.AWS_USE_DUALSTACK_ENDPOINT = 'true';
  const client = clientSettings('STS', { AWS_ENDPOINT_URL_STS: moto.url, AWS_USE_FIPS_ENDPOINT: 'true' });

  const me = await getCallerIdentity(seeded.admin, 'us-east-1', { client });
  assert.equal(me.arn, 'arn:aws:iam::123456789012:user/admin');

  const before = Date.now();
  const first = await assumeRole(
    {
      source: seeded.admin,
      hop: {
        roleArn: seeded.roleArn('Deploy'),
        externalId: 'ext-1234',
        sourceIdentity: 'alice',
        tags: { team: 'platform', env: 'prod' },
      },
      sessionName: 'first-hop',
      durationSeconds: 1800,
    },
    { client },
  );
  assert.match(first.accessKeyId, /^ASIA/);
  assert.ok(first.sessionToken);
  const lifetime = (first.expiration?.getTime() ?? 0) - before;
  assert.ok(lifetime > 1700_000 && lifetime < 1900_000, `duration was honoured: ${lifetime}`);

  const second = await assumeRole(
    { source: first, hop: { roleArn: seeded.roleArn('Audit') }, sessionName: 'second-hop' },
    { client },
  );
  const last = await getCallerIdentity(second, 'us-east-1', { client });
  assert.equal(last.arn, 'arn:aws:sts::123456789012:assumed-role/Audit/second-hop');
  assert.equal(last.account, '123456789012');
});

test('AccessDenied maps to exit 4 naming the role; unknown keys say the source credentials are bad', async (t) => {
  if (!requires(t, 'moto')) return;
  const roleArn = seeded.roleArn('Deploy');
  await assert.rejects(
    assumeRole(
      { source: seeded.nobody, hop: { roleArn, profile: 'prod' }, sessionName: 'denied' },
      { client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: moto.url }) },
    ),
    (error: unknown) => {
      assert.ok(error instanceof AccessDeniedError);
      assert.equal(exitCodeOf(error), 4);
      assert.match(
        error.message,
        /AssumeRole arn:aws:iam::123456789012:role\/Deploy \(profile prod\) was denied/,
      );
      assert.match(error.hint ?? '', /trust policy/);
      return true;
    },
  );
  const secret = 'wrong-secret-value-never-printed';
  await assert.rejects(
    assumeRole(
      {
        source: { accessKeyId: 'AKIAUNKNOWN000000000', secretAccessKey: secret },
        hop: { roleArn },
        sessionName: 's1',
      },
      { client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: moto.url }) },
    ),
    (error: unknown) => {
      assert.ok(error instanceof SourceCredentialsError);
      assert.match(error.message, /source credentials were refused \(InvalidClientTokenId/);
      assert.ok(!error.message.includes(secret));
      return true;
    },
  );
});
