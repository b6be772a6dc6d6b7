import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, before, test } from 'node:test';
import { clientSettings } from '../../src/config/endpoints.ts';
import type { ConfigView } from '../../src/config/model.ts';
import type { Plan } from '../../src/config/plan.ts';
import { cacheFileFor } from '../../src/creds/cache-file.ts';
import { runPlan } from '../../src/creds/run-plan.ts';
import { planSteps } from '../../src/creds/step-key.ts';
import { getCallerIdentity } from '../../src/sts/assume-role.ts';
import { ConfigError, exitCodeOf, UsageError } from '../../src/util/errors.ts';
import { type Moto, startMoto } from '../harness/moto.ts';
import { missing, requires } from '../harness/requires.ts';
import { SSO_SOURCE } from '../harness/sso-plan.ts';
import { tempHome } from '../harness/temp-home.ts';
import { baseDeps, countingStsProxy, fakeSso, memoryLogger } from './helpers.ts';

// One moto (authorization off: fake SSO keys are accepted) for the file; each test counts its
// own STS calls through a proxy.
let moto: Moto;
before(async () => {
  if (missing('moto')) return; // each test then skips (or fails) saying so
  moto = await startMoto();
});
after(() => moto?.stop());

const ssoSource: Plan['source'] = SSO_SOURCE;
const roleA = 'arn:aws:iam::123456789012:role/HopA';
const roleB = 'arn:aws:iam::123456789012:role/HopB';

test('a 2-hop chain runs each step once, then resumes after the deepest cached step', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const proxy = await countingStsProxy(t, moto.url);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: proxy.url };
  const sso = fakeSso();
  const plan: Plan = {
    source: ssoSource,
    hops: [{ roleArn: roleA }, { roleArn: roleB, sessionName: 'last-hop' }],
  };

  const first = await runPlan(plan, baseDeps(env, { sso }));
  assert.equal(sso.calls.length, 1);
  assert.equal(proxy.counts.AssumeRole, 2);
  const who = await getCallerIdentity(first, 'us-east-1', {
    client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: moto.url }),
  });
  assert.equal(who.arn, 'arn:aws:sts::123456789012:assumed-role/HopB/last-hop');

  const again = await runPlan(plan, baseDeps(env, { sso }));
  assert.equal(again.accessKeyId, first.accessKeyId);
  assert.equal(proxy.counts.AssumeRole, 2);

  // Only the last step expired or vanished: hop 1 comes from the cache, no SSO call.
  const steps = planSteps(plan, { env });
  fs.rmSync(cacheFileFor(env, steps.hops[1]!.key));
  const third = await runPlan(plan, baseDeps(env, { sso }));
  assert.notEqual(third.accessKeyId, first.accessKeyId);
  assert.equal(sso.calls.length, 1);
  assert.equal(proxy.counts.AssumeRole, 3);
});

test('a chained hop asking for more than 1h is clamped to 3600 s with a warning', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: moto.url };
  const log = memoryLogger();
  const before = Date.now();
  const creds = await runPlan(
    { source: ssoSource, hops: [{ roleArn: roleA, durationSeconds: 7200 }] },
    baseDeps(env, { sso: fakeSso(), log }),
  );
  const lifetime = (creds.expiration?.getTime() ?? 0) - before;
  assert.ok(lifetime <= 3600_000 + 5000 && lifetime > 3500_000, `lifetime ${lifetime}`);
  assert.ok(log.lines.some((l) => /warning: .*HopA: duration 7200s lowered to 3600s.*role chaining/.test(l)));
});

test('an MFA hop without a code or a terminal is refused before any STS call; a prompt is asked once', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const proxy = await countingStsProxy(t, moto.url);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: proxy.url };
  const serial = 'arn:aws:iam::123456789012:mfa/alice';
  const plan: Plan = { source: ssoSource, hops: [{ roleArn: roleA, mfaSerial: serial }] };
  await assert.rejects(runPlan(plan, baseDeps(env, { sso: fakeSso() })), (error: unknown) => {
    assert.ok(error instanceof UsageError);
    assert.equal(exitCodeOf(error), 2);
    assert.match(error.message, /needs an MFA code for arn:aws:iam::123456789012:mfa\/alice/);
    assert.match(error.hint ?? '', /--mfa-code/);
    return true;
  });
  assert.equal(proxy.counts.AssumeRole, undefined);

  const asked: string[] = [];
  const promptMfa = async (s: string) => {
    asked.push(s);
    return '123456';
  };
  await runPlan(plan, baseDeps(env, { sso: fakeSso(), promptMfa }));
  await runPlan(plan, baseDeps(env, { sso: fakeSso(), promptMfa }));
  assert.deepEqual(asked, [serial], 'the cached MFA session is reused');
  assert.equal(proxy.counts.AssumeRole, 1);
});

