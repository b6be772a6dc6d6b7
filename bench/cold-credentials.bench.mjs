// Scenario 2: cold role credentials with the SSO token cached — every run calls the portal and STS.
// rolehop's credential cache is emptied before each of its runs; the peers keep none across processes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  baselineAndPeers,
  benchHome,
  node,
  rolehop,
  rolehopBin,
  startSandboxProcess,
  table,
  timeCandidates,
} from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const out = [];
for (const latencyMs of [0, 50]) {
  const sandbox = await startSandboxProcess(['--latency-ms', String(latencyMs)]);
  const h = benchHome(sandbox);
  try {
    rolehop(['login', '--sso-session', 'bench', '--device-code', '--no-browser'], h.env);
    const cacheDir = path.join(h.home, '.cache', 'rolehop');
    const rows = timeCandidates(
      [
        ...baselineAndPeers(h.env, 'chained'),
        {
          name: 'rolehop credential-process (cold)',
          cmd: node,
          args: [rolehopBin, 'credential-process', 'chained'],
          env: h.env,
          before: () => fs.rmSync(cacheDir, { recursive: true, force: true }),
        },
      ],
      runs,
    );
    out.push(`#### sandbox latency ${latencyMs} ms\n\n${table(rows, 'node -e 0')}\n`);
  } finally {
    h.cleanup();
    await sandbox.close();
  }
}
process.stdout.write(
  `### Cold role credentials, token cached (${runs} runs each, interleaved)\n\n${out.join('\n')}`,
);
