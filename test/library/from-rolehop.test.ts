import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { fromRolehop } from '../../src/index.ts';
import { SignInRequiredError, UsageError } from '../../src/util/errors.ts';
import { repoRoot, runProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';

const CONFIG = `
[profile admin]
sso_session = dev
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
`;
const HOP = 'arn:aws:iam::222222222222:role/ReadOnlyAccess';

test('fromRolehop is an SDK v3 credential provider: STSClient signs with it against moto (auth on)', async (t) => {
  if (!requires(t, 'moto')) return;
  const w = await signedInWorld(t, { moto: true });
  fs.appendFileSync(w.home.configFile, CONFIG);

  await t.test('from source, by profile and by selectors with --assume', async () => {
    const byProfile: AwsCredentialIdentityProvider = fromRolehop({ profile: 'admin', env: w.env });
    const sts = new STSClient({
      region: 'us-east-1',
      endpoint: w.env.AWS_ENDPOINT_URL_STS,
      credentials: byProfile,
    });
    t.after(() => sts.destroy());
    const me = await sts.send(new GetCallerIdentityCommand({}));
    assert.match(me.Arn ?? '', /^arn:aws:sts::111111111111:assumed-role\/AdministratorAccess\//);

    const chained = fromRolehop({
      account: 'prod',
      role: 'AdministratorAccess',
      assume: [HOP],
      sessionName: 'lib-test',
      env: w.env,
    });
    const sts2 = new STSClient({
      region: 'us-east-1',
      endpoint: w.env.AWS_ENDPOINT_URL_STS,
      credentials: chained,
    });
    t.after(() => sts2.destroy());
    const them = await sts2.send(new GetCallerIdentityCommand({}));
    assert.equal(them.Arn, 'arn:aws:sts::222222222222:assumed-role/ReadOnlyAccess/lib-test');
    const again = await chained();
    assert.ok(again.expiration instanceof Date && again.expiration.getTime() > Date.now());
    assert.equal(
      (await w.sandbox.admin.counts()).GetRoleCredentials,
      1,
      'the second call came from the shared cache',
    );
  });

  await t.test("from the built package: import { fromRolehop } from 'rolehop'", async () => {
    const code = `import { fromRolehop } from 'rolehop';
      import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
      const sts = new STSClient({ region: 'us-east-1', credentials: fromRolehop('admin') });
      console.log((await sts.send(new GetCallerIdentityCommand({}))).Arn);`;
    const r = await runProcess(process.execPath, ['--input-type=module', '-e', code], {
      env: w.env,
      cwd: repoRoot,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^arn:aws:sts::111111111111:assumed-role\/AdministratorAccess\//);
    assert.ok(fs.existsSync(`${repoRoot}/dist/types/index.d.ts`), 'type declarations are emitted');
  });
});

test('fromRolehop refuses bad selectors and missing sign-ins with typed errors', async (t) => {
  const w = await signedInWorld(t);
  await assert.rejects(fromRolehop({ env: w.env })(), UsageError);
  await assert.rejects(
    fromRolehop({ account: 'prod', role: 'ReadOnlyAccess', assume: ['arn:aws:iam::1:role/X'], env: w.env })(),
    UsageError,
  );
  await assert.rejects(
    fromRolehop({
      account: '111111111111',
      role: 'ReadOnlyAccess',
      env: { ...w.env, HOME: `${w.home.home}/nowhere`, AWS_CONFIG_FILE: w.home.configFile },
    })(),
    SignInRequiredError,
  );
});
