// Short values checked against a set of ASCII characters by a loop, not a regular expression. A
// warm call is a few milliseconds of work, and V8 compiles each regular expression when it first
// runs and again, to machine code, when it runs a second time (~0.06 ms each): the 19 a warm hit
// ran were about 1 ms of it (bench/RESULTS.md, eighth round). A set is the string of its characters,
// so it reads as the class it replaces; test/util/ascii.test.ts checks each against that class.
// A long value (a session token) is checked faster by a regular expression, which runs as machine
// code.

export const DIGITS = '0123456789';
export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
/** JavaScript's `\w` (without the u flag): ASCII letters, digits and `_`. */
export const WORD = `${UPPER}${LOWER}${DIGITS}_`;

/** Each set as a table of the 128 ASCII codes: a check is one read per character, not a search of the set. */
const tables = new Map<string, Uint8Array>();
function tableOf(chars: string): Uint8Array {
  let table = tables.get(chars);
  if (!table) {
    table = new Uint8Array(128);
    for (let i = 0; i < chars.length; i++) {
      const code = chars.charCodeAt(i);
      if (code >= 128) throw new RangeError(`a character set of util/ascii.ts holds U+${code.toString(16)}`);
      table[code] = 1;
    }
    tables.set(chars, table);
  }
  return table;
}

/** Whether the UTF-16 unit `code` is one of `table`'s characters. */
const inTable = (table: Uint8Array, code: number): boolean => code < 128 && table[code] === 1;

/** Where the run of `chars` that starts at `from` ends: the index of the first other character, or the length. */
export function spanOf(text: string, chars: string, from = 0): number {
  const table = tableOf(chars);
  let at = from;
  while (at < text.length && inTable(table, text.charCodeAt(at))) at++;
  return at;
}

/** /^[chars]{min,max}$/.test(text): `text` is `min` to `max` characters, each one of `chars`. */
export function onlyOf(text: string, chars: string, min = 1, max = Number.POSITIVE_INFINITY): boolean {
  return text.length >= min && text.length <= max && spanOf(text, chars) === text.length;
}

/** text.replace(/[^chars]/g, ''): `text` without the characters that are not one of `chars`. */
export function keepOnly(text: string, chars: string): string {
  const table = tableOf(chars);
  let kept = '';
  for (let i = 0; i < text.length; i++) if (inTable(table, text.charCodeAt(i))) kept += text[i];
  return kept;
}

/** /^[\x21-\x7e]*$/.test(text): printable ASCII only, no space. */
export function isPrintableAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}
