import type { TestContext } from 'node:test';
import { agentStateFile } from '../../src/cli/agent-client.ts';
import { readAgentState } from '../../src/server/agent-state.ts';

// Helpers for tests of the per-user agent: read what `env --agent` printed, ask the endpoint, and
// stop whatever agent a test started (by the pid in its state file) when the test ends.

/** The variables a POSIX `env --agent` output sets. */
export function exportsOf(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^export (\w+)='?([^';]*)'?;$/gm)) out[m[1]!] = m[2]!;
  return out;
}

export { get } from './http.ts';

/** Kills the agent of this HOME at the end of the test (each test's HOME has its own). */
export function stopAgentAfter(t: TestContext, env: Record<string, string>): void {
  t.after(() => {
    const state = readAgentState(agentStateFile(env));
    if (!state) return;
    try {
      process.kill(state.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  });
}
