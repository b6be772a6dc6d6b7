// Scenario 1: warm cache, chained profile (SSO → one AssumeRole). rolehop answers from its own cache;
// botocore and the JS SDK have no cross-process cache for role credentials, so each of their runs
// calls the sandbox (token cached, 0 ms latency).
import {
  benchHome,
  JS_FROM_INI,
  node,
  PY_BOTOCORE,
  rolehop,
  rolehopBin,
  root,
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
      { name: 'node -e 0', cmd: node, args: ['-e', '0'], env: h.env },
      {
        name: 'rolehop credential-process (warm)',
        cmd: node,
        args: [rolehopBin, 'credential-process', 'chained'],
        env: h.env,
      },
      { name: 'botocore get_credentials', cmd: 'python3', args: ['-c', PY_BOTOCORE, 'chained'], env: h.env },
      {
        name: 'JS SDK fromIni',
        cmd: node,
        args: ['--input-type=module', '-e', JS_FROM_INI, 'chained'],
        env: { ...h.env, NODE_PATH: `${root}/node_modules` },
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
