import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { announcedPort } from './child-server.ts';

// The start deadline of child servers (moto, `rolehop sandbox`): a server that misses it is killed,
// one that made it is never killed by the timer that still fires. A stand-in child keeps the timing exact.

class StandInChild extends EventEmitter {
  stdout = new PassThrough();
  stderr = new PassThrough();
  signals: string[] = [];
  kill(signal: string): boolean {
    this.signals.push(signal);
    return true;
  }
}

const start = (child: StandInChild, what: string, deadlineMs?: number) =>
  announcedPort(
    child as unknown as ChildProcess,
    what,
    ({ stdout }) => {
      const m = /^PORT (\d+)$/m.exec(stdout);
      return m ? Number(m[1]) : undefined;
    },
    deadlineMs,
  );

test('a server that misses its start deadline is killed, naming what it printed', async () => {
  const child = new StandInChild();
  const started = start(child, 'slow', 50);
  child.stderr.write('warming up');
  await assert.rejects(started, /^Error: slow did not start within 0.05 s: warming up$/);
  assert.deepEqual(child.signals, ['SIGKILL']);
});

test('a started server outlives the deadline; one that exits first is an error with its output', async () => {
  const child = new StandInChild();
  const started = start(child, 'fast', 50);
  child.stdout.write('PORT 4321\n');
  const { port, printed } = await started;
  assert.equal(port, 4321);
  await delay(100);
  assert.deepEqual(child.signals, [], 'the deadline passed after the start: nothing killed');
  child.stdout.write('later\n');
  await delay(10);
  assert.equal(printed.stdout, 'PORT 4321\nlater\n');

  const quitter = new StandInChild();
  const failed = start(quitter, 'quitter');
  quitter.stderr.write('no luck');
  await delay(10);
  quitter.emit('exit', 3);
  await assert.rejects(failed, /^Error: quitter exited before it started \(3\): no luck$/);
});
