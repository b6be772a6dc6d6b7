// Runs one of the python conformance scripts against a sandbox and asserts every check it recorded.
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { runProcess } from '../harness/cli.ts';
import { assertPresent } from '../harness/requires.ts';
import type { TestSandbox } from '../harness/sandbox.ts';

export const pyDir = path.join(import.meta.dirname, 'py');

export async function runPythonChecks(
  script: string,
  sandbox: TestSandbox,
  env: Record<string, string>,
  expectedChecks: number,
): Promise<Record<string, { ok: boolean; detail: string }>> {
  assertPresent('python3');
  const r = await runProcess('python3', [path.join(pyDir, script)], {
    env: {
      ...env,
      SANDBOX_URL: sandbox.url,
      SANDBOX_START_URL: sandbox.startUrl,
      PYTHONDONTWRITEBYTECODE: '1',
    },
    cwd: pyDir,
    timeoutMs: 120_000,
  });
  assert.equal(r.code, 0, `${script} failed:\n${r.stderr}`);
  const checks = JSON.parse(r.stdout) as Record<string, { ok: boolean; detail: string }>;
  const failed = Object.entries(checks).filter(([, c]) => !c.ok);
  assert.deepEqual(failed, [], `failed checks in ${script}`);
  assert.ok(Object.keys(checks).length >= expectedChecks, `only ${Object.keys(checks).length} checks ran`);
  return checks;
}
