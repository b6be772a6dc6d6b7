import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDurationSeconds } from '../../src/util/duration.ts';
import { createLogger } from '../../src/util/log.ts';
import { redactText, redactValue, registerSecret } from '../../src/util/redact.ts';

test('registered secrets never reach a debug line', () => {
  registerSecret('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
  let out = '';
  const log = createLogger({ write: (s: string) => (out += s) }, { debug: true });
  log.debug('got wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY from cache', {
    accessToken: 'aoaaaaaaaaaaaaaaaaaa',
    nested: { note: 'key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    region: 'eu-west-1',
  });
  assert.doesNotMatch(out, /wJalrXUtnFEMI|aoaaaaaa/);
  assert.match(out, /eu-west-1/);
  assert.equal(redactText('plain'), 'plain');
  assert.deepEqual(redactValue({ clientSecret: '' }), { clientSecret: '' });
});

test('durations parse from seconds and units, and bad ones are usage errors', () => {
  assert.equal(parseDurationSeconds('3600'), 3600);
  assert.equal(parseDurationSeconds('1h30m'), 5400);
  assert.equal(parseDurationSeconds('15m'), 900);
  assert.throws(() => parseDurationSeconds('1 hour'), /invalid duration "1 hour"/);
  assert.throws(() => parseDurationSeconds('-5'), /invalid duration/);
});
