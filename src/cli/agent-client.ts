// How rolehop commands reach the per-user agent: find it through its state file, prove it is alive
// and ours (a control request with the file's secret must come back with the file's pid), start one
// in the background when there is none, and register a target with it.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { configPaths, rolehopCacheDir } from '../config/paths.ts';
import type { Plan } from '../config/plan.ts';
import { type AgentState, agentStatePath, readAgentState } from '../server/agent-state.ts';
import type { Env } from '../util/env.ts';
import { RolehopError, UsageError } from '../util/errors.ts';
import { processAlive } from '../util/process-alive.ts';
import { registerSecret } from '../util/redact.ts';

export function agentStateFile(env: Env): string {
  return agentStatePath(rolehopCacheDir(env));
}

/** The agent's log when it runs in the background: next to its state, 0600. */
export function agentLogFile(env: Env): string {
  return path.join(path.dirname(agentStateFile(env)), 'agent.log');
}

export interface ControlAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** One control request to the agent of `state`; rejects when nothing answers. */
export function controlRequest(
  state: Pick<AgentState, 'port' | 'secret'>,
  method: 'GET' | 'POST',
  route: 'status' | 'stop' | 'targets',
  body?: object,
  timeoutMs = 3_000,
): Promise<ControlAnswer> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: state.port,
        path: `/_agent/${route}`,
        method,
        agent: false,
        timeout: timeoutMs,
        headers: {
          Authorization: state.secret,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(text),
        },
      },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(data) as Record<string, unknown> });
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('the agent did not answer in time')));
    req.on('error', reject);
    req.end(text);
  });
}

/** The state of a running agent that answers with its secret and pid; undefined otherwise. */
export async function liveAgent(env: Env): Promise<AgentState | undefined> {
  const state = readAgentState(agentStateFile(env));
  if (!state) return undefined;
  // A process that exists but is slow to answer (a loaded machine) is asked again, longer, before it
  // is given up: starting a second agent would take over the state file of a live one.
  for (const timeoutMs of processAlive(state.pid) ? [3_000, 15_000] : [3_000]) {
    try {
      const answer = await controlRequest(state, 'GET', 'status', undefined, timeoutMs);
      return answer.status === 200 && answer.body.pid === state.pid ? state : undefined;
    } catch (error) {
      if (!/did not answer in time/.test((error as Error).message)) return undefined;
    }
  }
  return undefined;
}

export interface StartAgentOptions {
  env: Env;
  /** `--idle` for the new agent, as its command line takes it (`8h`, `3600`), if any. */
  idle?: string;
  /** How long to wait for the new agent (default 15 s). */
  timeoutMs?: number;
}

/**
 * A running agent: the live one, or a new one started detached from this terminal with this
 * command's environment (proxies, CA bundles and endpoint overrides stay with it for its life).
 * Two calls at once may both spawn; the second agent finds the first alive and leaves.
 */
export async function ensureAgent(options: StartAgentOptions): Promise<AgentState> {
  const running = await liveAgent(options.env);
  if (running) return running;
  const script = process.argv[1];
  if (!script) throw new RolehopError('cannot find the rolehop program to start the agent');
  const logFile = agentLogFile(options.env);
  fs.mkdirSync(path.dirname(logFile), { recursive: true, mode: 0o700 });
  const log = fs.openSync(logFile, 'a', 0o600);
  // A small young generation keeps a long-lived process's memory low (as populate's, bin/rolehop.cjs).
  const args = [
    '--max-semi-space-size=2',
    script,
    'agent',
    ...(options.idle ? ['--idle', options.idle] : []),
  ];
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...options.env, ROLEHOP_AGENT_BACKGROUND: '1' } as NodeJS.ProcessEnv,
  });
  fs.closeSync(log);
  let exited: number | null = null;
  child.once('exit', (code) => {
    exited = code ?? 1;
  });
  child.unref();
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const state = await liveAgent(options.env);
    if (state) return state;
    if (Date.now() > deadline || (exited !== null && exited !== 0)) {
      throw new RolehopError('the rolehop agent did not start', {
        hint: `see ${logFile}, or run 'rolehop agent' in another terminal to watch it`,
      });
    }
    await sleep(50);
  }
}

export interface AgentEndpoint {
  url: string;
  token: string;
}

/** Registers a target with the agent: a new token (only this answer holds it) and its URL. */
export async function registerTarget(
  state: AgentState,
  target: { label: string; spec: Record<string, unknown> },
): Promise<AgentEndpoint> {
  const answer = await controlRequest(state, 'POST', 'targets', target);
  const id = answer.body.id;
  const token = answer.body.token;
  if (answer.status !== 200 || typeof id !== 'string' || typeof token !== 'string') {
    throw new RolehopError(
      `the rolehop agent refused the target: ${String(answer.body.message ?? answer.status)}`,
      {
        hint: "run 'rolehop agent stop', then try again",
      },
    );
  }
  registerSecret(token);
  return { url: `http://127.0.0.1:${state.port}/${id}`, token };
}

/**
 * The endpoint a shell exports for `target`. The agent runs the target's Plan as resolved here,
 * with this call's config file paths; everything else (HOME, caches, proxies, endpoint overrides)
 * comes from the agent's own environment, the one it was started with.
 */
export async function agentEndpointFor(
  target: { plan: Plan; label: string },
  env: Env,
  idle?: string,
): Promise<AgentEndpoint> {
  const source = target.plan.source;
  if (source.kind === 'env' || (source.kind === 'credential-source' && source.name === 'Environment')) {
    throw new UsageError('credentials from environment variables cannot be served by the agent', {
      hint: 'name a profile or an account and role, or leave out --agent',
    });
  }
  const files = configPaths(env);
  const state = await ensureAgent(idle === undefined ? { env } : { env, idle });
  return registerTarget(state, {
    label: target.label,
    spec: { plan: target.plan, configFile: files.configFile, credentialsFile: files.credentialsFile },
  });
}
