import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { rolehopBin, runCli } from '../harness/cli.ts';
import { waitFor } from '../harness/poll.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// bin/rolehop.cjs runs populate in a child Node with a small young generation (peak memory).

function childrenOf(pid: number): { pid: number; argv: string[] }[] {
  const out: { pid: number; argv: string[] }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid)
        out.push({ pid: Number(entry), argv: fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0') });
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

test('populate runs in a child with --max-semi-space-size and its exit code comes back', async (t) => {
  const { env } = tempHome(t);
  const bad = await runCli(['populate', '--bogus'], { env });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Unknown option '--bogus'/);
  const help = await runCli(['populate', '--help'], { env });
  assert.equal(help.code, 0);
  assert.match(help.stdout, /rolehop populate/);
});

test('SIGTERM to populate reaches the child and the parent ends by the same signal', async (t) => {
  const home = tempHome(t);
  // A portal that accepts connections and never answers keeps populate busy.
  const sockets = new Set<import('node:net').Socket>();
  const silent = createServer((s) => sockets.add(s));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    silent.close();
  });
  const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  writeFile(
    home.configFile,
    '[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n',
  );
  const token = {
    startUrl: 'https://x.awsapps.com/start',
    region: 'us-east-1',
    accessToken: 'a'.repeat(40),
    expiresAt: new Date(Date.now() + 3600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
  };
  const { tokenCachePath } = await import('../../src/sso/token-cache.ts');
  writeFile(tokenCachePath(home.env, { name: 's', startUrl: token.startUrl }), JSON.stringify(token));
  const parent = spawn(process.execPath, [rolehopBin, 'populate', '--sso-session', 's'], {
    env: { ...home.env, AWS_ENDPOINT_URL_SSO: url, AWS_ENDPOINT_URL_SSO_OIDC: url },
    stdio: 'ignore',
  });
  t.after(() => parent.kill('SIGKILL'));
  // Between fork and exec a child still shows its parent's command line: wait for the exec.
  let seen: { pid: number; argv: string[] } | undefined;
  const child = await waitFor(
    () => `a child with --max-semi-space-size=2 (last seen: ${seen?.argv.join(' ') ?? 'no child'})`,
    () => {
      [seen] = childrenOf(parent.pid!);
      return seen?.argv.includes('--max-semi-space-size=2') && seen;
    },
    30_000,
  );
  // Wait until the child is connected to the silent portal, then stop the parent.
  await waitFor('the child to connect to the portal', () => sockets.size > 0, 30_000);
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
    parent.on('exit', (code, signal) => resolve([code, signal])),
  );
  parent.kill('SIGTERM');
  const [, signal] = await ended;
  assert.equal(signal, 'SIGTERM');
  assert.equal(
    fs.existsSync(`/proc/${child.pid}`) &&
      !fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8').includes(') Z'),
    false,
  );
});
