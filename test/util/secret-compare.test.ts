import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secretsEqual } from '../../src/util/secret-compare.ts';

test('secret comparison (server tokens, OAuth state) is over digests: any lengths, no throw', () => {
  const token = 'a'.repeat(43);
  assert.equal(secretsEqual(token, token), true);
  assert.equal(secretsEqual(`${'a'.repeat(42)}b`, token), false);
  assert.equal(secretsEqual('', token), false);
  assert.equal(secretsEqual('a'.repeat(4096), token), false);
  assert.equal(secretsEqual('abc', 'abcd'), false);
  assert.equal(secretsEqual('é', 'é'), true);
});
