import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { announcedPort } from './child-server.ts';
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
  const { port } = await announcedPort(child, 'moto', ({ stdout, stderr }) => {
    const m = /Running on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout + stderr);
    return m ? Number(m[1]) : undefined;
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
