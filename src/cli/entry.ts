import type { Deps } from './deps.ts';
import { main } from './main.ts';
import { defaultDeps, endRun } from './process-deps.ts';

let deps: Deps | undefined;

main(process.argv.slice(2), (debug, noColor) => {
  deps = defaultDeps(debug, noColor);
  return deps;
}).then(
  // main awaits all of a command's work.
  (code) => endRun(code, deps),
  (error: unknown) => {
    process.stderr.write(`rolehop: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
