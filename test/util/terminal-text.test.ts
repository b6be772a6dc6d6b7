import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalSafe } from '../../src/util/terminal-text.ts';
import { runInProcess } from '../harness/cli.ts';
import { tempHome } from '../harness/temp-home.ts';

test('terminalSafe drops what a terminal interprets and keeps what it shows', () => {
  assert.equal(
    terminalSafe('a\x1b]0;title\x07b\x1b[2Jc\rd\x08e\x7ff\u009bg\u202eh\u2066i'),
    'a]0;titleb[2Jcdefghi',
  );
  assert.equal(terminalSafe('line 1\n\tline 2 é 🚀 日本'), 'line 1\n\tline 2 é 🚀 日本');
});

test('an error message quoting outside text reaches stderr without escape sequences', async (t) => {
  const { env } = tempHome(t);
  const r = await runInProcess(['\x1b]0;pwned\x07\x1b[2J'], env);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown command "\]0;pwned\[2J"/);
  assert.doesNotMatch(r.stderr, /[\x00-\x09\x0b-\x1f\x7f]/);
});
