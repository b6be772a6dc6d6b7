import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIsoMillis, formatIsoSeconds, fourDigitYear } from '../../src/util/iso-time.ts';

/** What the formatter replaces: toISOString cut at the dot. */
const viaToIsoString = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

const edges = [
  0,
  -1, // 1969-12-31T23:59:59.999Z: milliseconds are dropped, not rounded
  999,
  Date.UTC(2026, 11, 2, 5, 6, 7, 999),
  Date.UTC(2024, 1, 29, 23, 59, 59), // a leap day
  Date.UTC(2000, 0, 1),
  -62_167_219_200_000, // 0000-01-01T00:00:00Z
  -62_167_219_200_001, // one millisecond before the year 0000
  253_402_300_799_999, // 9999-12-31T23:59:59.999Z
  253_402_300_800_000, // +010000-01-01
  -8.64e15, // the earliest Date
  8.64e15, // the latest Date
];

test('formatIsoSeconds prints what toISOString prints without its milliseconds, formatIsoMillis all of it, for any Date', () => {
  let seed = 20261202;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const samples = [...edges, ...Array.from({ length: 5000 }, () => Math.floor((random() * 2 - 1) * 8.64e15))];
  for (const ms of samples) {
    assert.equal(formatIsoSeconds(ms), viaToIsoString(ms), String(ms));
    assert.equal(formatIsoMillis(ms), new Date(ms).toISOString(), String(ms));
  }
});

test('fourDigitYear holds exactly where the short form has a four-digit year', () => {
  for (const ms of edges) {
    assert.equal(fourDigitYear(ms), /^\d{4}-/.test(viaToIsoString(ms)), String(ms));
  }
  assert.equal(fourDigitYear(Number.NaN), false);
  assert.throws(() => formatIsoSeconds(Number.NaN), RangeError);
  assert.throws(() => formatIsoMillis(Number.NaN), RangeError);
});
