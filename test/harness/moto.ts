import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { assertPresent } from './requires.ts';

export interface Moto {
  url: string;
  port: number;
  /** Turn request authorization on: moto then rejects unknown keys and bad signatures. */
  enableAuth(): Promise<void>;
  disableAuth(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `python3 -m moto.server` on 127.0.0.1 and an ephemeral port; stopped after the test. */
export async function startMoto(t?: TestContext): Promise<Moto> {
  assertPresent('moto');
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PYTHONUNBUFFERED: '1' },
  });
  const port = await new Promise<number>((resolve, rejectStart) => {
    // A moto that failed to start in time is killed: left running, it would hold the test file open for ever.
    let started = false;
    const reject = (error: Error) => {
      if (started) return; // the deadline timer still fires after a start: it must not kill a server in use
      child.kill('SIGKILL');
      rejectStart(error);
    };
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(seen);
      if (m) {
        started = true;
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (e) => reject(new Error(`moto did not start: ${e.message}`)));
    child.on('exit', (code) => reject(new Error(`moto exited early (${code}): ${seen}`)));
    setTimeout(() => reject(new Error(`moto did not start within 60 s: ${seen}`)), 60_000).unref();
  });
  const url = `http://127.0.0.1:${port}`;
  const setAuth = async (body: string) => {
    const res = await fetch(`${url}/moto-api/reset-auth`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body,
    });
    if (!res.ok) throw new Error(`moto reset-auth: ${res.status}`);
  };
  const moto: Moto = {
    url,
    port,
    enableAuth: () => setAuth('0'),
    disableAuth: () => setAuth('inf'),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
  t?.after(() => moto.stop());
  return moto;
}
