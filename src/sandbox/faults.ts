// Fault injection, changeable at run time: latency, a token-bucket throttle, a 5xx ratio and a
// forced error for one operation.

export interface ForcedError {
  operation: string;
  /** Error type, e.g. `TooManyRequestsException`; sent in `x-amzn-ErrorType`. */
  error: string;
  status: number;
  message?: string;
  /** How many calls get it; unlimited when omitted. */
  times?: number;
}

export interface FaultSettings {
  latencyMs: number;
  /** Calls per second for throttled operations; 0 = no throttle. */
  throttleTps: number;
  /** Fraction of calls answered with a 5xx, 0–1. */
  failRate: number;
  forcedErrors: ForcedError[];
}

export const noFaults: FaultSettings = { latencyMs: 0, throttleTps: 0, failRate: 0, forcedErrors: [] };

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'throttle' }
  | { kind: 'fail' }
  | { kind: 'forced'; error: ForcedError };

export class Faults {
  settings: FaultSettings;
  private tokens = 0;
  private lastRefill = 0;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(settings: Partial<FaultSettings>, now: () => number, random: () => number = Math.random) {
    this.now = now;
    this.random = random;
    this.settings = { ...noFaults, forcedErrors: [] };
    this.update(settings);
  }

  /** Merges new settings; a throttle change refills the bucket. */
  update(patch: Partial<FaultSettings>): void {
    const next = { ...this.settings, ...patch };
    if (patch.forcedErrors) next.forcedErrors = patch.forcedErrors.map((e) => ({ ...e }));
    this.settings = next;
    if (patch.throttleTps !== undefined) {
      this.tokens = next.throttleTps;
      this.lastRefill = this.now();
    }
  }

  reset(settings: Partial<FaultSettings>): void {
    this.settings = { ...noFaults, forcedErrors: [] };
    this.update({ throttleTps: 0, ...settings });
  }

  /** What happens to one call of `operation`; `throttled` says whether the bucket applies to it. */
  decide(operation: string, throttled: boolean): FaultDecision {
    const forced = this.settings.forcedErrors.find((e) => e.operation === operation);
    if (forced) {
      if (forced.times !== undefined) {
        forced.times -= 1;
        if (forced.times <= 0)
          this.settings.forcedErrors = this.settings.forcedErrors.filter((e) => e !== forced);
      }
      return { kind: 'forced', error: forced };
    }
    if (throttled && this.settings.throttleTps > 0 && !this.take()) return { kind: 'throttle' };
    if (this.settings.failRate > 0 && this.random() < this.settings.failRate) return { kind: 'fail' };
    return { kind: 'none' };
  }

  private take(): boolean {
    const rate = this.settings.throttleTps;
    const now = this.now();
    // Burst capacity of one second's worth of calls.
    this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) / 1000) * rate);
    this.lastRefill = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }
}

/** Validates a fault patch from the admin API or flags; throws with the field at fault. */
export function parseFaultPatch(value: Record<string, unknown>): Partial<FaultSettings> {
  const patch: Partial<FaultSettings> = {};
  const num = (key: string, min: number, max: number) => {
    const v = value[key];
    if (v === undefined) return undefined;
    if (v === null) return 0;
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < min || n > max) {
      throw new Error(`${key} must be a number from ${min} to ${max}`);
    }
    return n;
  };
  const latencyMs = num('latencyMs', 0, 600_000);
  if (latencyMs !== undefined) patch.latencyMs = latencyMs;
  const throttleTps = num('throttleTps', 0, 1_000_000);
  if (throttleTps !== undefined) patch.throttleTps = throttleTps;
  const failRate = num('failRate', 0, 1);
  if (failRate !== undefined) patch.failRate = failRate;
  const forced = value.forcedErrors ?? (value.forceError === undefined ? undefined : [value.forceError]);
  if (forced === null) patch.forcedErrors = [];
  else if (forced !== undefined) {
    if (!Array.isArray(forced)) throw new Error('forcedErrors must be a list');
    patch.forcedErrors = forced
      .filter((f) => f !== null)
      .map((f, i) => {
        const e = f as Record<string, unknown>;
        if (typeof e.operation !== 'string' || typeof e.error !== 'string') {
          throw new Error(`forcedErrors[${i}] needs "operation" and "error" strings`);
        }
        const status = e.status === undefined ? 400 : Number(e.status);
        if (!Number.isInteger(status) || status < 400 || status > 599) {
          throw new Error(`forcedErrors[${i}].status must be an HTTP error status`);
        }
        const out: ForcedError = { operation: e.operation, error: e.error, status };
        if (typeof e.message === 'string') out.message = e.message;
        if (e.times !== undefined) out.times = Number(e.times);
        return out;
      });
  }
  return patch;
}
