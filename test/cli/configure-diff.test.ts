import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { maskSecretLine, unifiedDiff } from '../../src/cli/diff.ts';

/** Applies a unified diff to `before`, checking every context and removed line on the way. */
function applyDiff(before: string, diff: string): string {
  const lines = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const out: string[] = [];
  let at = 0;
  for (const hunk of diff.split(/^(?=@@ )/m).slice(1)) {
    const [head, ...body] = hunk.replace(/\n$/, '').split('\n');
    const m = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(head!);
    assert.ok(m, head);
    const start = Number(m[2]) === 0 ? Number(m[1]) : Number(m[1]) - 1;
    while (at < start) out.push(lines[at++]!);
    for (const line of body) {
      const text = line.slice(1);
      if (line[0] === '+') out.push(text);
      else {
        assert.equal(lines[at], text, `line ${at + 1}`);
        if (line[0] === ' ') out.push(text);
        at++;
      }
    }
  }
  while (at < lines.length) out.push(lines[at++]!);
  return out.length ? `${out.join('\n')}\n` : '';
}

const textOf = fc.array(fc.constantFrom('[profile a]', 'region = x', '', '# c', 'k = v', 'z'), {
  maxLength: 30,
});

test('a diff applied to the old text gives the new text; equal texts give no diff', () => {
  fc.assert(
    fc.property(textOf, textOf, (a, b) => {
      const before = a.length ? `${a.join('\n')}\n` : '';
      const after = b.length ? `${b.join('\n')}\n` : '';
      const diff = unifiedDiff(before, after, 'config');
      if (before === after) assert.equal(diff, '');
      else assert.equal(applyDiff(before, diff), after);
    }),
    { numRuns: 500 },
  );
});

test('secret values never appear in a diff', () => {
  const diff = unifiedDiff(
    '[x]\naws_access_key_id = AKIAOLD\n',
    '[x]\naws_access_key_id = AKIANEW\naws_secret_access_key = s3cr3t\naws_session_token = t0k3n\n',
    'credentials',
  );
  assert.doesNotMatch(diff, /AKIA|s3cr3t|t0k3n/);
  assert.match(diff, /^\+aws_secret_access_key = \*{8}$/m);
  assert.equal(maskSecretLine('region = eu-west-1'), 'region = eu-west-1');
});
