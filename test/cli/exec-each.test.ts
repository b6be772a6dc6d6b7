import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rolehopBin, runCli, runInProcess } from '../harness/cli.ts';
import { waitFor } from '../harness/poll.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';

// `exec --each`: one command per target with its own credentials, against the sandbox.

const node = process.execPath;
const PRINT = 'console.log(process.env.ROLEHOP_EXEC, process.env.AWS_ACCESS_KEY_ID)';

function addProfiles(configFile: string) {
  fs.appendFileSync(
    configFile,
    ['prod:111111111111', 'staging:222222222222', 'dev:333333333333']
      .map((p) => {
        const [name, id] = p.split(':');
        return `[profile p-${name}]\nsso_session = dev\nsso_account_id = ${id}\nsso_role_name = ReadOnlyAccess\n`;
      })
      .join('') +
      '[profile other]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n',
  );
}

test('exec --each over profiles: each its own credentials, lines prefixed, a table, and exit 1 when one fails', async (t) => {
  const w = await signedInWorld(t);
  addProfiles(w.home.configFile);
  const script = `${PRINT}; process.exit(process.env.ROLEHOP_EXEC === 'p-dev' ? 3 : 0)`;
  const r = await runCli(['exec', '--each', 'p-*', '--parallel', '2', '--', node, '-e', script], {
    env: w.env,
  });
  assert.equal(r.code, 1, r.stderr);
  const lines = r.stdout.trim().split('\n').sort();
  assert.equal(lines.length, 3, r.stdout);
  const keys = new Set<string>();
  for (const [i, name] of ['p-dev', 'p-prod', 'p-staging'].entries()) {
    const m = lines[i]!.match(/^(\S+)\s+\| (\S+) (ASIA\w+)$/);
    assert.ok(m, lines[i]);
    assert.equal(m[1], name);
    assert.equal(m[2], name, 'ROLEHOP_EXEC names the target');
    keys.add(m[3]!);
  }
  assert.equal(keys.size, 3, 'every target had its own credentials');
  assert.match(r.stderr, /TARGET\s+EXIT\s+TIME/);
  assert.match(r.stderr, /p-dev\s+3\s+\d+\.\ds/);
  assert.match(r.stderr, /p-prod\s+0\s/);
  assert.match(r.stderr, /2 of 3 succeeded/);
  assert.doesNotMatch(r.stdout + r.stderr, /other/, 'the pattern chose the targets');

  const ok = await runCli(['exec', '--each', 'p-*', '--', node, '-e', '0'], { env: w.env });
  assert.equal(ok.code, 0, ok.stderr);
});

test('exec --each over account × role behind a throttled portal: an unreachable account is skipped, output files 0600, --json', async (t) => {
  const w = await signedInWorld(t);
  assert.equal((await runInProcess(['ls'], w.env)).code, 0); // the inventory knows security
  w.sandbox.directory!.assignments.get('alice')!.delete('444444444444');
  await w.sandbox.admin.setFaults({ throttleTps: 2 });
  const out = path.join(w.home.home, 'out');
  const r = await runCli(
    [
      'exec',
      '--each',
      '*',
      '--account',
      '*',
      '--role',
      'ReadOnly*',
      '--output-dir',
      out,
      '--json',
      '--',
      node,
      '-e',
      PRINT,
    ],
    { env: w.env, timeoutMs: 120_000 },
  );
  assert.equal(r.code, 1, r.stderr);
  const results = JSON.parse(r.stdout) as { target: string; exitCode?: number; error?: string }[];
  assert.deepEqual(results.map((x) => [x.target, x.exitCode ?? 'skipped']).sort(), [
    ['dev/ReadOnlyAccess', 0],
    ['prod/ReadOnlyAccess', 0],
    ['security/ReadOnlyAccess', 'skipped'],
    ['shared-services/ReadOnlyAccess', 0],
    ['staging/ReadOnlyAccess', 0],
  ]);
  assert.match(r.stderr, /security\/ReadOnlyAccess: skipped, /);
  assert.equal(fs.statSync(out).mode & 0o777, 0o700);
  for (const f of fs.readdirSync(out)) {
    assert.equal(fs.statSync(path.join(out, f)).mode & 0o777, 0o600, f);
  }
  assert.match(
    fs.readFileSync(path.join(out, 'prod_ReadOnlyAccess.log'), 'utf8'),
    /^prod\/ReadOnlyAccess ASIA/,
  );
});

test('exec --each: bad options are usage errors before any call; no match is exit 2', async (t) => {
  const w = await signedInWorld(t);
  addProfiles(w.home.configFile);
  const before = await w.sandbox.admin.counts();
  for (const [args, message] of [
    [['--each', 'p-*', '--parallel', '0'], /invalid --parallel "0"/],
    [['--parallel', '2'], /--parallel goes with --each/],
    [['--each', 'nothing-*'], /no target matches "nothing-\*"/],
    [['p-prod', '--each', 'p-*'], /either a PROFILE or --each/],
  ] as const) {
    const r = await runInProcess(['exec', ...args, '--', node, '-e', '0'], w.env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.deepEqual(await w.sandbox.admin.counts(), before);
});

test('Ctrl-C during exec --each stops every child and exits 130', async (t) => {
  const w = await signedInWorld(t);
  addProfiles(w.home.configFile);
  const child = spawn(
    process.execPath,
    [
      rolehopBin,
      'exec',
      '--each',
      'p-*',
      '--parallel',
      '3',
      '--',
      node,
      '-e',
      'console.log(process.pid); setTimeout(() => {}, 60000)',
    ],
    { env: w.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  await waitFor(
    () => `the three children to start: ${stdout}`,
    () => (stdout.match(/\| \d+/g) ?? []).length >= 3,
    30_000,
    50,
  );
  const pids = [...stdout.matchAll(/\| (\d+)/g)].map((m) => Number(m[1]));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  assert.equal(code, 130);
  for (const pid of pids) {
    assert.throws(() => process.kill(pid, 0), `child ${pid} still runs`);
  }
});
