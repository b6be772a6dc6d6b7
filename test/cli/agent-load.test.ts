import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { liveAgent, registerTarget } from '../../src/cli/agent-client.ts';
import { configPaths, rolehopCacheDir } from '../../src/config/paths.ts';
import type { Plan } from '../../src/config/plan.ts';
import { get, stopAgentAfter } from '../harness/agent.ts';
import { runCli } from '../harness/cli.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';

// The agent under load: 200 SDK-style requests at once across 20 targets cost one portal call per
// target (the runs share in-process single-flight and the cache's locks), and 10,000 requests leave
// its memory where it was.

function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)![1]);
}

test('200 concurrent requests across 20 targets: one network call per step; RSS flat over 10,000 requests', async (t) => {
  const w = await signedInWorld(t, { accounts: 10 });
  stopAgentAfter(t, w.env);
  const start = await runCli(['agent', 'start', '--idle', '0'], { env: w.env });
  assert.equal(start.code, 0, start.stderr);
  const state = (await liveAgent(w.env))!;
  const files = configPaths(w.env);
  const targets: Array<{ url: string; token: string }> = [];
  for (let i = 0; i < 20; i++) {
    const accountId = String(100000000001 + Math.floor(i / 2));
    const roleName = i % 2 === 0 ? 'AdministratorAccess' : 'ReadOnlyAccess';
    const plan: Plan = {
      source: {
        kind: 'sso',
        session: 'dev',
        startUrl: w.sandbox.startUrl,
        ssoRegion: w.sandbox.region,
        accountId,
        roleName,
        registrationScopes: ['sso:account:access'],
      },
      hops: [],
    };
    targets.push(
      await registerTarget(state, {
        label: `${accountId}/${roleName}`,
        spec: { plan, configFile: files.configFile, credentialsFile: files.credentialsFile },
      }),
    );
  }
  // Nothing cached yet: every target's first answer needs the portal.
  const cache = rolehopCacheDir(w.env);
  for (const name of fs.readdirSync(cache))
    if (/^creds-.*\.json$/.test(name)) fs.rmSync(path.join(cache, name));
  const before = (await w.sandbox.admin.counts()).GetRoleCredentials ?? 0;
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) => {
      const target = targets[i % 20]!;
      return get(target.url, { Authorization: target.token }).then((r) => ({ i, ...r }));
    }),
  );
  for (const a of answers) assert.equal(a.status, 200, a.body);
  const keysPerTarget = new Map<number, Set<string>>();
  for (const a of answers) {
    const set = keysPerTarget.get(a.i % 20) ?? new Set();
    set.add(JSON.parse(a.body).AccessKeyId);
    keysPerTarget.set(a.i % 20, set);
  }
  for (const set of keysPerTarget.values()) assert.equal(set.size, 1, 'one credential set per target');
  const after = (await w.sandbox.admin.counts()).GetRoleCredentials ?? 0;
  assert.equal(after - before, 20, 'one GetRoleCredentials per target');

  // 10,000 more, 50 at a time; RSS sampled every 2,000.
  const samples: number[] = [rssKb(state.pid)];
  for (let done = 0; done < Number(process.env.LOAD_N ?? 10_000); done += 50) {
    await Promise.all(
      Array.from({ length: 50 }, (_, j) => {
        const target = targets[(done + j) % 20]!;
        return get(target.url, { Authorization: target.token }).then((r) => assert.equal(r.status, 200));
      }),
    );
    if ((done + 50) % 2_000 === 0) samples.push(rssKb(state.pid));
  }
  const mb = samples.map((kb) => (kb / 1024).toFixed(1));
  t.diagnostic(`agent RSS (MB) at 0, 2k, 4k, 6k, 8k, 10k requests: ${mb.join(', ')}`);
  console.log(`agent RSS (MB) at 0, 2k, 4k, 6k, 8k, 10k requests: ${mb.join(', ')}`);
  // Flat: the last 8,000 requests add less than 25 MB. V8 grows its heap in steps before its first
  // full collections, so RSS moves by a few MB between runs (40,000 requests plateaued near 97 MB).
  assert.ok(samples.at(-1)! - samples[1]! < 25 * 1024, `RSS grew: ${mb.join(', ')} MB`);
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials, after, 'all from the cache');
});
