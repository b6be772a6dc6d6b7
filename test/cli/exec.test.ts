import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { test } from 'node:test';
import { rolehopBin, runCli, runInProcess } from '../harness/cli.ts';
import { waitFor } from '../harness/poll.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';

const SEL = ['--account', 'prod', '--role', 'ReadOnlyAccess'];
const node = process.execPath;

test('exec passes argv untouched, the exit code through, and the credentials without AWS_PROFILE', async (t) => {
  const w = await signedInWorld(t);
  const env = { ...w.env, AWS_PROFILE: 'elsewhere', AWS_ACCESS_KEY_ID: 'AKIASTALE' };
  const tricky = ['a b', '"quoted"', "it's", '*', '$HOME', '`id`', '', '--', '-e'];
  const print =
    'console.log(JSON.stringify({argv: process.argv.slice(1), profile: process.env.AWS_PROFILE ?? null, key: process.env.AWS_ACCESS_KEY_ID, exec: process.env.ROLEHOP_EXEC}))';
  const r = await runCli(['exec', ...SEL, '--', node, '-e', print, ...tricky], { env });
  assert.equal(r.code, 0, r.stderr);
  const seen = JSON.parse(r.stdout);
  assert.deepEqual(seen.argv, tricky);
  assert.equal(seen.profile, null);
  assert.match(seen.key, /^ASIA/);
  assert.equal(seen.exec, 'prod/ReadOnlyAccess');

  const warm = await w.sandbox.admin.counts();
  const code = await runCli(['exec', ...SEL, '--', node, '-e', 'process.exit(42)'], { env: w.env });
  assert.equal(code.code, 42);
  const killed = await runCli(['exec', ...SEL, '--', node, '-e', "process.kill(process.pid, 'SIGTERM')"], {
    env: w.env,
  });
  assert.equal(killed.code, 128 + 15, 'a child killed by a signal is 128+n');
  assert.deepEqual(
    await w.sandbox.admin.counts(),
    warm,
    'warm calls (account name and credentials) made no call',
  );
});

test('signals sent to rolehop reach the child, and its death by signal is the exit code', async (t) => {
  const w = await signedInWorld(t);
  // Warm the cache so the child starts quickly.
  assert.equal((await runCli(['exec', ...SEL, '--', 'true'], { env: w.env })).code, 0);
  const child = spawn(
    node,
    [
      rolehopBin,
      'exec',
      ...SEL,
      '--',
      node,
      '-e',
      "process.on('SIGHUP', () => { console.log('got SIGHUP'); process.exit(7) }); console.log('ready'); setInterval(() => {}, 1000)",
    ],
    { env: w.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  await waitFor(
    () => `the child to start: ${out}`,
    () => out.includes('ready'),
    20_000,
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  child.kill('SIGHUP');
  assert.equal(await exited, 7);
  assert.match(out, /got SIGHUP/);

  const term = spawn(node, [rolehopBin, 'exec', ...SEL, '--', 'sleep', '30'], {
    env: w.env,
    stdio: 'ignore',
  });
  t.after(() => term.kill('SIGKILL'));
  // Poll until sleep is running under rolehop, then terminate rolehop.
  await waitFor(
    'sleep to start',
    () => execFileSync('sh', ['-c', `pgrep -P ${term.pid} || true`], { encoding: 'utf8' }).trim() !== '',
    20_000,
  );
  const termExit = new Promise<number | null>((resolve) => term.once('exit', (c) => resolve(c)));
  term.kill('SIGTERM');
  assert.equal(await termExit, 128 + 15);
});

test('exec refuses to nest, needs a command, and says when the command is not found (127)', async (t) => {
  const w = await signedInWorld(t);
  const nested = await runInProcess(['exec', ...SEL, '--', 'true'], { ...w.env, ROLEHOP_EXEC: 'prod/Admin' });
  assert.equal(nested.code, 2);
  assert.match(nested.stderr, /already inside 'rolehop exec' for prod\/Admin/);
  assert.match(nested.stderr, /--force/);
  const forced = await runInProcess(['exec', ...SEL, '--force', '--', 'true'], {
    ...w.env,
    ROLEHOP_EXEC: 'x',
  });
  assert.equal(forced.code, 0, forced.stderr);
  const missing = await runInProcess(['exec', ...SEL], w.env);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /missing the command to run/);
  const notFound = await runInProcess(['exec', ...SEL, '--', 'no-such-command-xyz'], w.env);
  assert.equal(notFound.code, 127);
  assert.match(notFound.stderr, /command not found: no-such-command-xyz/);
});
