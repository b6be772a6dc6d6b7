// Scenario 1: warm cache, chained profile (SSO → one AssumeRole). rolehop answers from its own cache,
// the AWS CLI v2 from its own (~/.aws/cli/cache); botocore and the JS SDK have no cross-process cache
// for role credentials, so each of their runs calls the sandbox (token cached, 0 ms latency). Goal
// (issue 14): credential-process, env and exec before its child starts ≤ 1.10× `node -e 0`. exec runs
// /bin/true; its goal takes off what becoming /bin/true costs, measured as a bare Node that does only
// that (process.execve) less `node -e 0`, in the same round. Then the SSO profile, and the chained
// profile in a config `populate` filled with 2,000 accounts × 3 roles (36,000 lines): every call of
// such a user reads it whole, and so does each peer.
import * as fs from 'node:fs';
import {
  baselineAndPeers,
  benchHome,
  goal,
  median,
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

// 50 rounds: a warm call is ~10 ms above `node -e 0`, and 25 left the per-round median ±0.03 from run to run.
const runs = Number(process.env.BENCH_RUNS ?? 50);
const populatedRuns = Number(process.env.BENCH_POPULATED_RUNS ?? 15);

/** `text` with the block `populate` writes for `accounts` accounts × 3 roles (its own layout). */
function populated(text, accounts) {
  const lines = [
    '# rolehop:begin populate bench',
    '# Managed by rolehop: everything up to rolehop:end is rewritten; edit outside it.',
  ];
  for (let n = 1; n <= accounts; n++) {
    const id = String(n).padStart(4, '0');
    for (const role of ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess']) {
      if (lines.length > 2) lines.push('');
      lines.push(
        `[profile account-${id}.${role}]`,
        'sso_session = bench',
        `sso_account_id = ${String(100000000000 + n)}`,
        `sso_role_name = ${role}`,
        'region = us-east-1',
      );
    }
  }
  lines.push('# rolehop:end populate bench');
  return `${text.trimEnd()}\n\n${lines.join('\n')}\n`;
}

const sandbox = await startSandboxProcess();
const h = benchHome(sandbox);
try {
  rolehop(['login', '--sso-session', 'bench', '--device-code', '--no-browser'], h.env);
  rolehop(['credential-process', 'chained'], h.env); // fill the cache
  const ours = [
    ['rolehop credential-process (warm)', ['credential-process', 'chained']],
    ['rolehop env (warm)', ['env', 'chained', '--format', 'bash']],
    ['rolehop exec (warm) -- /bin/true', ['exec', 'chained', '--', '/bin/true']],
    ['rolehop --help', ['--help']],
    ['rolehop prompt', ['prompt']],
  ].map(([name, args]) => ({ name, cmd: node, args: [rolehopBin, ...args], env: h.env }));
  const becomeChild = {
    name: 'node -e 0, then execve /bin/true',
    cmd: node,
    args: ['-e', "process.execve('/bin/true', ['/bin/true'], process.env)"],
    env: h.env,
  };
  for (const c of ours) primed(c);
  const rows = timeCandidates([...(await baselineAndPeers(h, 'chained')), ...ours, becomeChild], runs);
  const samples = (name) => rows.find((r) => r.name === name).samples;
  const nodeMs = samples('node -e 0');
  const becomeMs = samples(becomeChild.name);
  const goals = ['credential-process', 'env', 'exec'].map((command) => {
    const row = rows.find((r) => r.name.startsWith(`rolehop ${command} (warm)`));
    if (command !== 'exec') return goal(`warm ${command}`, pairedRatio(rows, row.name, 'node -e 0'), 1.1);
    const beforeChild = median(
      row.samples.map((ms, round) => (ms - (becomeMs[round] - nodeMs[round])) / nodeMs[round]),
    );
    return goal('warm exec before its child starts (less the cost of becoming /bin/true)', beforeChild, 1.1);
  });
  const memory = peakMemoryMiB(ours[0]);
  rolehop(['credential-process', 'sso'], h.env);
  const ssoOurs = primed({
    name: 'rolehop credential-process (warm)',
    cmd: node,
    args: [rolehopBin, 'credential-process', 'sso'],
    env: h.env,
  });
  const ssoRows = timeCandidates([...(await baselineAndPeers(h, 'sso')), ssoOurs], runs);
  // The same 6,000 profiles added to each config a candidate reads (the AWS CLI's legacy-form one too).
  const populatedCopy = (file) => {
    const copy = `${file}-populated`;
    fs.writeFileSync(copy, populated(fs.readFileSync(file, 'utf8'), 2000), { mode: 0o600 });
    return copy;
  };
  const bigEnv = { ...h.env, AWS_CONFIG_FILE: populatedCopy(h.env.AWS_CONFIG_FILE) };
  const bigHome = {
    ...h,
    env: bigEnv,
    legacySso: { ...h.legacySso, config: populatedCopy(h.legacySso.config) },
  };
  const bigRows = timeCandidates(
    [...(await baselineAndPeers(bigHome, 'chained')), primed({ ...ours[0], env: bigEnv })],
    populatedRuns,
  );
  process.stdout.write(
    `### Warm cache, chained profile (${runs} runs each, interleaved)\n\n${table(rows, 'node -e 0')}\n\n${goals.join('\n')}\n${[...peerNotes].map((n) => `\n${n}\n`).join('')}${
      memory === undefined ? '' : `\nPeak memory of a warm credential-process: ${memory.toFixed(1)} MiB.\n`
    }\n#### Warm cache, SSO profile (${runs} runs each, interleaved)\n\n${table(ssoRows, 'node -e 0')}\n` +
      `\n#### Warm cache, chained profile in a populated config (2,000 accounts × 3 roles, ${populatedRuns} runs each, interleaved)\n\n${table(bigRows, 'node -e 0')}\n`,
  );
} finally {
  h.cleanup();
  await sandbox.close();
}
