// The admin side of the sandbox: counts, reset, approving sign-ins, expiring and revoking tokens,
// lifetimes and faults. The same operations are a library object and HTTP routes under /_sandbox/.
import type { ServerResponse } from 'node:http';
import type { SandboxContext } from './context.ts';
import { type FaultSettings, type ForcedError, parseFaultPatch } from './faults.ts';
import { jsonBody, type Request, sendJson } from './http.ts';
import { decideAuthorization, decideDevice } from './pages.ts';
import type { Lifetimes } from './store.ts';

export interface PendingSignIns {
  devices: Array<{ userCode: string; clientName: string; expiresAt: string }>;
  authorizations: Array<{ id: string; clientName: string; redirectUri: string; expiresAt: string }>;
}

export interface DecisionOptions {
  /** A device sign-in's user code; with neither this nor `authorization`, every pending sign-in. */
  userCode?: string;
  /** A pending /authorize request's id (from `pending()`). */
  authorization?: string;
  /** Who signs in (default: the directory's first user). */
  user?: string;
  /** For /authorize: also GET the redirect, as the browser would (default true). */
  deliver?: boolean;
}

export interface DecisionResult {
  decided: number;
  /** Where the browser would go after each /authorize decision. */
  redirects: string[];
}

export interface ExpireOptions {
  /** Which tokens: access tokens (default), refresh tokens, both, or issued role credentials. */
  kind?: 'access' | 'refresh' | 'all' | 'credentials';
  /** Only this token (or access key id); default all of the kind. */
  token?: string;
}

/** A forced error as given to setFaults: status defaults to 400. */
export type ForcedErrorInput = Omit<ForcedError, 'status'> & { status?: number };

export type FaultPatch = Partial<Omit<FaultSettings, 'forcedErrors'>> & {
  forcedErrors?: ForcedErrorInput[] | null;
  forceError?: ForcedErrorInput | null;
};

export interface SandboxAdmin {
  counts(): Promise<Record<string, number>>;
  reset(): Promise<void>;
  pending(): Promise<PendingSignIns>;
  approve(options?: DecisionOptions): Promise<DecisionResult>;
  deny(options?: DecisionOptions): Promise<DecisionResult>;
  expireTokens(options?: ExpireOptions): Promise<number>;
  revokeTokens(options?: { token?: string }): Promise<number>;
  setLifetimes(patch: Partial<Lifetimes>): Promise<Lifetimes>;
  setFaults(patch: FaultPatch): Promise<FaultSettings>;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createAdmin(
  ctx: SandboxContext,
  initial: { lifetimes: Lifetimes; faults: Partial<FaultSettings> },
): SandboxAdmin {
  const { store } = ctx;
  const decide = async (allow: boolean, o: DecisionOptions = {}): Promise<DecisionResult> => {
    const result: DecisionResult = { decided: 0, redirects: [] };
    const now = ctx.now();
    const all = o.userCode === undefined && o.authorization === undefined;
    if (o.userCode !== undefined) {
      decideDevice(ctx, o.userCode, allow, o.user);
      result.decided++;
    }
    if (all) {
      for (const d of store.devices.values()) {
        if (d.status !== 'pending' || d.expiresAt <= now) continue;
        decideDevice(ctx, d.userCode, allow, o.user);
        result.decided++;
      }
    }
    const auths = all
      ? [...store.authorizations.values()].filter((a) => a.status === 'pending' && a.expiresAt > now)
      : o.authorization !== undefined
        ? [store.authorizations.get(o.authorization)]
        : [];
    for (const auth of auths) {
      if (!auth) throw new Error(`no pending authorization ${o.authorization}`);
      const location = decideAuthorization(ctx, auth, allow, o.user);
      result.redirects.push(location);
      result.decided++;
      if (o.deliver !== false) {
        // The browser is not there to follow the redirect: deliver it to the loopback listener.
        await fetch(location, { redirect: 'manual' }).then(
          (r) => r.body?.cancel(),
          () => undefined,
        );
      }
    }
    return result;
  };

  return {
    async counts() {
      return Object.fromEntries(store.counts);
    },
    async reset() {
      store.clear();
      store.lifetimes = { ...initial.lifetimes };
      ctx.faults.reset(initial.faults);
    },
    async pending() {
      const now = ctx.now();
      const name = (clientId: string) => store.clients.get(clientId)?.clientName ?? '';
      return {
        devices: [...store.devices.values()]
          .filter((d) => d.status === 'pending' && d.expiresAt > now)
          .map((d) => ({ userCode: d.userCode, clientName: name(d.clientId), expiresAt: iso(d.expiresAt) })),
        authorizations: [...store.authorizations.values()]
          .filter((a) => a.status === 'pending' && a.expiresAt > now)
          .map((a) => ({
            id: a.id,
            clientName: name(a.clientId),
            redirectUri: a.redirectUri,
            expiresAt: iso(a.expiresAt),
          })),
      };
    },
    approve: (o) => decide(true, o),
    deny: (o) => decide(false, o),
    async expireTokens(o = {}) {
      const kind = o.kind ?? 'access';
      const past = ctx.now() - 1000;
      let n = 0;
      const expire = <T extends { expiresAt: number }>(map: Map<string, T>) => {
        for (const [key, value] of map) {
          if (o.token !== undefined && key !== o.token) continue;
          value.expiresAt = past;
          n++;
        }
      };
      if (kind === 'access' || kind === 'all') expire(store.accessTokens);
      if (kind === 'refresh' || kind === 'all') expire(store.refreshTokens);
      if (kind === 'credentials') expire(store.credentials);
      return n;
    },
    async revokeTokens(o = {}) {
      let n = 0;
      for (const [key, t] of store.accessTokens) {
        if (o.token !== undefined && key !== o.token) continue;
        if (!t.revoked) n++;
        t.revoked = true;
      }
      for (const [key, t] of store.refreshTokens) {
        if (o.token !== undefined && key !== o.token) continue;
        if (!t.spent) n++;
        t.spent = true;
      }
      return n;
    },
    async setLifetimes(patch) {
      const next = { ...store.lifetimes };
      for (const [key, value] of Object.entries(patch)) {
        if (!(key in next))
          throw new Error(`unknown lifetime "${key}"; known: ${Object.keys(next).join(', ')}`);
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
          throw new Error(`${key} must be a number of seconds ≥ 0`);
        }
        next[key as keyof Lifetimes] = value;
      }
      store.lifetimes = next;
      return { ...next };
    },
    async setFaults(patch) {
      ctx.faults.update(parseFaultPatch(patch as Record<string, unknown>));
      return structuredClone(ctx.faults.settings);
    },
  };
}

