import type { Deps } from './deps.ts';
import { defaultDeps, main } from './main.ts';

let deps: Deps | undefined;
const streamed = (sink: Deps['stdout']) => 'streamed' in sink && sink.streamed === true;

main(process.argv.slice(2), (debug, noColor) => {
  deps = defaultDeps(debug, noColor);
  return deps;
}).then(
  (code) => {
    process.exitCode = code;
    // main awaits all of a command's work; when its output went out by writeSync as well, nothing
    // is left to drain, and ending here skips the teardown of a natural exit (Node's environment,
    // V8's heap: ~2.5 ms, as for a warm hit in bin/rolehop.cjs). 'exit' handlers still run.
    if (deps && !streamed(deps.stdout) && !streamed(deps.stderr)) process.exit();
  },
  (error: unknown) => {
    process.stderr.write(`rolehop: ${(error as Error)?.message ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
