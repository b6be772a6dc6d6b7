import type { ChildProcess } from 'node:child_process';

// Waiting for a server started as a child process (moto, `rolehop sandbox`) to say where it listens.

export interface Printed {
  stdout: string;
  stderr: string;
}

/**
 * The port a child server announces: `portIn` reads it from what the child has printed so far.
 * `printed` goes on collecting the child's output after the start.
 * A child that fails to spawn, exits or misses the deadline first is killed and the promise
 * rejects with its output: left running, it would hold the test file open for ever. A child that
 * has started is never killed here, though the deadline timer still fires.
 */
export function announcedPort(
  child: ChildProcess,
  what: string,
  portIn: (printed: Printed) => number | undefined,
  deadlineMs = 60_000,
): Promise<{ port: number; printed: Printed }> {
  return new Promise((resolve, rejectStart) => {
    const printed: Printed = { stdout: '', stderr: '' };
    const all = () => `${printed.stdout}${printed.stderr}`;
    let started = false;
    const reject = (error: Error) => {
      if (started) return;
      child.kill('SIGKILL');
      rejectStart(error);
    };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]?.on('data', (d: Buffer | string) => {
        printed[stream] += String(d);
        const port = started ? undefined : portIn(printed);
        if (port !== undefined) {
          started = true;
          resolve({ port, printed });
        }
      });
    }
    child.once('error', (e) => reject(new Error(`${what} did not start: ${e.message}`)));
    child.once('exit', (code) => reject(new Error(`${what} exited before it started (${code}): ${all()}`)));
    setTimeout(
      () => reject(new Error(`${what} did not start within ${deadlineMs / 1000} s: ${all()}`)),
      deadlineMs,
    ).unref();
  });
}
