import * as path from 'node:path';
import { homeDir, rolehopCacheDir } from '../config/paths.ts';
import type { Env } from '../util/env.ts';
import { readPrivateFile } from '../util/private-file.ts';
import { writePrivateCache } from '../util/private-file-write.ts';
import type { PickerItem } from './picker.ts';

// The picker's memory: which targets were picked, how often and when, so the ones a person uses
// come first among thousands. One small file (0600) under the cache folder; losing it only loses
// the order.

interface Use {
  count: number;
  lastAt: number;
}

interface HistoryFile {
  version: 1;
  uses: Record<string, Use>;
}

/** At most this many targets are remembered; the least used are forgotten first. */
const KEEP = 200;
/** A pick's weight halves every week. */
const HALF_LIFE_MS = 7 * 24 * 3600_000;

export function historyPath(env: Env): string {
  return path.join(rolehopCacheDir(env), 'picker', 'history.json');
}

function read(env: Env): Record<string, Use> {
  const bytes = readPrivateFile(historyPath(env), homeDir(env));
  if (!bytes) return {};
  try {
    const h = JSON.parse(bytes.toString('utf8')) as HistoryFile;
    return h.version === 1 && h.uses && typeof h.uses === 'object' ? h.uses : {};
  } catch {
    return {};
  }
}

/** Frecency: each use counts, recent ones more. */
function weight(use: Use, now: number): number {
  return use.count * 0.5 ** (Math.max(0, now - use.lastAt) / HALF_LIFE_MS);
}

/** Items used before first (most weight first), then the rest in their order. */
export function rankByHistory<T>(
  items: PickerItem<T>[],
  keyOf: (value: T) => string,
  env: Env,
  now: number,
): PickerItem<T>[] {
  const uses = read(env);
  if (Object.keys(uses).length === 0) return items;
  const used: { item: PickerItem<T>; w: number }[] = [];
  const rest: PickerItem<T>[] = [];
  for (const item of items) {
    const use = Object.hasOwn(uses, keyOf(item.value)) ? uses[keyOf(item.value)] : undefined;
    if (use) used.push({ item, w: weight(use, now) });
    else rest.push(item);
  }
  used.sort((a, b) => b.w - a.w);
  return [...used.map((u) => u.item), ...rest];
}

/** Remembers a pick; a failed write is a warning, never an error. */
export function recordPick(key: string, env: Env, now: number, warn: (m: string) => void): void {
  const uses = read(env);
  const prev = Object.hasOwn(uses, key) ? uses[key] : undefined;
  uses[key] = { count: (prev?.count ?? 0) + 1, lastAt: now };
  const kept = Object.entries(uses)
    .sort(([, a], [, b]) => weight(b, now) - weight(a, now))
    .slice(0, KEEP);
  const body: HistoryFile = { version: 1, uses: Object.fromEntries(kept) };
  writePrivateCache('the picker history', historyPath(env), `${JSON.stringify(body)}\n`, homeDir(env), warn);
}
