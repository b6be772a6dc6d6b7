import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { loadConfigView } from '../../config/load.ts';
import type { ConfigView } from '../../config/model.ts';
import type { Plan } from '../../config/plan.ts';
import { runPlan } from '../../creds/index.ts';
import type { RunPlanDeps } from '../../creds/types.ts';
import { startAgentServer } from '../../server/agent-server.ts';
import {
  type AgentState,
  type AgentTargetRecord,
  readAgentState,
  sha256Hex,
  writeAgentState,
} from '../../server/agent-state.ts';
import { SERVE_MIN_TTL_SECONDS } from '../../server/credential-server.ts';
import { newServerToken } from '../../server/token.ts';
import type { Credentials } from '../../util/credentials.ts';
import { formatDuration } from '../../util/duration.ts';
import { RolehopError, UsageError } from '../../util/errors.ts';
import { withLock } from '../../util/lock.ts';
import { redactText, registerSecret } from '../../util/redact.ts';
import { agentLogFile, agentStateFile, controlRequest, ensureAgent, liveAgent } from '../agent-client.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, durationOf, firstPositional, flagOf } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

// `rolehop agent`: the per-user credential agent. One process serves any number of targets (a Plan
// each, registered by `env --agent` / `exec --agent`) on 127.0.0.1, each behind its own token, from
// the same cache and locks as every other command. It exits after --idle without requests.

/** Default idle time: a working day without any SDK asking. */
const DEFAULT_IDLE_SECONDS = 8 * 3600;
/** A target no shell has used for this long is forgotten (its token stops working). */
const TARGET_RETENTION_MS = 7 * 24 * 3600 * 1000;
/** lastUsedAt is written to the state file at most this often. */
const USE_PERSIST_MS = 5 * 60 * 1000;

interface TargetSpec {
  plan: Plan;
  configFile: string;
  credentialsFile: string;
}

interface LastFetch {
  at: number;
  ok: boolean;
  expiration?: string;
  error?: string;
}

function specOf(body: unknown): { label: string; spec: TargetSpec } | undefined {
  const b = body as { label?: unknown; spec?: Partial<TargetSpec> } | undefined;
  const spec = b?.spec;
  if (typeof b?.label !== 'string' || !spec || typeof spec !== 'object') return undefined;
  if (typeof spec.configFile !== 'string' || typeof spec.credentialsFile !== 'string') return undefined;
  const plan = spec.plan as Plan | undefined;
  if (!plan || typeof plan.source?.kind !== 'string' || !Array.isArray(plan.hops)) return undefined;
  return { label: b.label.slice(0, 200), spec: spec as TargetSpec };
}

