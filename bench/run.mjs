// `npm run bench`: runs every bench/*.bench.mjs (or those named on the command line) in turn and
// records each one's tables in bench/RESULTS.md between markers of its own, with the command, date,
// machine and load, so one bench can be re-run without discarding the others' sections.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const dir = import.meta.dirname;
const resultsPath = path.join(dir, 'RESULTS.md');
const args = process.argv.slice(2);
// --short: a quick pass for CI that proves every scenario still runs; numbers are not recorded.
const short = args.includes('--short');
const only = args.filter((a) => a !== '--short');
if (short) {
  Object.assign(process.env, {
    BENCH_SHORT: '1',
    BENCH_RUNS: '3',
    BENCH_POPULATED_RUNS: '2',
    BENCH_CALLERS: '20',
    BENCH_POPULATE_ACCOUNTS: '100',
  });
}
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 0) {
  process.stderr.write(
    `bench: no bench matches ${only.join(' ')}\nhint: the benches are ${fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.bench.mjs'))
      .join(', ')}\n`,
  );
  process.exit(2);
}

const loadAverage = () => os.loadavg()[0].toFixed(1);
const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;

/** A bench's section: what it printed, and how, when and on what it was made. */
function section(file, stdout, status, loadBefore) {
  const name = file.replace(/\.bench\.mjs$/, '');
  const loadAfter = loadAverage();
  // Other work on the machine slows CPU-bound figures; rate-bound ones (a throttled portal) hold.
  const loaded =
    Math.max(Number(loadBefore), Number(loadAfter)) >= os.cpus().length
      ? ' The machine was loaded by other work (load average at or above its core count): CPU-bound figures are pessimistic.'
      : '';
  const made = `_Made by \`node bench/run.mjs ${name}\` on ${new Date().toISOString().slice(0, 10)}: ${machine}; load average ${loadBefore} before, ${loadAfter} after (${os.cpus().length} cores).${loaded}_`;
  const body = stdout.trim()
    ? `${stdout.trim()}\n${status === 0 ? '' : `\nThe bench exited with code ${status}: a goal was missed or a run failed.\n`}`
    : `### ${file}\n\nfailed with exit code ${status}\n`;
  return `<!-- bench:${name} -->\n${body}\n${made}\n<!-- /bench:${name} -->`;
}

/** Replaces the bench's marked section in `text`, or appends it when the file has none yet. */
function withSection(text, file, block) {
  const name = file.replace(/\.bench\.mjs$/, '');
  const start = text.indexOf(`<!-- bench:${name} -->`);
  const endMarker = `<!-- /bench:${name} -->`;
  const end = text.indexOf(endMarker, start);
  if (start >= 0 && end > start) return text.slice(0, start) + block + text.slice(end + endMarker.length);
  return `${text.trimEnd()}\n\n${block}\n`;
}

const HEADER = `# Benchmark results

Each section says how, when and on what machine it was made (\`npm run bench\`, or
\`node bench/run.mjs NAME\` for one bench). Medians of interleaved runs; ratios are against a
baseline measured in the same run; each bench prints whether its goal holds.
`;

let failed = 0;
for (const file of files) {
  process.stderr.write(`bench: ${file}…\n`);
  const loadBefore = loadAverage();
  const r = spawnSync(process.execPath, [path.join(dir, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) failed++;
  const block = section(file, r.stdout ?? '', r.status, loadBefore);
  process.stdout.write(`${block}\n\n`);
  // Recorded as each bench ends, so an interrupted run keeps what it measured.
  if (!short) {
    const text = fs.existsSync(resultsPath) ? fs.readFileSync(resultsPath, 'utf8') : HEADER;
    fs.writeFileSync(resultsPath, withSection(text, file, block));
  }
}
process.exitCode = failed ? 1 : 0;
