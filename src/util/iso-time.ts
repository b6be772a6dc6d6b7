// The one form every output prints a time in: ISO 8601, UTC, whole seconds (2026-01-02T03:04:05Z),
// as the AWS CLI and SDKs print credential expirations; and toISOString's form, with milliseconds,
// for rolehop's credential cache files.
//
// Written from the UTC fields rather than Date#toISOString: V8's first toISOString in a process
// costs ~1 ms (measured: 1.0-1.2 ms, then microseconds), a tenth of a warm credential-process call
// above `node -e 0`, where reading the same fields costs ~30 us.

const MIN_FOUR_DIGIT_YEAR_MS = -62_167_219_200_000; // 0000-01-01T00:00:00Z
const MAX_FOUR_DIGIT_YEAR_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

const two = (n: number): string => (n < 10 ? `0${n}` : String(n));

/**
 * `epochMs` as `YYYY-MM-DDTHH:MM:SSZ` (milliseconds dropped, not rounded, as toISOString's text cut
 * at the dot). Outside the years 0000-9999 the text is toISOString's (`+010000-…`, `-000001-…`),
 * which no reader of the short form accepts; callers that must not print one check `fourDigitYear`.
 * An invalid time (NaN) throws toISOString's RangeError.
 */
export function formatIsoSeconds(epochMs: number): string {
  const date = new Date(epochMs);
  if (!fourDigitYear(epochMs)) return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `${upToSeconds(date)}Z`;
}

/** `epochMs` exactly as Date#toISOString prints it (`YYYY-MM-DDTHH:MM:SS.mmmZ`), for files that keep milliseconds. */
export function formatIsoMillis(epochMs: number): string {
  const date = new Date(epochMs);
  if (!fourDigitYear(epochMs)) return date.toISOString();
  return `${upToSeconds(date)}.${String(date.getUTCMilliseconds()).padStart(3, '0')}Z`;
}

function upToSeconds(date: Date): string {
  return (
    `${String(date.getUTCFullYear()).padStart(4, '0')}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}` +
    `T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`
  );
}

/** The time is valid and its year has four digits (0000-9999), so `formatIsoSeconds` prints the short form. */
export function fourDigitYear(epochMs: number): boolean {
  return epochMs >= MIN_FOUR_DIGIT_YEAR_MS && epochMs <= MAX_FOUR_DIGIT_YEAR_MS;
}