/** Runs the agent in this process until stopped, idle, or Ctrl-C. */
async function runAgent(idleSeconds: number, deps: Deps): Promise<number> {
  const file = agentStateFile(deps.env);
  const background = deps.env.ROLEHOP_AGENT_BACKGROUND === '1';
  const env: Record<string, string | undefined> = { ...deps.env };
  delete env.ROLEHOP_AGENT_BACKGROUND;
  const inFlight = new Map<string, Promise<Credentials>>();
  const lastFetch = new Map<string, LastFetch>();
  const refreshTimers = new Map<string, NodeJS.Timeout>();
  let lastActivity = deps.now();
  let dirtyUse = false;
  let state!: AgentState;
  let resolveStopped!: (code: number) => void;
  const stopped = new Promise<number>((resolve) => (resolveStopped = resolve));

  const persist = () => writeAgentState(file, state);

  // Seen lifetime of each target's credentials (expiry minus the moment they first appeared).
  const lifetimes = new Map<string, { expiration: number; lifetimeMs: number }>();

  // Parsed files per config/credentials pair, reused while neither file changed (a stat per request
  // instead of a read and parse: less garbage in a process that answers thousands of requests).
  const views = new Map<string, { stamp: string; view: ConfigView }>();
  const stampOf = (file: string) => {
    try {
      const st = fs.statSync(file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return 'absent';
    }
  };
  const viewFor = (spec: TargetSpec, targetEnv: Record<string, string | undefined>): ConfigView => {
    const key = `${spec.configFile}\0${spec.credentialsFile}`;
    const stamp = `${stampOf(spec.configFile)}|${stampOf(spec.credentialsFile)}`;
    const known = views.get(key);
    if (known?.stamp === stamp) return known.view;
    const view = loadConfigView(targetEnv);
    views.set(key, { stamp, view });
    return view;
  };

  const depsFor = (spec: TargetSpec, minTtlSeconds: number): RunPlanDeps => {
    const targetEnv = {
      ...env,
      AWS_CONFIG_FILE: spec.configFile,
      AWS_SHARED_CREDENTIALS_FILE: spec.credentialsFile,
    };
    const view = viewFor(spec, targetEnv);
    const sso = ssoDepsFor({ ...deps, env: targetEnv }, view);
    return {
      env: targetEnv,
      now: deps.now,
      log: deps.log,
      view,
      minTtlSeconds,
      sso: {
        // Never a sign-in from here: the answer tells the user to run rolehop login.
        getRoleCredentials: async (source) =>
          (await import('../../sso/portal.ts')).getRoleCredentials(source, sso),
      },
    };
  };

  const fetchFor = (target: AgentTargetRecord): Promise<Credentials> => {
    const running = inFlight.get(target.id);
    if (running) return running;
    const spec = target.spec as unknown as TargetSpec;
    const p = (async () => {
      try {
        const creds = await runPlan(spec.plan, depsFor(spec, minTtlFor(target.id)));
        noteLifetime(target.id, creds);
        lastFetch.set(target.id, {
          at: deps.now(),
          ok: true,
          ...(creds.expiration ? { expiration: creds.expiration.toISOString() } : {}),
        });
        scheduleRefresh(target, creds);
        return creds;
      } catch (error) {
        // The JS SDK shows only "Could not load credentials from any providers": status shows this.
        const hint = error instanceof RolehopError && error.hint ? `; hint: ${error.hint}` : '';
        lastFetch.set(target.id, {
          at: deps.now(),
          ok: false,
          error: redactText(`${(error as Error).message}${hint}`),
        });
        throw error;
      } finally {
        inFlight.delete(target.id);
      }
    })();
    inFlight.set(target.id, p);
    return p;
  };

  const noteLifetime = (id: string, creds: Credentials) => {
    const expiration = creds.expiration?.getTime();
    if (expiration === undefined || lifetimes.get(id)?.expiration === expiration) return;
    lifetimes.set(id, { expiration, lifetimeMs: expiration - deps.now() });
  };

  /**
   * Credentials are renewed below serve's 16 minutes, except when they never live that long (a
   * 15-minute role chain, the sandbox's short lifetimes): then below a third of their lifetime, so
   * that not every request costs a network call and a slow answer that trips the SDK's timeout.
   */
  const minTtlFor = (id: string): number => {
    const seen = lifetimes.get(id);
    if (!seen || seen.lifetimeMs >= 2 * SERVE_MIN_TTL_SECONDS * 1000) return SERVE_MIN_TTL_SECONDS;
    return Math.max(1, Math.floor(seen.lifetimeMs / 3000));
  };

  // Ahead of expiry, so an SDK asking at its refresh time finds fresh credentials in the cache.
  const scheduleRefresh = (target: AgentTargetRecord, creds: Credentials) => {
    clearTimeout(refreshTimers.get(target.id));
    if (!creds.expiration) return;
    const due = creds.expiration.getTime() - (SERVE_MIN_TTL_SECONDS + 60) * 1000 - deps.now();
    if (due < 60_000) return; // short-lived credentials: every request renews them anyway
    const timer = setTimeout(() => {
      refreshTimers.delete(target.id);
      if (state.targets.includes(target)) fetchFor(target).catch(() => {});
    }, due);
    timer.unref();
    refreshTimers.set(target.id, timer);
  };

  const markUsed = (target: AgentTargetRecord) => {
    lastActivity = deps.now();
    const last = target.lastUsedAt ? Date.parse(target.lastUsedAt) : 0;
    if (deps.now() - last > USE_PERSIST_MS) {
      target.lastUsedAt = new Date(deps.now()).toISOString();
      dirtyUse = true;
    }
  };

  const start = async () => {
    const previous = readAgentState(file);
    if (previous && (await liveAgent(deps.env))) return previous;
    const cutoff = deps.now() - TARGET_RETENTION_MS;
    const targets = (previous?.targets ?? []).filter(
      (t) => Date.parse(t.lastUsedAt ?? t.createdAt) > cutoff && specOf({ label: t.label, spec: t.spec }),
    );
    const secret = newServerToken();
    registerSecret(secret);
    const server = await startAgentServer({
      preferredPort: previous?.port ?? 0,
      secret,
      findTarget: (id) => state.targets.find((t) => t.id === id),
      getCredentials: (target) => {
        markUsed(target);
        return fetchFor(target);
      },
      control: {
        status: () => ({
          pid: process.pid,
          rssBytes: process.memoryUsage.rss(),
          heapUsedBytes: process.memoryUsage().heapUsed,
          port: state.port,
          startedAt: state.startedAt,
          idleSeconds: state.idleSeconds,
          targets: state.targets.map((t) => ({
            id: t.id,
            label: t.label,
            createdAt: t.createdAt,
            ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt } : {}),
            ...(lastFetch.has(t.id)
              ? {
                  lastFetch: { ...lastFetch.get(t.id)!, at: new Date(lastFetch.get(t.id)!.at).toISOString() },
                }
              : {}),
          })),
        }),
        register: async (body) => {
          lastActivity = deps.now();
          const parsed = specOf(body);
          if (!parsed) return { message: 'malformed target' };
          const token = newServerToken();
          const record: AgentTargetRecord = {
            id: randomBytes(12).toString('base64url'),
            tokenSha256: sha256Hex(token),
            label: parsed.label,
            spec: parsed.spec as unknown as Record<string, unknown>,
            createdAt: new Date(deps.now()).toISOString(),
          };
          state.targets.push(record);
          persist();
          deps.log.info(`agent: new target ${record.label} (${record.id})`);
          return { id: record.id, token };
        },
        stop: () => {
          setImmediate(() => resolveStopped(0));
          return { stopping: true, pid: process.pid };
        },
      },
      onRequest: ({ method, path, status }) => deps.log.debug(`agent: ${method} ${path} -> ${status}`),
      onError: (error, target) =>
        deps.log.warn(
          `agent: could not get credentials for ${target.label}: ${(error as Error)?.message ?? error}`,
        ),
    });
    state = {
      version: 1,
      pid: process.pid,
      port: server.port,
      secret,
      startedAt: new Date(deps.now()).toISOString(),
      idleSeconds,
      targets,
    };
    persist();
    if (previous && previous.port !== server.port && previous.targets.length > 0) {
      deps.log.warn(
        `agent: port ${previous.port} is taken; shells that exported it must run eval "$(rolehop env … --agent)" again`,
      );
    }
    deps.log.info(
      `rolehop agent (pid ${process.pid}) serving ${targets.length} target(s) on http://127.0.0.1:${server.port}/; ` +
        (idleSeconds > 0 ? `exits after ${formatDuration(idleSeconds)} without requests` : 'no idle exit'),
    );
    return server;
  };

  // Starting is serialized: two agents must not both take over the same state.
  const started = await withLock(file, start, { signal: deps.signal });
  if (!('close' in started)) {
    if (background) return 0; // another agent won the race; the client finds it
    throw new RolehopError(`a rolehop agent is already running (pid ${started.pid}, port ${started.port})`, {
      hint: 'stop it with \'rolehop agent stop\', or use it: eval "$(rolehop env PROFILE --agent)"',
    });
  }
  const housekeeping = setInterval(
    () => {
      // Without its state file no client can find or authorize this agent again (the cache was
      // removed, or another agent took over): it would only hold the port, so it leaves.
      if (readAgentState(file)?.pid !== process.pid) {
        deps.log.info(`agent: ${file} no longer names this agent; exiting`);
        resolveStopped(0);
        return;
      }
      if (dirtyUse) {
        dirtyUse = false;
        persist();
      }
      if (idleSeconds > 0 && deps.now() - lastActivity > idleSeconds * 1000) {
        deps.log.info(`agent: no requests for ${formatDuration(idleSeconds)}; exiting`);
        resolveStopped(0);
      }
    },
    Math.min(60_000, Math.max(1_000, (idleSeconds * 1000) / 4)),
  );
  deps.signal.addEventListener('abort', () => resolveStopped(130), { once: true });
  const code = await stopped;
  clearInterval(housekeeping);
  for (const timer of refreshTimers.values()) clearTimeout(timer);
  if (dirtyUse) persist();
  await started.close();
  deps.log.info('agent: stopped');
  return background && code === 130 ? 0 : code;
}

