import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  AccessDeniedError,
  ConfigError,
  exitCodeOf,
  InterruptedError,
  NetworkError,
  SignInRequiredError,
  UsageError,
} from '../../src/util/errors.ts';

test('typed errors map to the exit codes of design.md', () => {
  assert.equal(exitCodeOf(new ConfigError('x')), 1);
  assert.equal(exitCodeOf(new UsageError('x')), 2);
  assert.equal(exitCodeOf(new SignInRequiredError('x')), 3);
  assert.equal(exitCodeOf(new AccessDeniedError('x')), 4);
  assert.equal(exitCodeOf(new NetworkError('x')), 5);
  assert.equal(exitCodeOf(new InterruptedError('x')), 130);
  assert.equal(exitCodeOf(new Error('x')), 1);
});
