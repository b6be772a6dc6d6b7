import { UsageError } from './errors.ts';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parse `3600`, `90s`, `15m`, `1h`, `1h30m` into seconds. */
export function parseDurationSeconds(text: string, what = 'duration'): number {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const parts = [...trimmed.matchAll(/(\d+)([smhd])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw new UsageError(`invalid ${what} "${text}"`, {
      hint: 'use seconds (3600) or units like 15m, 1h, 1h30m',
    });
  }
  return parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_SECONDS[p[2]!] ?? 0), 0);
}

/** `1h 2m` style for people. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (h === 0) return `${m}m`;
  return m === 0 ? `${h}h` : `${h}h ${m}m`;
}
