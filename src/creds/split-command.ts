import { ConfigError } from '../util/errors.ts';

/**
 * Splits a command line into argv the way botocore does for credential_process (POSIX shlex):
 * whitespace separates, '…' is literal, "…" allows \" \\ \$ \` escapes, \ escapes outside quotes.
 * No shell runs, so no expansion happens.
 */
export function splitCommandLine(line: string): string[] {
  const args: string[] = [];
  let current = '';
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else current += ch;
      continue;
    }
    if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1]!)) current += line[++i];
      else current += ch;
      continue;
    }
    if (ch === "'" || ch === '"') {
      quote = ch;
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 < line.length) {
        const next = line[++i]!;
        if (next !== '\n') current += next;
      }
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) args.push(current);
      current = '';
      inWord = false;
    } else {
      current += ch;
      inWord = true;
    }
  }
  if (quote) {
    throw new ConfigError(`credential_process has an unterminated ${quote} quote`, {
      hint: 'close the quote in the credential_process line',
    });
  }
  if (inWord) args.push(current);
  return args;
}
