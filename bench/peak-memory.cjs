// Preloaded into a measured Node child (`node --require bench/peak-memory.cjs`): on exit it writes its
// own peak RSS in KiB to $BENCH_PEAK_MEMORY_FILE. A parent's process.resourceUsage() leaves children
// out, spawn returns no rusage, and GNU time is not everywhere; the child itself always knows.
const fs = require('node:fs');

const file = process.env.BENCH_PEAK_MEMORY_FILE;
// Only this process reports: a Node process it starts must not overwrite the figure.
delete process.env.BENCH_PEAK_MEMORY_FILE;
if (file) process.on('exit', () => fs.writeFileSync(file, String(process.resourceUsage().maxRSS)));
