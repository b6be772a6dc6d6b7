import { setTimeout as sleepFor } from 'node:timers/promises';
import { InterruptedError, NetworkError } from '../util/errors.ts';

// Runs portal calls at an adaptive rate with bounded concurrency. The rate starts at the portal's
// documented quota (20 calls/s), halves on a throttle (at most once per second, so one burst of
// refusals from concurrent calls counts once), and climbs back additively while calls succeed:
// AIMD, the way TCP shares a link. A throttled call is retried for as long as other calls still
// succeed, because a long listing under sustained throttling is slow, not broken; only a limiter
// that has made no progress for `stallMs` gives up.

export type AttemptOutcome = 'retry-throttled' | 'retry-fault' | 'fail';

/** Identity Center's documented portal quota, calls per second. */
export const PORTAL_CALLS_PER_SECOND = 20;

export interface RateOptions {
  /** Calls per second to start at, and the ceiling recovery climbs back to. */
  initialRate?: number;
  maxRate?: number;
  /** The floor the rate never drops below. */
  minRate?: number;
  /** Multiplied into the rate on a throttle. */
  decrease?: number;
  /** Calls per second added per second of calls without a throttle. */
  increasePerSecond?: number;
}

/** The pure AIMD pacing (times in ms, from whatever clock the caller uses). */
export class AdaptiveRate {
  rate: number;
  private readonly min: number;
  private readonly max: number;
  private readonly decrease: number;
  private readonly increase: number;
  private nextAt = Number.NEGATIVE_INFINITY;
  private lastDecreaseAt = Number.NEGATIVE_INFINITY;
  private lastIncreaseAt: number | undefined;

  constructor(options: RateOptions = {}) {
    this.rate = options.initialRate ?? PORTAL_CALLS_PER_SECOND;
    this.max = options.maxRate ?? this.rate;
    this.min = options.minRate ?? 0.5;
    this.decrease = options.decrease ?? 0.5;
    this.increase = options.increasePerSecond ?? 2;
  }

  /** Books the next slot; returns how long to wait before starting the call. */
  reserve(now: number): number {
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + 1000 / this.rate;
    return at - now;
  }

  onThrottle(now: number): void {
    // The refusals of calls already in flight answer for the old rate: one decrease per second.
    if (now - this.lastDecreaseAt >= 1000) {
      this.rate = Math.max(this.min, this.rate * this.decrease);
      this.lastDecreaseAt = now;
    }
    this.lastIncreaseAt = now;
    // Everyone pauses for one slot at the new rate before the next call.
    this.nextAt = Math.max(this.nextAt, now + 1000 / this.rate);
  }

  onSuccess(now: number): void {
    const since = this.lastIncreaseAt ?? now;
    this.lastIncreaseAt = now;
    if (now > since) this.rate = Math.min(this.max, this.rate + (this.increase * (now - since)) / 1000);
  }
}

export interface LimiterOptions extends RateOptions {
  concurrency?: number;
  /** Attempts after a fault (5xx, network); and the throttled attempts before a stall may end a call. */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** With no successful call for this long, a call that keeps being throttled gives up. */
  stallMs?: number;
  signal?: AbortSignal;
  /** Classifies an error: retry after throttling, retry after a fault (5xx, network), or give up. */
  classify: (error: unknown) => AttemptOutcome;
  /** What to throw when retries run out. */
  exhausted?: (error: unknown, attempts: number) => Error;
  /** The clock and the wait, for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
  /** The current rate in calls per second (for progress and tests). */
  readonly rate: number;
}

export function createLimiter(options: LimiterOptions): Limiter {
  const concurrency = options.concurrency ?? 8;
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.baseDelayMs ?? 100;
  const cap = options.maxDelayMs ?? 5000;
  const stallMs = options.stallMs ?? 20_000;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, signal ? { signal } : {}));
  const pacing = new AdaptiveRate(options);
  let lastSuccessAt = now();
  let active = 0;
  const queue: Array<() => void> = [];

  const wait = async (ms: number) => {
    if (ms <= 0) return;
    try {
      await sleep(ms, options.signal);
    } catch {
      throw new InterruptedError('interrupted');
    }
  };
  const acquire = async () => {
    if (active < concurrency) {
      active++;
      return;
    }
    await new Promise<void>((resolve) => queue.push(resolve));
  };
  const release = () => {
    const next = queue.shift();
    if (next) next();
    else active--;
  };

  return {
    get rate() {
      return pacing.rate;
    },
    async run<T>(fn: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        const started = now();
        let faults = 0;
        let throttles = 0;
        for (;;) {
          if (options.signal?.aborted) throw new InterruptedError('interrupted');
          await wait(pacing.reserve(now()));
          try {
            const result = await fn();
            pacing.onSuccess(now());
            lastSuccessAt = now();
            return result;
          } catch (error) {
            const outcome = options.classify(error);
            if (outcome === 'fail') throw error;
            if (outcome === 'retry-throttled') {
              pacing.onThrottle(now());
              throttles++;
              const stalled = now() - Math.max(lastSuccessAt, started) >= stallMs;
              if (throttles >= maxAttempts && stalled) {
                throw (
                  options.exhausted?.(error, faults + throttles) ??
                  new NetworkError(`gave up after ${faults + throttles} attempts`)
                );
              }
              continue;
            }
            faults++;
            if (faults >= maxAttempts) {
              throw (
                options.exhausted?.(error, faults + throttles) ??
                new NetworkError(`gave up after ${faults + throttles} attempts`)
              );
            }
            await wait(Math.random() * Math.min(cap, base * 2 ** faults));
          }
        }
      } finally {
        release();
      }
    },
  };
}
