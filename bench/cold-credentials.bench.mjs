// Scenario 2: cold role credentials with the SSO token cached — every run calls the portal (and STS
// for the chain). rolehop's credential cache is emptied before each of its runs, and the AWS CLI v2's
// (~/.aws/cli/cache) before each of its; botocore and the JS SDK keep none across processes. Goal (issue 14): rolehop ≤ 0.80× the JS SDK's fromIni at 0 and 50 ms latency,
// for an SSO profile and a two-hop chain (SSO → AssumeRole). The floor row (bench/sdk-floor.cjs) makes
// the same SDK calls and nothing else. rolehop makes GetRoleCredentials' first attempt itself; the row
// with ROLEHOP_PORTAL_SDK set makes it through the SDK client, for the two side by side.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  baselineAndPeers,
  benchHome,
  goal,
  node,
  pairedRatio,
  peakMemoryMiB,
  peerNotes,
  primed,
  rolehop,
  rolehopBin,
  startSandboxProcess,
  table,
  timeCandidates,
} from './lib.mjs';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const out = [];
const goals = [];
let memory;
for (const latencyMs of [0, 50]) {
  const sandbox = await startSandboxProcess(['--latency-ms', String(latencyMs)]);
  const h = benchHome(sandbox);
  try {
    rolehop(['login', '--sso-session', 'bench', '--device-code', '--no-browser'], h.env);
    const cacheDir = path.join(h.home, '.cache', 'rolehop');
    for (const profile of ['sso', 'chained']) {
      const ours = {
        name: 'rolehop credential-process (cold)',
        cmd: node,
        args: [rolehopBin, 'credential-process', profile],
        env: h.env,
        // The credential cache only: the compile cache beside it is kept, as on a user's machine.
        before: () => {
          for (const f of fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []) {
            if (f.startsWith('creds-')) fs.rmSync(path.join(cacheDir, f));
          }
        },
      };
      // The same with every portal call through the SDK client: the side by side the issue asks of a
      // call rolehop makes itself (GetRoleCredentials' first attempt, sso/portal-direct.ts).
      const viaSdk = {
        ...ours,
        name: 'rolehop credential-process (cold), portal call through the SDK',
        env: { ...h.env, ROLEHOP_PORTAL_SDK: '1' },
      };
      const floor = {
        name: 'the SDK calls alone (floor)',
        cmd: node,
        args: [
          path.join(import.meta.dirname, 'sdk-floor.cjs'),
          h.targets.account,
          h.targets.role,
          ...(profile === 'chained' ? [h.targets.chainedRoleArn] : []),
        ],
        env: h.env,
      };
      // As on a machine where rolehop has run before: V8's code of a cold and of a warm call is cached.
      rolehop(['credential-process', profile], h.env);
      rolehop(['credential-process', profile], h.env);
      rolehop(['credential-process', profile], viaSdk.env);
      const rows = timeCandidates(
        [...(await baselineAndPeers(h, profile, { cold: true })), primed(floor), viaSdk, ours],
        runs,
      );
      const label = `${profile === 'sso' ? 'SSO profile' : 'two-hop chain'}, sandbox latency ${latencyMs} ms`;
      out.push(`#### ${label}\n\n${table(rows, 'node -e 0')}\n`);
      goals.push(
        goal(`cold ${label} vs JS SDK fromIni`, pairedRatio(rows, ours.name, 'JS SDK fromIni'), 0.8),
        `  (the SDK calls alone: ${pairedRatio(rows, floor.name, 'JS SDK fromIni').toFixed(2)}× fromIni; rolehop ${pairedRatio(rows, ours.name, floor.name).toFixed(2)}× them; with the portal call through the SDK ${pairedRatio(rows, viaSdk.name, 'JS SDK fromIni').toFixed(2)}× fromIni)`,
      );
      if (latencyMs === 0 && profile === 'chained') memory = peakMemoryMiB(ours);
    }
  } finally {
    h.cleanup();
    await sandbox.close();
  }
}
process.stdout.write(
  `### Cold role credentials, token cached (${runs} runs each, interleaved)\n\n${out.join('\n')}\n${goals.join('\n')}\n${[...peerNotes].map((n) => `\n${n}\n`).join('')}${
    memory === undefined
      ? ''
      : `\nPeak memory of a cold two-hop credential-process: ${memory.toFixed(1)} MiB.\n`
  }`,
);
