import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { runProcess } from './cli.ts';

// A machine with none of the outside programs, simulated by an empty PATH: a test that needs them
// is skipped with the line that says what to install, or fails with it under the CI switch; and the
// moto harness fails at once with that line instead of waiting for a server that cannot start.

const harness = (name: string) => pathToFileURL(path.join(import.meta.dirname, name)).href;
const FIXTURE = `
import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { requires } from '${harness('requires.ts')}';
import { startMoto } from '${harness('moto.ts')}';

test('needs zsh and moto', (t) => {
  if (!requires(t, 'zsh', 'moto')) return;
  throw new Error('the body ran');
});

test('startMoto without moto', async () => {
  const started = Date.now();
  await assert.rejects(startMoto(), /^Error: needs python3 with moto: pip install 'moto\\[server\\]' boto3$/);
  assert.ok(Date.now() - started < 5000);
});
`;
const LINE = "needs zsh, python3 with moto: apt-get install -y zsh and pip install 'moto[server]' boto3";

async function runWithoutPrograms(t: TestContext, extraEnv: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-requires-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const emptyBin = path.join(dir, 'bin');
  fs.mkdirSync(emptyBin);
  const file = path.join(dir, 'fixture.test.ts');
  fs.writeFileSync(file, FIXTURE);
  return runProcess(process.execPath, ['--test', '--test-reporter=tap', file], {
    env: { PATH: emptyBin, HOME: dir, ...extraEnv },
    cwd: dir,
  });
}

test('without the programs a test needs, it is skipped with one line naming them and how to install them', async (t) => {
  const r = await runWithoutPrograms(t, {});
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(r.stdout.includes(`ok 1 - needs zsh and moto # SKIP ${LINE}\n`), r.stdout);
  assert.match(r.stdout, /^ok 2 - startMoto without moto$/m);
  assert.doesNotMatch(r.stdout, /the body ran/);
});

test('under ROLEHOP_TEST_REQUIRE_ALL=1 the same test fails with the same line', async (t) => {
  const r = await runWithoutPrograms(t, { ROLEHOP_TEST_REQUIRE_ALL: '1' });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /^not ok 1 - needs zsh and moto$/m);
  assert.ok(r.stdout.includes(`error: "${LINE}"`), r.stdout);
  assert.match(r.stdout, /^ok 2 - startMoto without moto$/m);
  assert.doesNotMatch(r.stdout, /the body ran/);
});
