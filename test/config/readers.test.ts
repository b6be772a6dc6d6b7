// The line readers' helpers against what they model, where the model is a real program: botocore
// names a section by Python's shlex.split of its header (python3, one process for every case).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import fc from 'fast-check';
import { shlexSplit } from '../../src/config/readers.ts';
import { requires } from '../harness/requires.ts';

/** Python's answer for each text: the words, or null where shlex.split raises. */
function pythonShlex(texts: string[]): (string[] | null)[] {
  const script = `
import json, shlex, sys
out = []
for text in json.load(sys.stdin):
    try:
        out.append(shlex.split(text))
    except ValueError:
        out.append(None)
json.dump(out, sys.stdout)
`;
  const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}

test('shlexSplit is Python shlex.split: words, quotes, escapes, runs of plain characters, raising', (t) => {
  if (!requires(t, 'python3')) return;
  const texts = fc.sample(
    fc.oneof(
      fc.string({
        unit: fc.constantFrom('a', 'B', '-', ' ', '\t', "'", '"', '\\', 'x', '.', '\r', '\n'),
        maxLength: 16,
      }),
      fc
        .tuple(fc.constantFrom('profile', 'sso-session', 'services', 'default'), fc.string({ maxLength: 12 }))
        .map(([prefix, name]) => `${prefix} ${name}`),
    ),
    { numRuns: 4000, seed: 14 },
  );
  texts.push(
    'profile acct00000-Role0',
    'profile "a b"',
    "profile 'x'",
    'profile a\\ b',
    'profile "a\\"b"',
    '',
  );
  const expected = pythonShlex(texts);
  texts.forEach((text, i) => {
    assert.deepEqual(shlexSplit(text) ?? null, expected[i], JSON.stringify(text));
  });
});
