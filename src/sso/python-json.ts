// Python's json.dumps output (", " and ": " separators, ensure_ascii), so the files rolehop writes
// into ~/.aws/sso/cache are byte-for-byte what the AWS CLI and botocore write.
import { formatIsoSeconds } from '../util/iso-time.ts';

function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (code >= 0x7f && code <= 0xffff)) out += escapeUnit(code);
    else if (code > 0xffff) {
      const v = code - 0x10000;
      out += escapeUnit(0xd800 + (v >> 10)) + escapeUnit(0xdc00 + (v & 0x3ff));
    } else out += ch;
  }
  return `${out}"`;
}

function escapeUnit(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

export function pythonJsonDumps(value: unknown, options: { sortKeys?: boolean } = {}): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : JSON.stringify(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((v) => pythonJsonDumps(v, options)).join(', ')}]`;
  if (typeof value === 'object') {
    let entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (options.sortKeys) entries = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${quote(k)}: ${pythonJsonDumps(v, options)}`).join(', ')}}`;
  }
  throw new TypeError(`cannot serialize ${typeof value}`);
}

/** The AWS CLI's timestamp format: `2026-01-02T11:04:05Z` (UTC, no milliseconds). */
export function formatCliTimestamp(date: Date): string {
  return formatIsoSeconds(date.getTime());
}

/** Reads `expiresAt` as the AWS CLI v1/v2, botocore and the JS SDK write it; NaN when unreadable. */
export function parseCliTimestamp(text: unknown): number {
  if (typeof text !== 'string') return Number.NaN;
  const normalized = text.trim().replace(/\s*UTC$/, 'Z');
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(normalized)) return Number.NaN;
  return Date.parse(normalized);
}