function age(iso: string | undefined, now: number): string {
  if (!iso) return '-';
  const ms = Date.parse(iso) - now;
  return ms >= 0 ? `in ${formatDuration(ms / 1000)}` : `${formatDuration(-ms / 1000)} ago`;
}

async function status(json: boolean, deps: Deps): Promise<number> {
  const file = agentStateFile(deps.env);
  const state = readAgentState(file);
  const live = state ? await liveAgent(deps.env) : undefined;
  let answer: Record<string, unknown> | undefined;
  if (live) answer = (await controlRequest(live, 'GET', 'status')).body;
  const targets = (answer?.targets ?? state?.targets ?? []) as Array<{
    id: string;
    label: string;
    createdAt: string;
    lastUsedAt?: string;
    lastFetch?: LastFetch & { at: string };
  }>;
  if (json) {
    const out = {
      running: Boolean(live),
      ...(live
        ? { pid: live.pid, port: live.port, startedAt: live.startedAt, idleSeconds: live.idleSeconds }
        : {}),
      stateFile: file,
      targets: targets.map((t) => ({
        id: t.id,
        label: t.label,
        createdAt: t.createdAt,
        ...(t.lastUsedAt ? { lastUsedAt: t.lastUsedAt } : {}),
        ...(t.lastFetch ? { lastFetch: t.lastFetch } : {}),
      })),
    };
    deps.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return live ? 0 : 1;
  }
  const now = deps.now();
  if (!state) {
    deps.stdout.write('No rolehop agent has run yet.\n');
    deps.stderr.write('  hint: eval "$(rolehop env PROFILE --agent)" starts one\n');
    return 1;
  }
  if (!live) {
    deps.stdout.write(
      `The rolehop agent is not running (it last listened on 127.0.0.1:${state.port}, pid ${state.pid}).\n`,
    );
    deps.stdout.write(
      `${targets.length} target(s) are remembered; shells that exported them get connection errors.\n`,
    );
    deps.stderr.write(
      '  hint: run \'rolehop agent start\' (same port, old tokens work again), or any eval "$(rolehop env PROFILE --agent)"\n',
    );
    return 1;
  }
  deps.stdout.write(
    `rolehop agent: pid ${live.pid} on http://127.0.0.1:${live.port}/ since ${live.startedAt}` +
      (live.idleSeconds > 0 ? `, exits after ${formatDuration(live.idleSeconds)} idle\n` : '\n'),
  );
  if (targets.length === 0) deps.stdout.write('No targets yet.\n');
  for (const t of targets) {
    const f = t.lastFetch;
    const fetched = f
      ? f.ok
        ? `last fetch ${age(f.at, now)}, expires ${age(f.expiration, now)}`
        : `last fetch ${age(f.at, now)} FAILED: ${f.error}`
      : 'not fetched since start';
    deps.stdout.write(`  ${t.label.padEnd(24)} ${t.id}  ${fetched}\n`);
  }
  return 0;
}

