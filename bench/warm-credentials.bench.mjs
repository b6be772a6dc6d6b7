// Scenario 1: warm cache, chained profile (SSO → one AssumeRole). rolehop answers from its own cache;
// botocore and the JS SDK have no cross-process cache for role credentials, so each of their runs
// calls the sandbox (token cached, 0 ms latency).
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

const runs = Number(process.env.BENCH_RUNS ?? 25);
const sandbox = await startSandboxProcess();
const h = benchHome(sandbox);
try {
  rolehop(['login', '--sso-session', 'bench', '--device-code', '--no-browser'], h.env);
  rolehop(['credential-process', 'chained'], h.env); // fill the cache
  const rows = timeCandidates(
    [
      ...baselineAndPeers(h.env, 'chained'),
      {
        name: 'rolehop credential-process (warm)',
        cmd: node,
        args: [rolehopBin, 'credential-process', 'chained'],
        env: h.env,
      },
    ],
    runs,
  );
  process.stdout.write(
    `### Warm cache, chained profile (${runs} runs each, interleaved)\n\n${table(rows, 'node -e 0')}\n`,
  );
} finally {
  h.cleanup();
  await sandbox.close();
}
