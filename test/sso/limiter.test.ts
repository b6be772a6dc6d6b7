import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AdaptiveRate, type AttemptOutcome, createLimiter } from '../../src/sso/limiter.ts';
import { NetworkError } from '../../src/util/errors.ts';

// The limiter's pacing and give-up rule on a fake clock: the decisions are pure arithmetic, so a
// fake clock proves them exactly and in milliseconds of real time.

class Throttled extends Error {}

function fakeClock() {
  let t = 0;
  const timers: { at: number; resolve: () => void }[] = [];
  return {
    now: () => t,
    sleep: (ms: number) => new Promise<void>((resolve) => timers.push({ at: t + ms, resolve })),
    /** Runs the fake timers in time order until `done` settles. */
    async drive<T>(done: Promise<T>): Promise<T> {
      let settled = false;
      done.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      for (let i = 0; i < 1_000_000 && !settled; i++) {
        await new Promise((r) => setImmediate(r));
        if (settled) break;
        timers.sort((a, b) => a.at - b.at);
        const next = timers.shift();
        if (!next) continue;
        t = Math.max(t, next.at);
        next.resolve();
      }
      return done;
    },
  };
}

const classify = (e: unknown): AttemptOutcome => (e instanceof Throttled ? 'retry-throttled' : 'fail');

test('the pacing starts at the documented 20 calls/s: one slot every 50 ms', () => {
  const r = new AdaptiveRate();
  assert.equal(r.rate, 20);
  assert.deepEqual(
    [0, 0, 0, 0].map(() => r.reserve(0)),
    [0, 50, 100, 150],
  );
});

test('a throttle halves the rate once however many calls in flight were refused, and pauses everyone', () => {
  const r = new AdaptiveRate();
  for (let i = 0; i < 8; i++) r.onThrottle(1000);
  assert.equal(r.rate, 10);
  assert.equal(r.reserve(1000), 100, 'the next call waits one slot at the new rate');
  r.onThrottle(2000);
  r.onThrottle(3000);
  assert.equal(r.rate, 2.5);
  for (let i = 0; i < 20; i++) r.onThrottle(10_000 + i * 1000);
  assert.equal(r.rate, 0.5, 'never below the floor');
});

test('recovery is additive: 2 calls/s per second of success, up to the documented rate', () => {
  const r = new AdaptiveRate();
  r.onThrottle(0); // 10/s
  r.onSuccess(1000);
  assert.equal(r.rate, 12);
  r.onSuccess(3000);
  assert.equal(r.rate, 16);
  r.onSuccess(10_000);
  assert.equal(r.rate, 20, 'capped at the start rate');
});

test('a call throttled 40 times (five times maxAttempts) is not given up while other calls succeed', async () => {
  const clock = fakeClock();
  const limiter = createLimiter({ classify, maxAttempts: 8, now: clock.now, sleep: clock.sleep });
  let stubbornRefusals = 40;
  const stubborn = limiter.run(async () => {
    if (stubbornRefusals-- > 0) throw new Throttled();
    return 'finally';
  });
  const others = Array.from({ length: 1000 }, (_, i) => limiter.run(async () => i));
  const results = await clock.drive(Promise.all([stubborn, ...others]));
  assert.equal(results[0], 'finally');
  assert.equal(results.length, 1001);
});

test('with no success for the stall time, a call that keeps being throttled gives up with the exhausted error', async () => {
  const clock = fakeClock();
  const limiter = createLimiter({
    classify,
    maxAttempts: 8,
    stallMs: 60_000,
    now: clock.now,
    sleep: clock.sleep,
    exhausted: (_e, n) => new NetworkError(`gave up after ${n}`),
  });
  const run = limiter.run(async () => {
    throw new Throttled();
  });
  await assert.rejects(clock.drive(run), /gave up after \d+/);
  assert.ok(clock.now() >= 60_000, `gave up at ${clock.now()} ms, before the stall time`);
  assert.ok(clock.now() < 70_000, `gave up at ${clock.now()} ms: the floor is 2 s a call`);
});

test('600 calls behind a portal that allows 10 calls/s finish near that rate, and the rate settles below 20', async () => {
  const clock = fakeClock();
  const limiter = createLimiter({ classify, now: clock.now, sleep: clock.sleep });
  // A token bucket of 10/s with a burst of 10, like the sandbox's --throttle-tps.
  let tokens = 10;
  let filledAt = 0;
  const call = async () => {
    tokens = Math.min(10, tokens + ((clock.now() - filledAt) / 1000) * 10);
    filledAt = clock.now();
    if (tokens < 1) throw new Throttled();
    tokens -= 1;
  };
  await clock.drive(Promise.all(Array.from({ length: 600 }, () => limiter.run(call))));
  const seconds = clock.now() / 1000;
  assert.ok(seconds >= 59 && seconds < 90, `600 calls at 10/s took ${seconds} s`);
  assert.ok(limiter.rate <= 20);
});
