// The dotenv dialect rolehop writes, and a reader for it.
//
// Every value is double-quoted with POSIX shell rules: `\`, `"`, `$` and backtick get a backslash,
// everything else (line breaks included) is literal. `set -a; . ./file` in bash/zsh/sh reads that
// back exactly, whatever the value. Other readers disagree among themselves on escapes (npm
// `dotenv` keeps backslashes, python-dotenv keeps `\$`, compose interpolates a bare `$`), so rolehop
// follows the shell they all imitate; for values with none of `\ $` backtick and CR — every AWS key,
// token, region and timestamp — python-dotenv reads the same values too (tested).

export function quoteForDotenv(value: string): string {
  return `"${value.replace(/[\\"$`]/g, '\\$&')}"`;
}

const NAME = /^(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=/;

/**
 * Reads the dialect above: blank and `#` lines, optional `export `, values double-quoted (a
 * backslash escapes `\ " $` and backtick, as in the shell; before anything else it is literal),
 * single-quoted (literal) or bare (up to whitespace). Throws on anything else.
 */
export function parseDotenv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const eol = text.indexOf('\n', i);
    const lineEnd = eol === -1 ? text.length : eol;
    const line = text.slice(i, lineEnd);
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      i = lineEnd + 1;
      continue;
    }
    const m = NAME.exec(text.slice(i, lineEnd));
    if (!m) throw new Error(`dotenv: expected NAME=value at offset ${i}`);
    let j = i + m[0].length;
    let value = '';
    const quote = text[j];
    if (quote === '"' || quote === "'") {
      j++;
      for (;;) {
        if (j >= text.length) throw new Error(`dotenv: unterminated quote for ${m[1]}`);
        const c = text[j]!;
        if (c === quote) break;
        if (quote === '"' && c === '\\' && j + 1 < text.length && '\\"$`\n'.includes(text[j + 1]!)) {
          if (text[j + 1] !== '\n') value += text[j + 1];
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      j++;
    } else {
      const bare = /^[^\s#]*/.exec(text.slice(j))![0];
      value = bare;
      j += bare.length;
    }
    const rest = text.indexOf('\n', j);
    const tail = text.slice(j, rest === -1 ? text.length : rest);
    if (!/^[ \t\r]*(?:#.*)?$/.test(tail)) throw new Error(`dotenv: unexpected text after ${m[1]}'s value`);
    out[m[1]!] = value;
    i = rest === -1 ? text.length : rest + 1;
  }
  return out;
}
