import assert from 'node:assert/strict';
import * as http from 'node:http';
import { test } from 'node:test';
import type { Finding } from '../../src/config/diagnose.ts';
import { EXIT } from '../../src/util/errors.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { hashTree, runInProcess } from '../reliability/harness.ts';

// A profile chain whose role_arn has a 70-character role name (IAM allows 64). It used to pass the
// resolver and doctor and fail only at run time, as a usage error naming no profile. Now every
// command that resolves the profile refuses it the same way, before any network call.

const LONG_ROLE = `arn:aws:iam::111122223333:role/${'R'.repeat(70)}`;
const CONFIG = `[profile base]
region = eu-west-1

[profile dev]
role_arn = ${LONG_ROLE}
source_profile = base

[profile prod-deploy]
role_arn = arn:aws:iam::111122223333:role/Deploy
source_profile = dev
`;
const CREDENTIALS = `[base]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = base-secret-never-used-here
`;
const NAMED =
  /profile "dev" \(chain prod-deploy -> dev\) has role_arn "arn:aws:iam::111122223333:role\/R{70}", which is not an IAM role ARN: role name longer than 64 characters \(70/;

test('a 70-character role name in the chain: env, explain and doctor name the profile; no STS call', async (t) => {
  let requests = 0;
  const sts = http.createServer((_req, res) => {
    requests++;
    res.writeHead(500).end();
  });
  await new Promise<void>((resolve) => sts.listen(0, '127.0.0.1', resolve));
  t.after(() => sts.close());
  const home = tempHome(t, {
    AWS_ENDPOINT_URL_STS: `http://127.0.0.1:${(sts.address() as { port: number }).port}`,
  });
  writeFile(home.configFile, CONFIG);
  writeFile(home.credentialsFile, CREDENTIALS);
  const before = hashTree(home.home);

  for (const args of [
    ['env', 'prod-deploy'],
    ['credential-process', 'prod-deploy'],
    ['explain', 'prod-deploy'],
  ]) {
    const r = await runInProcess(args, home.env);
    assert.equal(r.code, EXIT.error, `${args[0]}: the config error code, not usage (2)\n${r.stderr}`);
    assert.equal(r.stdout, '', args[0]);
    assert.match(r.stderr, new RegExp(`^rolehop: ${NAMED.source}`, 'm'), args[0]);
    assert.match(r.stderr, /hint: .*rolehop config set --profile dev role_arn/, args[0]);
  }

  const doctor = await runInProcess(['doctor', '--json'], home.env);
  assert.equal(doctor.code, 1, doctor.stdout);
  const findings = JSON.parse(doctor.stdout) as Finding[];
  const bad = findings.filter((f) => f.code === 'invalid-role-arn');
  assert.equal(bad.length, 1, doctor.stdout);
  assert.equal(bad[0]!.profile, 'dev');
  assert.equal(bad[0]!.severity, 'error');
  assert.match(bad[0]!.message, /role name longer than 64 characters/);

  assert.equal(requests, 0, 'nothing reached STS');
  assert.deepEqual(hashTree(home.home), before, 'no file changed');
});
