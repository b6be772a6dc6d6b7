// No pwsh or cmd.exe on this machine: the pwsh output is read back by a model of PowerShell's
// single-quoted strings, and cmd output is checked to hold nothing cmd would interpret.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { formatEnv } from '../../src/emit/index.ts';
import { RolehopError } from '../../src/util/errors.ts';
import { expected, hostileArbitraries } from './hostile-values.ts';

const { credsAndRegion } = hostileArbitraries('/nonexistent/canary');
const QUOTE = "['\u2018\u2019\u201a\u201b]";
const SINGLE_QUOTED = new RegExp(`^${QUOTE}((?:${QUOTE}${QUOTE}|(?!${QUOTE})[^])*)${QUOTE}`);

/** PowerShell's rules for what rolehop emits: 'text' (a doubled quote is one), [char]N, +, (…). */
function readPwshExpression(text: string): string {
  let rest = text;
  const grouped = rest.startsWith('(') && rest.endsWith(')');
  if (grouped) rest = rest.slice(1, -1);
  let value = '';
  for (;;) {
    const quoted = SINGLE_QUOTED.exec(rest);
    const char = /^\[char\](\d+)/.exec(rest);
    if (quoted) {
      value += quoted[1]!.replace(new RegExp(`(${QUOTE})${QUOTE}`, 'g'), '$1');
      rest = rest.slice(quoted[0].length);
    } else if (char && grouped) {
      value += String.fromCharCode(Number(char[1]));
      rest = rest.slice(char[0].length);
    } else {
      throw new Error(`not a rolehop pwsh expression: ${JSON.stringify(text)}`);
    }
    if (rest === '') return value;
    if (!grouped || !rest.startsWith(' + ')) throw new Error(`unexpected ${JSON.stringify(rest)}`);
    rest = rest.slice(3);
  }
}

function readPwsh(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  // Line by line, as `… | Invoke-Expression` runs it: every line must be a whole statement.
  for (const line of text.split('\n').filter((l) => l !== '')) {
    const set = /^\$Env:(AWS_[A-Z_]+) = (.*)$/s.exec(line);
    if (set) vars[set[1]!] = readPwshExpression(set[2]!);
    else assert.match(line, /^Remove-Item Env:AWS_[A-Z_]+ -ErrorAction SilentlyContinue$/);
  }
  return vars;
}

test('pwsh: every hostile value reads back exactly, one whole statement per line', () => {
  fc.assert(
    fc.property(credsAndRegion, (s) => {
      assert.deepEqual(readPwsh(formatEnv('pwsh', s, { region: s.region })), expected(s));
    }),
    { numRuns: 500 },
  );
});

test('cmd: a value is either refused with a clear error or emitted with nothing cmd interprets', () => {
  fc.assert(
    fc.property(credsAndRegion, (s) => {
      let text: string;
      try {
        text = formatEnv('cmd', s, { region: s.region });
      } catch (e) {
        assert.ok(e instanceof RolehopError);
        assert.match(e.message, /^AWS_\w+ contains .+, which cmd\.exe cannot hold safely in "set"$/);
        return;
      }
      const vars: Record<string, string> = {};
      for (const line of text.split('\r\n').filter((l) => l !== '')) {
        const m = /^set "(AWS_[A-Z_]+)=([\x20-\x7e]*)"$/.exec(line);
        assert.ok(m, line);
        assert.doesNotMatch(m[2]!, /["%!^&|<>]/);
        if (m[2] !== '') vars[m[1]!] = m[2]!;
      }
      const want = Object.fromEntries(Object.entries(expected(s)).filter(([, v]) => v !== ''));
      assert.deepEqual(vars, want);
    }),
    { numRuns: 500 },
  );
});
