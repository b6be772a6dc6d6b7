// One loopback HTTP server for every sandbox service: routes a request to its operation, counts it,
// applies injected faults, and answers errors in each protocol's own shape.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { handleAdmin, type SandboxAdmin } from './admin.ts';
import type { SandboxContext } from './context.ts';
import { consolePage, handleFederation } from './federation.ts';
import { BodyTooLargeError, isLoopbackHost, type Request, readBody, sendJson, sendText } from './http.ts';
import { handleOidc, oidcError, oidcOperations } from './oidc.ts';
import {
  handleAuthorizeGet,
  handleAuthorizePost,
  handleDeviceGet,
  handleDevicePost,
  handleIndex,
} from './pages.ts';
import { handlePortal, portalError, portalOperations } from './portal.ts';
import { handleSts, stsError, stsParams } from './sts.ts';

type Service = 'oidc' | 'portal' | 'sts' | 'page';

interface Route {
  operation: string;
  service: Service;
  run(): Promise<void> | void;
}

function findRoute(ctx: SandboxContext, req: Request, res: ServerResponse): Route | undefined {
  const key = `${req.method} ${req.path}`;
  for (const [operation, op] of Object.entries(oidcOperations)) {
    if (key === `${op.method} ${op.path}`) {
      return { operation, service: 'oidc', run: () => handleOidc(ctx, operation, req, res) };
    }
  }
  for (const [operation, op] of Object.entries(portalOperations)) {
    if (key === `${op.method} ${op.path}`) {
      return { operation, service: 'portal', run: () => handlePortal(ctx, operation, req, res) };
    }
  }
  switch (key) {
    case 'GET /authorize':
      return { operation: 'Authorize', service: 'page', run: () => handleAuthorizeGet(ctx, req, res) };
    case 'POST /authorize':
      return {
        operation: 'AuthorizeDecision',
        service: 'page',
        run: () => handleAuthorizePost(ctx, req, res),
      };
    case 'GET /device':
      return { operation: 'DeviceVerification', service: 'page', run: () => handleDeviceGet(ctx, req, res) };
    case 'POST /device':
      return { operation: 'DeviceDecision', service: 'page', run: () => handleDevicePost(ctx, req, res) };
    case 'GET /console':
      return { operation: 'Console', service: 'page', run: () => consolePage(ctx, req, res) };
    case 'GET /federation': {
      const action = req.query.get('Action') ?? '';
      const operation =
        action === 'getSigninToken' ? 'GetSigninToken' : action === 'login' ? 'Login' : 'Federation';
      return { operation, service: 'page', run: () => handleFederation(ctx, action, req, res) };
    }
  }
  if (key === 'GET /' && !req.query.has('Action')) {
    return { operation: 'Index', service: 'page', run: () => handleIndex(ctx, res) };
  }
  if (req.path === '/' && (req.method === 'POST' || req.query.has('Action'))) {
    const action = stsParams(req).get('Action') ?? '';
    return {
      operation: action || 'UnknownStsAction',
      service: 'sts',
      run: () => handleSts(ctx, action, req, res),
    };
  }
  return undefined;
}

function sendFault(
  res: ServerResponse,
  service: Service,
  type: string,
  status: number,
  message: string,
): void {
  if (service === 'oidc') oidcError(res, type, message, status);
  else if (service === 'portal') portalError(res, type, message, status);
  else if (service === 'sts') stsError(res, status, type, message);
  else sendText(res, status, `${type}: ${message}`);
}

export function createRequestListener(ctx: SandboxContext, admin: SandboxAdmin) {
  return async (raw: IncomingMessage, res: ServerResponse): Promise<void> => {
    let service: Service = 'page';
    try {
      if (!isLoopbackHost(raw.headers.host)) {
        return sendText(res, 403, 'The sandbox answers only requests addressed to 127.0.0.1 or localhost.\n');
      }
      const url = new URL(raw.url ?? '/', 'http://127.0.0.1');
      const req: Request = {
        method: raw.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: raw.headers,
        body: await readBody(raw),
        raw,
      };
      if (req.path.startsWith('/_sandbox/')) return await handleAdmin(admin, req, res);
      const route = findRoute(ctx, req, res);
      if (!route) {
        return sendJson(
          res,
          404,
          { message: `No sandbox operation at ${req.method} ${req.path}` },
          {
            'x-amzn-errortype': 'UnknownOperationException',
          },
        );
      }
      service = route.service;
      ctx.store.count(route.operation);
      const { latencyMs } = ctx.faults.settings;
      if (latencyMs > 0) await delay(latencyMs);
      if (service !== 'page') {
        const fault = ctx.faults.decide(route.operation, service === 'portal');
        if (fault.kind === 'throttle') {
          return sendFault(
            res,
            service,
            'TooManyRequestsException',
            429,
            'Too many requests (sandbox throttle)',
          );
        }
        if (fault.kind === 'fail') {
          const type = service === 'sts' ? 'InternalFailure' : 'InternalServerException';
          return sendFault(res, service, type, 500, 'Internal failure (injected by the sandbox)');
        }
        if (fault.kind === 'forced') {
          const e = fault.error;
          return sendFault(
            res,
            service,
            e.error,
            e.status,
            e.message ?? `${e.error} (forced by the sandbox)`,
          );
        }
      }
      await route.run();
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof BodyTooLargeError) return sendText(res, 413, `${error.message}\n`);
      sendFault(
        res,
        service,
        service === 'sts' ? 'InternalFailure' : 'InternalServerException',
        500,
        (error as Error).message,
      );
    }
  };
}
