import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../harness/cli.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';

// Its own file: about a minute of throttled calls that should run beside the other suites.
test('ls over 1,000 accounts under a 20 calls/s throttle completes with every account and role', async (t) => {
  const w = await signedInWorld(t, { accounts: 1000 });
  await w.sandbox.admin.setFaults({ throttleTps: 20 });
  const r = await runCli(['ls', '--json'], { env: w.env, timeoutMs: 180_000 });
  assert.equal(r.code, 0, r.stderr);
  const accounts = JSON.parse(r.stdout) as { roles: string[] }[];
  assert.equal(accounts.length, 1000);
  assert.equal(accounts.flatMap((a) => a.roles).length, 3000);
  assert.match(r.stderr, /listing roles of 1000 accounts/);
});