test('static, env and credential_process sources feed a hop; they are never cached on disk', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const proxy = await countingStsProxy(t, moto.url);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: proxy.url };
  const view: ConfigView = {
    profiles: {
      base: { aws_access_key_id: 'AKIASTATIC0000000001', aws_secret_access_key: 'static-secret-value' },
    },
    ssoSessions: {},
    services: {},
    warnings: [],
  };
  const script = `process.stdout.write(JSON.stringify({Version:1,AccessKeyId:'AKIAPROC000000000001',SecretAccessKey:'proc-secret-value'}))`;
  const sources: [Plan['source'], Record<string, string>][] = [
    [{ kind: 'static', profile: 'base' }, {}],
    [
      { kind: 'env' },
      { AWS_ACCESS_KEY_ID: 'AKIAENV0000000000001', AWS_SECRET_ACCESS_KEY: 'env-secret-value' },
    ],
    [
      { kind: 'credential-source', name: 'Environment' },
      { AWS_ACCESS_KEY_ID: 'AKIAENV0000000000002', AWS_SECRET_ACCESS_KEY: 'env-secret-value' },
    ],
    [{ kind: 'process', command: `"${process.execPath}" -e "${script}"` }, {}],
  ];
  for (const [source, extraEnv] of sources) {
    const plan: Plan = { source, hops: [{ roleArn: roleA, sessionName: `from-${source.kind}` }] };
    const creds = await runPlan(plan, baseDeps({ ...env, ...extraEnv }, { view }));
    const who = await getCallerIdentity(creds, 'us-east-1', {
      client: clientSettings('STS', { AWS_ENDPOINT_URL_STS: moto.url }),
    });
    assert.equal(who.arn, `arn:aws:sts::123456789012:assumed-role/HopA/from-${source.kind}`);
    const steps = planSteps(plan, { env: { ...env, ...extraEnv }, view });
    assert.equal(fs.existsSync(cacheFileFor(env, steps.source.key)), false, `${source.kind} not cached`);
    assert.equal(fs.existsSync(cacheFileFor(env, steps.hops[0]!.key)), true, 'the hop is cached');
  }
  assert.equal(proxy.counts.AssumeRole, 4);
});

test('sources that cannot produce keys fail clearly and write nothing', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const view: ConfigView = {
    profiles: { empty: { region: 'eu-west-1' } },
    ssoSessions: {},
    services: {},
    warnings: [],
  };
  const cases: [Plan['source'], RegExp][] = [
    [{ kind: 'static', profile: 'empty' }, /profile empty has no static keys/],
    [{ kind: 'env' }, /AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set/],
    [
      { kind: 'credential-source', name: 'Ec2InstanceMetadata' },
      /AWS_EC2_METADATA_DISABLED=true turns the instance metadata service off/,
    ],
    [
      { kind: 'credential-source', name: 'EcsContainer' },
      /neither AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set/,
    ],
  ];
  for (const [source, message] of cases) {
    await assert.rejects(
      runPlan(
        { source, hops: [{ roleArn: roleA }] },
        baseDeps({ ...home.env, AWS_ENDPOINT_URL_STS: moto.url }, { view }),
      ),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, message);
        assert.ok(error.hint);
        return true;
      },
    );
  }
  assert.equal(fs.existsSync(`${home.home}/.cache`), false, 'nothing written');
});

test('a malformed hop is refused before any call or file write', async (t) => {
  if (!requires(t, 'moto')) return;
  const home = tempHome(t);
  const proxy = await countingStsProxy(t, moto.url);
  const env = { ...home.env, AWS_ENDPOINT_URL_STS: proxy.url };
  const sso = fakeSso();
  const cases: [Plan['hops'][number], RegExp, Partial<Parameters<typeof baseDeps>[1]>][] = [
    [{ roleArn: 'arn:aws:iam::123:role/X' }, /invalid role ARN .* is not 12 digits/, {}],
    [{ roleArn: roleA, durationSeconds: 60 }, /invalid session duration 60/, {}],
    [{ roleArn: roleA, sessionName: 'bad name' }, /invalid role session name/, {}],
    [
      { roleArn: roleA, mfaSerial: 'arn:aws:iam::123456789012:mfa/a' },
      /invalid MFA code.*6 digits/,
      { mfaCode: '12ab' },
    ],
  ];
  for (const [hop, message, extra] of cases) {
    await assert.rejects(
      runPlan({ source: ssoSource, hops: [hop] }, baseDeps(env, { sso, ...extra })),
      (error: unknown) => {
        assert.ok(error instanceof UsageError, String(error));
        assert.equal(exitCodeOf(error), 2);
        assert.match(error.message, message);
        return true;
      },
    );
  }
  assert.deepEqual(proxy.counts, {});
  assert.equal(sso.calls.length, 0, 'hops are checked before the source step runs');
  assert.equal(fs.existsSync(`${home.home}/.cache`), false, 'nothing written');
});
