// Quoters for shell code that `eval`/`source`/Invoke-Expression run: whatever a value holds, the
// result parses as exactly one literal string. Variable names are fixed by rolehop, never quoted.

import { RolehopError } from '../util/errors.ts';

/** POSIX single quotes (bash, zsh, sh, dash): nothing inside is special; `'` becomes `'\''`. */
export function quoteForPosix(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** fish single quotes: only `\\` and `\'` are escapes inside them. */
export function quoteForFish(value: string): string {
  return `'${value.replace(/[\\']/g, '\\$&')}'`;
}

// PowerShell also closes single-quoted strings with the typographic single quotes.
const PWSH_QUOTES = /['\u2018\u2019\u201a\u201b]/g;

/**
 * PowerShell single quotes, quote characters doubled. Line breaks go outside the quotes as
 * `[char]10`, so the text stays one line each: `… | Invoke-Expression` runs line by line, and a
 * value split over two lines could otherwise turn its second half into a command.
 */
export function quoteForPwsh(value: string): string {
  const pieces = value.split(/(\r|\n)/);
  if (pieces.length === 1) return `'${value.replace(PWSH_QUOTES, '$&$&')}'`;
  const parts = pieces
    .map((p) => (p === '\r' ? '[char]13' : p === '\n' ? '[char]10' : p === '' ? '' : quoteForPwsh(p)))
    .filter((p) => p !== '');
  return `(${parts.join(' + ')})`;
}

/**
 * cmd.exe has no quoting that survives both `set "NAME=value"` and later `%`/`!` expansion, so a
 * value is accepted only when it holds nothing cmd would interpret or mangle: printable ASCII
 * without `" % ! ^ & | < >`. Returns the value unchanged, for use inside `set "NAME=…"`.
 */
export function quoteForCmd(value: string, name = 'the value'): string {
  const bad = /["%!^&|<>]|[^\x20-\x7e]/.exec(value);
  if (bad) {
    const ch = bad[0];
    const shown = /[\x21-\x7e]/.test(ch)
      ? `\`${ch}\``
      : `U+${ch.codePointAt(0)!.toString(16).padStart(4, '0')}`;
    throw new RolehopError(`${name} contains ${shown}, which cmd.exe cannot hold safely in "set"`, {
      hint: 'use --format pwsh (PowerShell) or run the command with `rolehop exec` instead',
    });
  }
  return value;
}