async function stop(deps: Deps): Promise<number> {
  const live = await liveAgent(deps.env);
  if (!live) {
    deps.stderr.write('No rolehop agent is running.\n');
    return 0;
  }
  await controlRequest(live, 'POST', 'stop');
  // Wait until it has let go of the port, so a following start can take it.
  for (let i = 0; i < 100 && (await liveAgent(deps.env)); i++) await new Promise((r) => setTimeout(r, 50));
  deps.stderr.write(`Stopped the rolehop agent (pid ${live.pid}).\n`);
  return 0;
}

const ACTIONS = ['run', 'start', 'status', 'stop'] as const;

/** What agent acts on, typed: the command line is read and checked once, in parseAgentInput. */
export interface AgentInput {
  /** No action given is `run`: the agent in the foreground. */
  action: (typeof ACTIONS)[number];
  /** --idle as given, in seconds; undefined: the default (8 h) for a foreground agent, the client's for start. */
  idleSeconds: number | undefined;
  json: boolean;
}

export function parseAgentInput(raw: CommandInput): AgentInput {
  const action = firstPositional(raw, "run 'rolehop agent --help'") ?? 'run';
  const idleSeconds = durationOf(raw, 'idle');
  if (!ACTIONS.includes(action as AgentInput['action'])) {
    throw new UsageError(`unknown agent action "${action}"`, {
      hint: 'use: rolehop agent [start|status|stop]',
    });
  }
  return { action: action as AgentInput['action'], idleSeconds, json: flagOf(raw, 'json') };
}

/** Runs, starts, reports on or stops the agent. */
export async function agent(input: AgentInput, deps: Deps): Promise<number> {
  switch (input.action) {
    case 'run':
      return runAgent(input.idleSeconds ?? DEFAULT_IDLE_SECONDS, deps);
    case 'start': {
      const state = await ensureAgent({
        env: deps.env,
        ...(input.idleSeconds !== undefined ? { idle: String(input.idleSeconds) } : {}),
      });
      deps.stderr.write(
        `rolehop agent running (pid ${state.pid}, port ${state.port}); log: ${agentLogFile(deps.env)}\n`,
      );
      return 0;
    }
    case 'status':
      return status(input.json, deps);
    case 'stop':
      return stop(deps);
  }
}

export const run: CommandRun = (raw, deps) => agent(parseAgentInput(raw), deps);
