// Scenario (issue 13): a command across many accounts. `rolehop exec --each` over N profiles with the
// sandbox answering every call after 50 ms, against running `rolehop exec PROFILE -- CMD` N times one
// after another. Both start with an empty credential cache, so each target costs a GetRoleCredentials.
// The goal: --each takes less wall time than the runs one after another (printed as holds or MISSED).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { benchHome, node, rolehopBin, startSandbox } from './lib.mjs';

/** Async: the sandbox runs in this process, so a synchronous child would block it. */
function run(args, env) {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [rolehopBin, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

const targets = Number(process.env.BENCH_EACH_TARGETS ?? (process.env.BENCH_SHORT ? 10 : 200));
const latencyMs = 50;
const parallel = Number(process.env.BENCH_EACH_PARALLEL ?? 8);
const sandbox = await startSandbox({ accounts: targets });
const h = benchHome(sandbox);
const cmd = ['--', node, '-e', '0'];
let failed = false;
try {
  fs.appendFileSync(
    h.env.AWS_CONFIG_FILE,
    sandbox.directory.accounts
      .slice(0, targets)
      .map(
        (a, i) =>
          `\n[profile each-${String(i).padStart(4, '0')}]\nsso_session = bench\nsso_account_id = ${a.id}\nsso_role_name = ReadOnlyAccess\n`,
      )
      .join(''),
  );
  const login = await run(['login', '--sso-session', 'bench', '--device-code', '--no-browser'], h.env);
  if (login.status !== 0) throw new Error(`login failed: ${login.stderr}`);
  await sandbox.admin.setFaults({ latencyMs });
  const cacheDir = path.join(h.home, '.cache', 'rolehop');
  const clearCredentials = () => {
    for (const f of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []) {
      if (f.startsWith('creds-')) fs.rmSync(path.join(cacheDir, f));
    }
  };

  clearCredentials();
  let started = process.hrtime.bigint();
  let sequentialFailures = 0;
  for (let i = 0; i < targets; i++) {
    const r = await run(['exec', `each-${String(i).padStart(4, '0')}`, ...cmd], h.env);
    if (r.status !== 0) sequentialFailures++;
  }
  const sequentialS = Number(process.hrtime.bigint() - started) / 1e9;

  clearCredentials();
  started = process.hrtime.bigint();
  const each = await run(['exec', '--each', 'each-*', '--parallel', String(parallel), ...cmd], h.env);
  const eachS = Number(process.hrtime.bigint() - started) / 1e9;
  const ok = (each.stderr.match(/(\d+) of (\d+) succeeded/) ?? []).slice(1).map(Number);
  const speedUp = sequentialS / eachS;
  failed = sequentialFailures > 0 || each.status !== 0 || ok[0] !== targets || speedUp <= 1;
  process.stdout.write(`### exec --each: ${targets} profiles, sandbox latency ${latencyMs} ms, --parallel ${parallel} (${os.availableParallelism()} cores)

| run | wall time | per target |
|---|---|---|
| \`rolehop exec PROFILE -- node -e 0\` × ${targets}, one after another | ${sequentialS.toFixed(1)} s | ${((sequentialS / targets) * 1000).toFixed(0)} ms |
| \`rolehop exec --each 'each-*' --parallel ${parallel} -- node -e 0\` | ${eachS.toFixed(1)} s | ${((eachS / targets) * 1000).toFixed(0)} ms |
| speed-up | ${speedUp.toFixed(1)}× | |
| failures | ${sequentialFailures} sequential, ${targets - (ok[0] ?? 0)} in --each | |

- exec --each against one after another: ${(eachS / sequentialS).toFixed(2)}× the wall time, ${speedUp.toFixed(1)}× faster (goal: faster, every target succeeding) — ${speedUp > 1 && ok[0] === targets && sequentialFailures === 0 ? 'holds' : 'MISSED'}
`);
  if (each.status !== 0) process.stderr.write(each.stderr.slice(-2000));
} finally {
  await sandbox.close();
  h.cleanup();
}
process.exitCode = failed ? 1 : 0;
