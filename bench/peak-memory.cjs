// Preloaded into every Node process of a measured run (NODE_OPTIONS=--require, which children
// inherit: `rolehop populate` runs its work in a child Node): on exit each writes its own peak RSS
// in KiB to a file named by its pid in $BENCH_PEAK_MEMORY_DIR. A parent's process.resourceUsage()
// leaves children out, spawn returns no rusage, and GNU time is not everywhere; each process knows.
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.BENCH_PEAK_MEMORY_DIR;
if (dir) {
  process.on('exit', () =>
    fs.writeFileSync(path.join(dir, String(process.pid)), String(process.resourceUsage().maxRSS)),
  );
}
