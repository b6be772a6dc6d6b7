// Scenario 4: 100 cold `credential-process` calls at once on a chained profile. Single-flight should
// make one GetRoleCredentials and one AssumeRole in all; wall time is compared with one cold call.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchHome, node, rolehop, rolehopBin, startSandboxProcess } from './lib.mjs';

const callers = Number(process.env.BENCH_CALLERS ?? 100);
const sandbox = await startSandboxProcess(['--latency-ms', '50']);
const h = benchHome(sandbox);
const cacheDir = path.join(h.home, '.cache', 'rolehop');

function call() {
  return new Promise((resolve, reject) => {
    let stdout = '';
    const child = spawn(node, [rolehopBin, 'credential-process', 'chained'], {
      env: h.env,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(stdout).AccessKeyId) : reject(new Error(`exit ${code}`)),
    );
  });
}

async function timed(n) {
  fs.rmSync(cacheDir, { recursive: true, force: true });
  const before = await sandbox.counts();
  const started = process.hrtime.bigint();
  const keys = await Promise.all(Array.from({ length: n }, call));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const after = await sandbox.counts();
  const delta = (op) => (after[op] ?? 0) - (before[op] ?? 0);
  return {
    ms,
    distinct: new Set(keys).size,
    getRole: delta('GetRoleCredentials'),
    assume: delta('AssumeRole'),
  };
}

try {
  rolehop(['login', '--sso-session', 'bench', '--device-code', '--no-browser'], h.env);
  const one = await timed(1);
  const many = await timed(callers);
  process.stdout.write(`### ${callers} concurrent cold credential-process calls (sandbox latency 50 ms)

| run | wall ms | GetRoleCredentials | AssumeRole | distinct keys |
|---|---:|---:|---:|---:|
| 1 call | ${one.ms.toFixed(0)} | ${one.getRole} | ${one.assume} | ${one.distinct} |
| ${callers} calls at once | ${many.ms.toFixed(0)} | ${many.getRole} | ${many.assume} | ${many.distinct} |

Target: one network call per step for all ${callers} callers (2 cores: wall time is dominated by starting ${callers} Node processes).
`);
} finally {
  h.cleanup();
  await sandbox.close();
}
