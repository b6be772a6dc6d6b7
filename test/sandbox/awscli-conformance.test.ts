import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requires } from '../harness/requires.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { runPythonChecks } from './python.ts';

test('awscli v1 `aws sso-oidc …` and `aws sso …`: every command, auto-paging, and each error type', async (t) => {
  if (!requires(t, 'awscli')) return;
  const { sandbox, env } = await sandboxWorld(t);
  const checks = await runPythonChecks('awscli_conformance.py', sandbox, env, 40);
  assert.ok(checks['list-accounts follows nextToken']?.ok);
  assert.ok(checks['create-token ExpiredTokenException']?.ok);
});
