import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { predatesFix } from '../../src/cli/aws-cli-version.ts';
import { AWS_CLI_V2, awsCli, awsCliV2Version, needsAwsCliV2 } from '../harness/awscli-v2.ts';
import { runCli, runInProcess } from '../harness/cli.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { rolehopOnPath } from '../harness/signed-in-world.ts';
import { devSession } from '../harness/sso-session.ts';
import { writeFile } from '../harness/temp-home.ts';

// Profiles rolehop writes (configure in every style, populate), read by the real AWS CLI v2 against
// the sandbox's SSO and STS; and the CLI versions that cannot read one of those shapes.

const ACCOUNT = '111111111111';
const ROLE = 'AdministratorAccess';
const DEPLOY = 'arn:aws:iam::222222222222:role/Deploy';

test('predatesFix: AWS CLI v2 before 2.10.2 only', () => {
  for (const v of ['2.9.19', '2.0.0', '2.10.1']) assert.equal(predatesFix(v), true, v);
  for (const v of ['2.10.2', '2.11.0', '2.22.35', '1.27.0', 'nonsense'])
    assert.equal(predatesFix(v), false, v);
});

test('configure (sso, process, credentials; with and without --assume) and populate profiles work with aws; doctor and configure name the old CLI', async (t) => {
  if (!needsAwsCliV2(t)) return;
  const w = await sandboxWorld(t, { autoApprove: true });
  writeFile(w.home.configFile, devSession(w.sandbox));
  // The v2 CLI first on PATH (the pyenv v1 shim is otherwise), as configure and doctor look for `aws`.
  const awsBin = path.join(w.home.home, 'aws-bin');
  fs.mkdirSync(awsBin);
  fs.symlinkSync(AWS_CLI_V2, path.join(awsBin, 'aws'));
  const base = rolehopOnPath(w.env);
  const env = { ...base, PATH: `${awsBin}:${base.PATH}` };
  const aws = awsCli(env, { sso: w.sandbox.url, sts: w.sandbox.url });
  const arnOf = async (profile: string) => {
    const r = await aws.run(['sts', 'get-caller-identity', '--profile', profile]);
    assert.equal(r.code, 0, `${profile}: ${r.stderr}`);
    return JSON.parse(r.stdout).Arn as string;
  };
  const login = await runInProcess(['login', '--sso-session', 'dev', '--device-code'], env);
  assert.equal(login.code, 0, login.stderr);

  const role = ['--account', ACCOUNT, '--role', ROLE];
  // runCli: a process-style line names the script that wrote it, which must be the built CLI.
  for (const [name, style] of [
    ['p-sso', 'sso'],
    ['p-process', 'process'],
    ['p-credentials', 'credentials'],
  ] as const) {
    const r = await runCli(['configure', name, ...role, '--style', style], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /warning/);
    assert.match(await arnOf(name), new RegExp(`^arn:aws:sts::${ACCOUNT}:assumed-role/${ROLE}/`));
  }
  const chainProcess = await runCli(
    ['configure', 'chain-process', ...role, '--assume', DEPLOY, '--style', 'process'],
    { env },
  );
  assert.equal(chainProcess.code, 0, chainProcess.stderr);
  assert.doesNotMatch(chainProcess.stderr, /warning/);
  assert.match(await arnOf('chain-process'), /^arn:aws:sts::222222222222:assumed-role\/Deploy\//);

  // role_arn + source_profile from an sso_session profile (the sso style, and the credentials style,
  // whose role_arn the SDKs take before its keys): AWS CLI 2.9.x fails there (aws-cli#7496).
  const old = awsCliV2Version !== undefined && predatesFix(awsCliV2Version);
  for (const style of ['sso', 'credentials'] as const) {
    const name = `chain-${style}`;
    const chain = await runCli(['configure', name, ...role, '--assume', DEPLOY, '--style', style], { env });
    assert.equal(chain.code, 0, chain.stderr);
    if (!old) {
      assert.doesNotMatch(chain.stderr, /warning/);
      assert.match(await arnOf(name), /:assumed-role\/Deploy\//);
      continue;
    }
    assert.match(
      chain.stderr,
      new RegExp(`warning: the AWS CLI on PATH \\(2\\.\\d+\\.\\d+\\) cannot use profile "${name}"`),
    );
    assert.match(chain.stderr, /hint: upgrade the AWS CLI to 2\.10\.2 or later, or .*--style process/);
    const broken = await aws.run(['sts', 'get-caller-identity', '--profile', name]);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /get_frozen_token/);
  }
  if (old) {
    const doctor = await runInProcess(['doctor', '--json'], env);
    assert.equal(doctor.code, 1, doctor.stderr);
    const finding = JSON.parse(doctor.stdout).find(
      (f: { code: string }) => f.code === 'aws-cli-sso-session-source',
    );
    assert.match(finding?.message, /cannot use profiles .*"chain-sso"/);
    assert.match(finding?.message, /cannot use profiles .*"chain-credentials"/);
  }
  // Without that CLI on PATH (only the v1 shim, or none) there is nothing to warn about.
  const doctorV1 = await runInProcess(['doctor', '--json'], { ...env, PATH: base.PATH! });
  assert.ok(!doctorV1.stdout.includes('aws-cli-sso-session-source'), doctorV1.stdout);

  const populate = await runCli(['populate', '--sso-session', 'dev'], { env, timeoutMs: 120_000 });
  assert.equal(populate.code, 0, populate.stderr);
  const text = fs.readFileSync(w.home.configFile, 'utf8');
  const block = text.slice(text.indexOf('# rolehop:begin populate dev'));
  const generated = block
    .split(/^(?=\[profile )/m)
    .find(
      (section) =>
        section.includes(`sso_account_id = ${ACCOUNT}`) && section.includes(`sso_role_name = ${ROLE}`),
    )
    ?.match(/^\[profile ([^\]]+)\]/);
  assert.ok(generated, text);
  assert.match(await arnOf(generated[1]!), new RegExp(`:assumed-role/${ROLE}/`));
});
