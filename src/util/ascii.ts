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

/** /^[chars]{min,max}$/.test(text): `text` is `min` to `max` characters, each one of `chars`. */
export function onlyOf(text: string, chars: string, min = 1, max = Number.POSITIVE_INFINITY): boolean {
  if (text.length < min || text.length > max) return false;
  for (let i = 0; i < text.length; i++) if (!chars.includes(text[i]!)) return false;
  return true;
}

/** text.replace(/[^chars]/g, ''): `text` without the characters that are not one of `chars`. */
export function keepOnly(text: string, chars: string): string {
  let kept = '';
  for (let i = 0; i < text.length; i++) if (chars.includes(text[i]!)) kept += text[i];
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
