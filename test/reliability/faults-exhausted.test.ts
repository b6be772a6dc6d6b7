import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import { runCli } from '../harness/cli.ts';
import { hashTree, signedIn } from './harness.ts';

// When every call fails, retries run out: exit 5 with the reason and a hint, within the documented
// per-call timeout, and no file changed.

const DEADLINE_MS = 45_000;

const cases: { name: string; args: string[]; expire?: boolean; faults: Record<string, unknown> }[] = [
  { name: 'credential-process, portal 5xx', args: ['credential-process', 'prod'], faults: { failRate: 1 } },
  { name: 'ls, portal 5xx', args: ['ls'], faults: { failRate: 1 } },
  {
    name: 'ls, throttled for ever',
    args: ['ls'],
    faults: {
      forcedErrors: [{ operation: 'ListAccounts', error: 'TooManyRequestsException', status: 429 }],
    },
  },
  {
    name: 'token refresh, OIDC 5xx',
    args: ['credential-process', 'prod'],
    expire: true,
    faults: { failRate: 1 },
  },
  {
    name: 'login, OIDC 5xx',
    args: ['login', '--sso-session', 'dev', '--device-code', '--no-browser'],
    faults: { failRate: 1 },
  },
];

describe('retries exhausted', { concurrency: true }, () => {
  for (const c of cases) {
    test(`retries exhausted (${c.name}): exit 5 with a hint, bounded time, no file changed`, async (t) => {
      const w = await signedIn(t, { autoApprove: true, ...(c.expire ? { expiresIn: -60 } : {}) });
      await w.sandbox.admin.setFaults(c.faults as never);
      const before = hashTree(w.home.home);
      const started = Date.now();
      const r = await runCli([...c.args, '--debug'], {
        env: w.env,
        timeoutMs: DEADLINE_MS,
      });
      assert.equal(r.signal, null, `killed after ${DEADLINE_MS} ms: a hang`);
      assert.equal(r.code, 5, r.stderr);
      assert.ok(Date.now() - started < DEADLINE_MS);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^rolehop: .*(fail|throttl|could not)/im);
      assert.match(r.stderr, /hint: \S/);
      assert.doesNotMatch(r.stderr, /unexpected error/);
      assert.deepEqual(hashTree(w.home.home), before);
      t.diagnostic(
        r.stderr
          .split('\n')
          .filter((l) => !l.startsWith('debug') && !/^\s+at /.test(l))
          .join(' | '),
      );
      if (fs.existsSync(w.tokenFile)) JSON.parse(fs.readFileSync(w.tokenFile, 'utf8'));
    });
  }
});
