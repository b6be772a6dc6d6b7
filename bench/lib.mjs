// Shared pieces for the benchmarks: a sandbox + temp HOME with a chained profile, and a timer that
// runs candidates interleaved so machine noise hits them alike.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

export const root = path.resolve(import.meta.dirname, '..');
export const rolehopBin = path.join(root, 'bin', 'rolehop.cjs');
export const node = process.execPath;
const require = createRequire(import.meta.url);

/** Starts the sandbox in this process from the built bundle (for benches that never block on a child). */
export async function startSandbox(options = {}) {
  const { startSandbox: start } = require(path.join(root, 'dist', 'sandbox.cjs'));
  return start({ autoApprove: true, ...options });
}

/**
 * Starts `rolehop sandbox` as its own process: the timed runs use spawnSync, which would block an
 * in-process sandbox. Resolves once it printed READY and its endpoint exports.
 */
export function startSandboxProcess(flags = []) {
  const child = spawn(node, [rolehopBin, 'sandbox', '--auto-approve', ...flags], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('exit', (code) => reject(new Error(`rolehop sandbox exited (${code}): ${out}`)));
    child.stdout.setEncoding('utf8').on('data', (d) => {
      out += d;
      const ready = /^READY (\d+)$/m.exec(out);
      if (!ready || !out.includes('AWS_ENDPOINT_URL_SIGNIN=')) return;
      const env = Object.fromEntries(
        [...out.matchAll(/^export (AWS_ENDPOINT_URL_\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]),
      );
      const url = `http://127.0.0.1:${ready[1]}`;
      resolve({
        url,
        env,
        startUrl: /sso_start_url = (\S+)/.exec(out)[1],
        region: /sso_region = (\S+)/.exec(out)[1],
        counts: async () => (await fetch(`${url}/_sandbox/counts`)).json(),
        close: () =>
          new Promise((done) => {
            child.removeAllListeners('exit');
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Accounts of the sandbox's default organisation. */
export const PROD = '111111111111';
export const STAGING = '222222222222';

/** A throwaway HOME with an sso-session, an SSO profile and a profile chained onto it; `targets` names their roles. */
export function benchHome(
  sandbox,
  {
    account = PROD,
    role = 'AdministratorAccess',
    chainedRoleArn = `arn:aws:iam::${STAGING}:role/deploy`,
  } = {},
) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-bench-'));
  fs.mkdirSync(path.join(home, '.aws'), { mode: 0o700 });
  const config = (ssoSource) => `[sso-session bench]
sso_start_url = ${sandbox.startUrl}
sso_region = ${sandbox.region}
sso_registration_scopes = sso:account:access

[profile sso]
${ssoSource}
sso_account_id = ${account}
sso_role_name = ${role}
region = ${sandbox.region}

[profile chained]
role_arn = ${chainedRoleArn}
source_profile = sso
region = ${sandbox.region}
`;
  fs.writeFileSync(path.join(home, '.aws', 'config'), config('sso_session = bench'), { mode: 0o600 });
  // The AWS CLI 2.9 finds no SSO token for a role chained onto an sso-session profile
  // (aws/aws-cli#7496, fixed in later releases): for the chain it reads the same profiles with the
  // SSO one in the form before sso-session sections (awsCliV2Peer).
  const legacyConfig = path.join(home, '.aws', 'config-aws-cli-legacy-sso');
  fs.writeFileSync(
    legacyConfig,
    config(`sso_start_url = ${sandbox.startUrl}\nsso_region = ${sandbox.region}`),
    { mode: 0o600 },
  );
  // USER and LOGNAME as a login shell sets them: without either, rolehop looks the user name up in
  // the password database (for role session names), a cost a user's terminal never pays.
  const user = process.env.USER || process.env.LOGNAME || os.userInfo().username;
  const env = {
    PATH: process.env.PATH,
    HOME: home,
    USER: user,
    LOGNAME: user,
    AWS_CONFIG_FILE: path.join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...sandbox.env,
  };
  return {
    home,
    env,
    targets: { account, role, chainedRoleArn },
    legacySso: { config: legacyConfig, session: 'bench', startUrl: sandbox.startUrl },
    cleanup: () => fs.rmSync(home, { recursive: true, force: true }),
  };
}

export function rolehop(args, env) {
  return execFileSync(node, [rolehopBin, ...args], {
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Times each candidate `runs` times, round-robin. A candidate is {name, cmd, args, env, before?};
 * `before` runs untimed ahead of each timed run (e.g. to clear a cache). Fails loudly on a non-zero exit.
 */
/** Runs a candidate once, its output dropped; throws, with its stderr, when it fails. */
function runCandidate(c) {
  const r = spawnSync(c.cmd, c.args, { env: c.env, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${c.name} failed (${r.status}): ${r.stderr}`);
}

/**
 * Runs a candidate twice before it is timed, as on a machine where it has run before: for rolehop,
 * the first hit keeps the warm memo (cli/warm-memo.ts), the second is the first answered from it,
 * and each run that took a road for the first time saved its bundle's code cache. Returns it.
 */
export function primed(candidate) {
  for (let i = 0; i < 2; i++) runCandidate(candidate);
  return candidate;
}

export function timeCandidates(candidates, runs) {
  const samples = new Map(candidates.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) {
    // Each round starts one candidate later: a heavy peer (python, the AWS CLI) leaves the sandbox
    // and the machine busy for a moment, and no candidate should always run right after it.
    const round = candidates.map((_, k) => candidates[(i + k) % candidates.length]);
    for (const c of round) {
      c.before?.();
      const started = process.hrtime.bigint();
      runCandidate(c);
      samples.get(c.name).push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return candidates.map((c) => ({
    name: c.name,
    median: median(samples.get(c.name)),
    samples: samples.get(c.name),
    runs,
  }));
}

/**
 * The median, over rounds, of row `name`'s time over row `baseline`'s in the same round. This VM's
 * speed drifts by a fifth within minutes (`node -e 0` measured at 91 and 117 ms ten minutes apart),
 * which moves a ratio of medians by several hundredths; runs a second or two apart drift together,
 * so the per-round ratio is the steadier measure, and the one the goals are judged by.
 */
export function pairedRatio(rows, name, baseline) {
  const of = (n) => rows.find((r) => r.name === n).samples;
  const base = of(baseline);
  return median(of(name).map((ms, round) => ms / base[round]));
}

export function table(rows, baseline) {
  const base = rows.find((r) => r.name === baseline)?.median;
  const lines = [
    `| candidate | median ms | × ${baseline} (medians) | × ${baseline} (per round) |`,
    '|---|---:|---:|---:|',
  ];
  for (const r of rows) {
    const paired = r.name === baseline ? '1.00' : pairedRatio(rows, r.name, baseline).toFixed(2);
    lines.push(
      `| ${r.name} | ${r.median.toFixed(1)} | ${base ? (r.median / base).toFixed(2) : '–'} | ${paired} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The AWS CLI v2 (Debian's /usr/bin/aws) as a peer, or none when it is not installed. It predates
 * AWS_ENDPOINT_URL_*, so AWS_DATA_PATH replaces its endpoint rules (test/harness/awscli-v2.ts). Unlike
 * the other peers it keeps role credentials across processes (~/.aws/cli/cache, SSO and assumed
 * roles alike): a warm run is served from there, and a `cold` one starts with that folder emptied.
 */
async function awsCliV2Peer(h, profile, { cold }) {
  const { AWS_CLI_V2, awsCliV2Version, awsDataPath } = await import('../test/harness/awscli-v2.ts');
  if (!awsCliV2Version) return [];
  const { env } = h;
  const dataPath = awsDataPath(env.HOME, { sso: env.AWS_ENDPOINT_URL_SSO, sts: env.AWS_ENDPOINT_URL_STS });
  const cliCache = path.join(env.HOME, '.aws', 'cli', 'cache');
  const peer = {
    name: `AWS CLI v${awsCliV2Version} export-credentials`,
    cmd: AWS_CLI_V2,
    args: ['configure', 'export-credentials', '--profile', profile],
    env: { ...env, AWS_DATA_PATH: dataPath, AWS_PAGER: '' },
    ...(cold ? { before: () => fs.rmSync(cliCache, { recursive: true, force: true }) } : {}),
  };
  if (profile === 'chained') {
    // benchHome's legacy-form config (aws/aws-cli#7496), with the signed-in token under its key.
    const { tokenCachePath } = await import('../src/sso/token-cache.ts');
    const { config, session, startUrl } = h.legacySso;
    fs.copyFileSync(tokenCachePath(env, { name: session, startUrl }), tokenCachePath(env, { startUrl }));
    peer.name += ' (SSO source in the legacy form, aws-cli#7496)';
    peer.env.AWS_CONFIG_FILE = config;
  }
  // One trial run: a profile this CLI cannot resolve is left out of the table, with its reason.
  const trial = spawnSync(peer.cmd, peer.args, { env: peer.env, encoding: 'utf8' });
  if (trial.status === 0) return [peer];
  peerNotes.add(
    `${peer.name} could not resolve profile "${profile}" (exit ${trial.status}: ${trial.stderr.trim().split('\n').at(-1)}), so it is missing from that table.`,
  );
  return [];
}

/** Why a peer is missing from a table: printed under it by the bench. */
export const peerNotes = new Set();

/**
 * The floor and the peers, resolving `profile` in benchHome `h`: `node -e 0`, botocore, the JS SDK
 * and the AWS CLI v2 when installed. `cold`: no peer starts with role credentials it kept.
 */
export async function baselineAndPeers(h, profile, { cold = false } = {}) {
  const { env } = h;
  return [
    { name: 'node -e 0', cmd: node, args: ['-e', '0'], env },
    { name: 'botocore get_credentials', cmd: 'python3', args: ['-c', PY_BOTOCORE, profile], env },
    {
      name: 'JS SDK fromIni',
      cmd: node,
      args: ['--input-type=module', '-e', JS_FROM_INI, profile],
      env: { ...env, NODE_PATH: `${root}/node_modules` },
    },
    ...(await awsCliV2Peer(h, profile, { cold })),
  ];
}

/**
 * Measures the peak RSS of a Node command and the Node processes it starts: run it with `env`, then
 * `mib()` is the largest process's max RSS, as GNU time reports a process tree (bench/peak-memory.cjs).
 */
export function peakMemoryProbe(env) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-bench-rss-'));
  const preload = `--require ${JSON.stringify(path.join(import.meta.dirname, 'peak-memory.cjs'))}`;
  return {
    env: {
      ...env,
      NODE_OPTIONS: env.NODE_OPTIONS ? `${env.NODE_OPTIONS} ${preload}` : preload,
      BENCH_PEAK_MEMORY_DIR: dir,
    },
    /** The largest Node process's peak in MiB (NaN when none reported), and how many reported. */
    mib() {
      const kib = fs.readdirSync(dir).map((f) => Number(fs.readFileSync(path.join(dir, f), 'utf8')));
      fs.rmSync(dir, { recursive: true, force: true });
      return { peak: kib.length ? Math.max(...kib) / 1024 : Number.NaN, processes: kib.length };
    },
  };
}

/**
 * Peak RSS in MiB of one run: Node processes report their own (peakMemoryProbe); another command needs
 * GNU time's %M, else undefined. Not interleaved: memory does not depend on the machine's load.
 */
export function peakMemoryMiB({ cmd, args, env, before }) {
  before?.();
  if (cmd === node) {
    const probe = peakMemoryProbe(env);
    const r = spawnSync(cmd, args, { env: probe.env, encoding: 'utf8' });
    const { peak } = probe.mib();
    if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
    return peak;
  }
  if (!fs.existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  return Number(r.stderr.trim().split('\n').at(-1)) / 1024;
}

/** One goal line: the measured ratio against its limit, and whether it holds. */
export function goal(what, ratio, limit) {
  // A third decimal where two would print the limit itself (1.104 missing 1.10 is not "1.10×").
  const shown = ratio.toFixed(2) === limit.toFixed(2) ? ratio.toFixed(3) : ratio.toFixed(2);
  return `- ${what}: ${shown}× (goal ≤ ${limit.toFixed(2)}×) — ${ratio <= limit ? 'holds' : 'MISSED'}`;
}

export const PY_BOTOCORE =
  'import boto3,sys; c=boto3.Session(profile_name=sys.argv[1]).get_credentials().get_frozen_credentials(); assert c.access_key';
export const JS_FROM_INI =
  "import { fromIni } from '@aws-sdk/credential-providers'; const c = await fromIni({ profile: process.argv[1] })(); if (!c.accessKeyId) process.exit(1);";
