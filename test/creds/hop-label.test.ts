import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigView } from '../../src/config/model.ts';
import type { Plan } from '../../src/config/plan.ts';
import { resolvePlan } from '../../src/config/resolve.ts';
import { hopLabel } from '../../src/creds/hop-label.ts';
import { runPlan } from '../../src/creds/run-plan.ts';
import { applyHops, parseHopOptions } from '../../src/creds/selection.ts';
import { AccessDeniedError, exitCodeOf, UsageError } from '../../src/util/errors.ts';
import { startMoto } from '../harness/moto.ts';
import { requires } from '../harness/requires.ts';
import { SSO_SOURCE } from '../harness/sso-plan.ts';
import { tempHome } from '../harness/temp-home.ts';
import { seedMoto } from '../sts/moto-iam.ts';
import { baseDeps } from './helpers.ts';

// A failing hop names its place in the chain, as botocore names the profiles it visited:
// "AssumeRole hop 2 of prod-deploy (dev -> Deploy)" — which hop, of which profile, from whose
// credentials to which role.

const ARN = (name: string) => `arn:aws:iam::123456789012:role/${name}`;

function chainView(keys: { accessKeyId: string; secretAccessKey: string }): ConfigView {
  return {
    profiles: {
      base: { aws_access_key_id: keys.accessKeyId, aws_secret_access_key: keys.secretAccessKey },
      dev: { role_arn: ARN('Mute'), source_profile: 'base' },
      'prod-deploy': { role_arn: ARN('Deploy'), source_profile: 'dev' },
    },
    ssoSessions: {},
    services: {},
    warnings: [],
  };
}

test('hop labels name the profile, the credentials a hop starts from and the role it assumes', () => {
  const fromProfile = resolvePlan(chainView({ accessKeyId: 'AKIAX', secretAccessKey: 's' }), 'prod-deploy');
  const withAssume = applyHops(fromProfile, parseHopOptions({ assume: [ARN('team/Audit')] }));
  const sso = SSO_SOURCE;
  const cases: [Plan, number, string][] = [
    [fromProfile, 0, 'AssumeRole hop 1 of prod-deploy (base -> Mute)'],
    [fromProfile, 1, 'AssumeRole hop 2 of prod-deploy (dev -> Deploy)'],
    [withAssume, 2, 'AssumeRole hop 3 of prod-deploy (prod-deploy -> Audit)'],
    [
      { source: sso, hops: [{ roleArn: ARN('A') }, { roleArn: ARN('B') }] },
      0,
      'AssumeRole hop 1 (111122223333/Admin -> A)',
    ],
    [{ source: sso, hops: [{ roleArn: ARN('A') }, { roleArn: ARN('B') }] }, 1, 'AssumeRole hop 2 (A -> B)'],
    [
      { source: { kind: 'env' }, hops: [{ roleArn: 'not-an-arn' }] },
      0,
      'AssumeRole hop 1 (environment -> not-an-arn)',
    ],
  ];
  for (const [plan, index, label] of cases) assert.equal(hopLabel(plan, index), label);
});

test('moto: hop 2 denied names profile and hop (exit 4); a bad hop in a library plan is named too', async (t) => {
  if (!requires(t, 'moto')) return;
  const moto = await startMoto(t);
  // Mute trusts anyone but may do nothing, so its session may not assume Deploy.
  const seeded = seedMoto(moto, ['Deploy'], ['Mute']);
  await moto.enableAuth();
  const home = tempHome(t);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: moto.url };
  const view = chainView(seeded.admin);
  const plan = resolvePlan(view, 'prod-deploy');

  await assert.rejects(runPlan(plan, baseDeps(env, { view })), (error: unknown) => {
    assert.ok(error instanceof AccessDeniedError, String(error));
    assert.equal(exitCodeOf(error), 4);
    assert.match(error.message, /^AssumeRole hop 2 of prod-deploy \(dev -> Deploy\) was denied: /);
    assert.match(
      error.hint ?? '',
      /sts:AssumeRole on arn:aws:iam::123456789012:role\/Deploy and .*trust policy/,
    );
    return true;
  });

  // Plans built by a library caller skip the resolver: the runner's check names the hop.
  const bad: Plan = { ...plan, hops: [plan.hops[0]!, { ...plan.hops[1]!, sessionName: 'x' }] };
  await assert.rejects(runPlan(bad, baseDeps(env, { view })), (error: unknown) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.match(
      error.message,
      /^AssumeRole hop 2 of prod-deploy \(dev -> Deploy\): invalid role session name "x"/,
    );
    return true;
  });
});
