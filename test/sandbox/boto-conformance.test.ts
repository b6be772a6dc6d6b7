import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requires } from '../harness/requires.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { runPythonChecks } from './python.ts';

test("boto3's sso-oidc and sso clients: every operation, paging, and each error as its modelled class", async (t) => {
  if (!requires(t, 'boto3')) return;
  const { sandbox, env } = await sandboxWorld(t);
  const checks = await runPythonChecks('boto_conformance.py', sandbox, env, 40);
  for (const name of [
    'CreateToken AuthorizationPendingException',
    'CreateToken SlowDownException',
    'CreateToken authorization_code',
    'ListAccounts paginator',
    'TooManyRequestsException',
    'UnauthorizedException after Logout',
  ]) {
    assert.ok(checks[name]?.ok, name);
  }
});
