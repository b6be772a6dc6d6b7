import { setTimeout as sleep } from 'node:timers/promises';
import { InterruptedError, NetworkError } from '../util/errors.ts';

// Runs portal calls with bounded concurrency; a throttled call pauses everyone (shared back-off with
// full jitter), so a thousand-account listing slows down instead of failing.

export type AttemptOutcome = 'retry-throttled' | 'retry-fault' | 'fail';

export interface LimiterOptions {
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  signal?: AbortSignal;
  /** Classifies an error: retry after throttling, retry after a fault (5xx, network), or give up. */
  classify: (error: unknown) => AttemptOutcome;
  /** What to throw when retries run out. */
  exhausted?: (error: unknown, attempts: number) => Error;
}

export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

export function createLimiter(options: LimiterOptions): Limiter {
  const concurrency = options.concurrency ?? 8;
  const maxAttempts = options.maxAttempts ?? 8;
  const base = options.baseDelayMs ?? 100;
  const cap = options.maxDelayMs ?? 5000;
  let active = 0;
  const queue: Array<() => void> = [];
  let pausedUntil = 0;

  const wait = async (ms: number) => {
    if (ms <= 0) return;
    try {
      await sleep(ms, undefined, options.signal ? { signal: options.signal } : {});
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
    async run<T>(fn: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        for (let attempt = 1; ; attempt++) {
          await wait(pausedUntil - Date.now());
          try {
            return await fn();
          } catch (error) {
            const outcome = options.classify(error);
            if (outcome === 'fail') throw error;
            if (attempt >= maxAttempts) {
              throw (
                options.exhausted?.(error, attempt) ?? new NetworkError(`gave up after ${attempt} attempts`)
              );
            }
            const delay = Math.random() * Math.min(cap, base * 2 ** attempt);
            if (outcome === 'retry-throttled') pausedUntil = Math.max(pausedUntil, Date.now() + delay);
            await wait(delay);
          }
        }
      } finally {
        release();
      }
    },
  };
}
