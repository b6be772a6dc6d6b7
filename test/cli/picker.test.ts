import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { filterItems, matchScore, parseKeys, pick } from '../../src/cli/picker.ts';
import { InterruptedError } from '../../src/util/errors.ts';

const items = [
  'prod 111111111111 AdministratorAccess',
  'prod 111111111111 ReadOnlyAccess',
  'dev 333333333333 PowerUserAccess',
].map((label, i) => ({ label, value: i }));

test('fuzzy matching: substrings beat subsequences, every term must match, in any order', () => {
  assert.equal(matchScore('prod AdministratorAccess', 'prod admin'), 0);
  assert.ok((matchScore('prod AdministratorAccess', 'pdadm') ?? -1) >= 10);
  assert.equal(matchScore('prod AdministratorAccess', 'zzz'), undefined);
  assert.deepEqual(
    filterItems(items, 'read').map((i) => i.value),
    [1],
  );
  assert.deepEqual(
    filterItems(items, 'poweruser dev').map((i) => i.value),
    [2],
  );
  assert.deepEqual(
    filterItems(items, 'dev power').map((i) => i.value),
    [2],
  );
  assert.deepEqual(
    filterItems(items, '').map((i) => i.value),
    [0, 1, 2],
  );
});

test('raw terminal input splits into keys, several per chunk', () => {
  assert.deepEqual(parseKeys('ab\x1b[B\x1b[A\x7f\r'), [
    { kind: 'char', text: 'a' },
    { kind: 'char', text: 'b' },
    { kind: 'down' },
    { kind: 'up' },
    { kind: 'backspace' },
    { kind: 'enter' },
  ]);
  assert.deepEqual(parseKeys('\x1b'), [{ kind: 'cancel' }]);
  assert.deepEqual(parseKeys('\x03'), [{ kind: 'cancel' }]);
});

function term() {
  const input = new PassThrough();
  let drawn = '';
  return { input, output: { write: (t: string) => (drawn += t) }, drawn: () => drawn };
}

test('typing filters, arrows move, Enter picks', async () => {
  const t = term();
  const chosen = pick('account and role:', items, t);
  t.input.write('prod');
  t.input.write('\x1b[B');
  t.input.write('\r');
  assert.equal(await chosen, 1);
  assert.match(t.drawn(), /ReadOnlyAccess/);
});

test('Esc cancels with an InterruptedError (exit 130)', async () => {
  const t = term();
  const chosen = pick('account and role:', items, t);
  t.input.write('\x1b');
  await assert.rejects(chosen, (e: unknown) => e instanceof InterruptedError && e.exitCode === 130);
});
