import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import type { Plan } from '../../src/config/plan.ts';
import type { SsoSource } from '../../src/creds/types.ts';
import { repoRoot, runProcess } from '../harness/cli.ts';
import { startMoto } from '../harness/moto.ts';
import { requires } from '../harness/requires.ts';
import { SSO_SOURCE } from '../harness/sso-plan.ts';
import { tempHome } from '../harness/temp-home.ts';
import { countingStsProxy, writeSignedInToken } from './helpers.ts';

const CALLERS = Number(process.env.SINGLE_FLIGHT_CALLERS ?? 50);

test(`${CALLERS} processes running the same cold plan make one call per step and get the same keys`, async (t) => {
  if (!requires(t, 'moto')) return;
  const moto = await startMoto(t);
  const proxy = await countingStsProxy(t, moto.url);
  const home = tempHome(t);
  const ssoCalls = path.join(home.home, 'sso-calls.log');
  fs.writeFileSync(ssoCalls, '');
  const plan: Plan = {
    source: SSO_SOURCE,
    hops: [
      { roleArn: 'arn:aws:iam::123456789012:role/First', sessionName: 'first' },
      { roleArn: 'arn:aws:iam::123456789012:role/Second', sessionName: 'second' },
    ],
  };
  writeSignedInToken(home.env, plan.source as SsoSource);
  // Bundled like dist/ (CommonJS, SDK left in node_modules): 50 TypeScript start-ups would
  // cost more than the rest of the test on a busy machine.
  const child = path.join(home.home, 'run-plan-child.cjs');
  await esbuild.build({
    entryPoints: [path.join(import.meta.dirname, 'fixtures', 'run-plan-child.ts')],
    outfile: child,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    packages: 'external',
    nodePaths: [path.join(repoRoot, 'node_modules')],
    logLevel: 'warning',
  });
  const env = {
    ...home.env,
    AWS_ENDPOINT_URL_STS: proxy.url,
    CHILD_PLAN: JSON.stringify(plan),
    CHILD_SSO_CALLS: ssoCalls,
    NODE_COMPILE_CACHE: path.join(home.home, 'compile-cache'),
    NODE_PATH: path.join(repoRoot, 'node_modules'),
  };
  const warmUp = await runProcess(process.execPath, [child], {
    env: {
      ...env,
      XDG_CACHE_HOME: path.join(home.home, 'warm-up-cache'),
      AWS_ENDPOINT_URL_STS: moto.url,
      CHILD_SSO_CALLS: path.join(home.home, 'warm-up-calls.log'),
    },
  });
  assert.equal(warmUp.code, 0, warmUp.stderr);
  const results = await Promise.all(
    Array.from({ length: CALLERS }, () => runProcess(process.execPath, [child], { env, timeoutMs: 240_000 })),
  );
  for (const r of results) assert.equal(r.code, 0, `${r.signal} ${r.stderr}`);
  const keys = new Set(results.map((r) => (JSON.parse(r.stdout) as { accessKeyId: string }).accessKeyId));
  assert.equal(keys.size, 1, `all callers got the same keys: ${[...keys].join(', ')}`);
  assert.equal(fs.readFileSync(ssoCalls, 'utf8').trim().split('\n').length, 1, 'one SSO call');
  assert.deepEqual(
    proxy.counts,
    { AssumeRole: 2 },
    `one AssumeRole per hop (requests: ${JSON.stringify(proxy.attempts)})`,
  );
  const cacheDir = path.join(home.home, '.cache', 'rolehop');
  assert.deepEqual(
    fs.readdirSync(cacheDir).filter((n) => !/^creds-[0-9a-f]{16}\.json$/.test(n)),
    [],
    'no lock or temp files left',
  );
  assert.equal(fs.readdirSync(cacheDir).length, 3, 'one cache file per step');
});
