import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
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
  // rolehop became the command, so the signal that ended it ended rolehop's process.
  assert.equal(killed.signal, 'SIGTERM', 'a command killed by a signal ends the process by it');
  assert.deepEqual(
    await w.sandbox.admin.counts(),
    warm,
    'warm calls (account name and credentials) made no call',
  );
});

test('signals sent to rolehop reach the command, and a death by signal ends the process by it', async (t) => {
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
  // Poll until rolehop's process has become sleep, then terminate it.
  await waitFor(
    'sleep to start',
    () =>
      execFileSync('ps', ['-o', 'comm=', '-p', String(term.pid)], { encoding: 'utf8' }).trim() === 'sleep',
    20_000,
  );
  const termExit = new Promise<string | null>((resolve) =>
    term.once('exit', (_c, signal) => resolve(signal)),
  );
  term.kill('SIGTERM');
  assert.equal(await termExit, 'SIGTERM');
});

test('rolehop becomes the command: same pid, default SIGPIPE, no Node left; spawned where execve cannot run it', async (t) => {
  const w = await signedInWorld(t);
  const dir = w.env.HOME!;
  // Cold (the full CLI) and then warm (the warm entry): both replace the process.
  for (const round of ['cold', 'warm']) {
    const child = spawn(
      node,
      [rolehopBin, 'exec', ...SEL, '--', 'sh', '-c', 'echo $$; grep SigIgn /proc/self/status; yes | head -1'],
      { env: w.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
    assert.equal(code, 0, `${round}: ${err}`);
    const [pid, sigIgn, yes] = out.trim().split('\n');
    assert.equal(Number(pid), child.pid, `${round}: the command runs in rolehop's process`);
    // Node ignores SIGPIPE (13) and SIGXFSZ (25); the command must get them back at their default.
    if (sigIgn?.startsWith('SigIgn:'))
      assert.equal(BigInt(`0x${sigIgn.split(/\s+/)[1]}`) & 0x1001000n, 0n, round);
    assert.equal(yes, 'y');
    assert.equal(err, '', `${round}: no "Broken pipe" from yes`);
  }
  // A script without #! cannot be run by execve (ENOEXEC would end Node): it is spawned, as before.
  const noShebang = path.join(dir, 'no-shebang');
  fs.writeFileSync(noShebang, 'echo ran without a shebang\n', { mode: 0o755 });
  const plain = await runCli(['exec', ...SEL, '--', noShebang], { env: w.env });
  assert.equal(plain.code, 0, plain.stderr);
  assert.equal(plain.stdout, 'ran without a shebang\n');
  // A #! line naming no interpreter would make execve fail, which ends Node: spawn reports it.
  const badInterpreter = path.join(dir, 'bad-interpreter');
  fs.writeFileSync(badInterpreter, '#!/no/such/interpreter\necho no\n', { mode: 0o755 });
  const bad = await runCli(['exec', ...SEL, '--', badInterpreter], { env: w.env });
  assert.equal(bad.code, 127);
  assert.doesNotMatch(bad.stderr, /execve failed|Native stack/);
  const notExecutable = path.join(dir, 'not-executable');
  fs.writeFileSync(notExecutable, '#!/bin/sh\necho no\n', { mode: 0o644 });
  const denied = await runCli(['exec', ...SEL, '--', notExecutable], { env: w.env });
  assert.equal(denied.code, 126);
  assert.match(denied.stderr, /cannot run .*not-executable: permission denied/);
  const missing = await runCli(['exec', ...SEL, '--', 'no-such-command-xyz'], { env: w.env });
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /command not found: no-such-command-xyz/);
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
