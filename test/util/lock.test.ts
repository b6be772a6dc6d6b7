import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { acquireLock, lockPathFor, withLock } from '../../src/util/lock.ts';
import { repoRoot } from '../harness/cli.ts';
import { tempHome } from '../harness/temp-home.ts';

test('processes that read-modify-write under the lock lose no update', async (t) => {
  const { home } = tempHome(t);
  const counter = path.join(home, 'counter');
  fs.writeFileSync(counter, '0');
  const script = `
    import { withLock } from ${JSON.stringify(path.join(repoRoot, 'src/util/lock.ts'))};
    import * as fs from 'node:fs';
    for (let i = 0; i < 15; i++) {
      await withLock(process.argv[1], () => {
        const n = Number(fs.readFileSync(process.argv[1], 'utf8'));
        fs.writeFileSync(process.argv[1], String(n + 1));
      });
    }`;
  const runs = Array.from({ length: 8 }, () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, counter], {
      stdio: 'inherit',
    });
    return new Promise<number | null>((resolve) => child.on('close', resolve));
  });
  assert.deepEqual(await Promise.all(runs), Array(8).fill(0));
  assert.equal(fs.readFileSync(counter, 'utf8'), '120');
  assert.equal(fs.existsSync(lockPathFor(counter)), false);
});

test('a lock left by a dead process is taken over at once', async (t) => {
  const { home } = tempHome(t);
  const target = path.join(home, 'token.json');
  fs.writeFileSync(
    lockPathFor(target),
    JSON.stringify({ pid: 2 ** 22 + 17, host: (await import('node:os')).hostname(), nonce: 'x', since: 0 }),
  );
  const started = Date.now();
  await withLock(target, () => undefined, { timeoutMs: 2000 });
  assert.ok(Date.now() - started < 1500);
});

test('a busy lock times out with a clear error and calls onWait once', async (t) => {
  const { home } = tempHome(t);
  const target = path.join(home, 'token.json');
  const held = await acquireLock(target);
  let waits = 0;
  await assert.rejects(
    withLock(target, () => undefined, { timeoutMs: 200, onWait: () => waits++ }),
    /timed out after 0s waiting for .*token\.json\.lock/,
  );
  assert.equal(waits, 1);
  held.release();
  assert.equal(fs.existsSync(lockPathFor(target)), false);
});

test("taking over a dead writer's lock removes the temp file it left, and only its own", async (t) => {
  const { home } = tempHome(t);
  const target = path.join(home, 'token.json');
  const deadPid = 2 ** 22 + 29;
  fs.writeFileSync(
    lockPathFor(target),
    JSON.stringify({ pid: deadPid, host: (await import('node:os')).hostname(), nonce: 'y', since: 0 }),
  );
  const leftover = path.join(home, `.token.json.${deadPid}.abcdef.tmp`);
  const someoneElses = path.join(home, `.token.json.${process.pid}.abcdef.tmp`);
  fs.writeFileSync(leftover, '{"half');
  fs.writeFileSync(someoneElses, '{"live');
  await withLock(target, () => undefined, { timeoutMs: 2000 });
  assert.equal(fs.existsSync(leftover), false);
  assert.equal(fs.existsSync(someoneElses), true);
});