/** Routes under /_sandbox/; answers 404 for anything else there. */
export async function handleAdmin(admin: SandboxAdmin, req: Request, res: ServerResponse): Promise<void> {
  const name = req.path.slice('/_sandbox/'.length);
  const body = jsonBody(req);
  if (!body) return sendJson(res, 400, { error: 'the body must be a JSON object' });
  try {
    const get = req.method === 'GET';
    switch (`${req.method} ${name}`) {
      case 'GET counts':
        return sendJson(res, 200, await admin.counts());
      case 'POST reset':
        await admin.reset();
        return sendJson(res, 200, {});
      case 'GET pending':
        return sendJson(res, 200, await admin.pending());
      case 'POST approve':
        return sendJson(res, 200, await admin.approve(body as DecisionOptions));
      case 'POST deny':
        return sendJson(res, 200, await admin.deny(body as DecisionOptions));
      case 'POST expire':
        return sendJson(res, 200, { expired: await admin.expireTokens(body as ExpireOptions) });
      case 'POST revoke':
        return sendJson(res, 200, { revoked: await admin.revokeTokens(body as { token?: string }) });
      case 'GET lifetimes':
      case 'POST lifetimes':
        return sendJson(res, 200, await admin.setLifetimes(get ? {} : (body as Partial<Lifetimes>)));
      case 'GET faults':
      case 'POST faults':
        return sendJson(res, 200, await admin.setFaults(get ? {} : (body as FaultPatch)));
      default:
        return sendJson(res, 404, {
          error: `unknown admin call ${req.method} ${req.path}`,
          known: [
            'GET counts',
            'POST reset',
            'GET pending',
            'POST approve',
            'POST deny',
            'POST expire',
            'POST revoke',
            'GET|POST lifetimes',
            'GET|POST faults',
          ],
        });
    }
  } catch (error) {
    sendJson(res, 400, { error: (error as Error).message });
  }
}
