// `npm run bench`: runs every bench/*.bench.mjs in turn and writes their tables to bench/RESULTS.md
// with the command, date and machine, so the numbers can be reproduced and compared.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const dir = import.meta.dirname;
const args = process.argv.slice(2);
// --short: a quick pass for CI that proves every scenario still runs; numbers are not recorded.
const short = args.includes('--short');
const only = args.filter((a) => a !== '--short');
if (short) {
  Object.assign(process.env, {
    BENCH_SHORT: '1',
    BENCH_RUNS: '3',
    BENCH_CALLERS: '20',
    BENCH_POPULATE_ACCOUNTS: '100',
  });
}
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
const sections = [];
let failed = 0;
for (const file of files) {
  process.stderr.write(`bench: ${file}…\n`);
  const r = spawnSync(process.execPath, [path.join(dir, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (r.status !== 0) {
    failed++;
    sections.push(`### ${file}\n\nfailed with exit code ${r.status}\n`);
  } else {
    sections.push(r.stdout.trim() + '\n');
  }
  process.stdout.write(`${sections.at(-1)}\n`);
}
const header = `# Benchmark results

Made by \`npm run bench${only.length ? ` -- ${only.join(' ')}` : ''}\` on ${new Date().toISOString().slice(0, 10)}:
${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}.
Medians of interleaved runs; ratios are against a baseline measured in the same run.

Targets (issue 8): warm ≤ 1.3× \`node -e 0\`; cold not slower than the fastest peer; populate ≤ 1.15×
the throttle floor and < 200 MB; one network call per step however many callers. Issue 13: a
second populate of the unchanged organisation ≤ 0.10 × the first; \`exec --each\` over 200 targets
against the same 200 \`exec\` runs one after another. Peers keep no
role credentials across processes, so their "warm" runs call the sandbox; a cold rolehop run is
bound by loading the AWS SDK (~110 ms here), as the JS SDK's is, and the two trade places from run
to run by a few percent.
`;
if (only.length === 0 && !short)
  fs.writeFileSync(path.join(dir, 'RESULTS.md'), `${header}\n${sections.join('\n')}`);
process.exitCode = failed ? 1 : 0;
