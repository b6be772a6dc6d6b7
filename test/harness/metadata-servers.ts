import * as http from 'node:http';
import type { TestContext } from 'node:test';

// Stand-ins for the two plain-HTTP credential endpoints of AWS compute, on 127.0.0.1:
// the EC2 instance metadata service (IMDSv2: PUT a token, then the role name, then its credentials)
// and the ECS/EKS container credentials endpoint (a GET with an Authorization header).

export interface StandInKeys {
  AccessKeyId: string;
  SecretAccessKey: string;
  Token: string;
  Expiration: string;
}

export interface StandIn {
  url: string;
  /** `METHOD path` of every request, in order. */
  requests: string[];
}

let serial = 0;

export function standInKeys(lifetimeMs = 6 * 3600_000): StandInKeys {
  serial++;
  return {
    AccessKeyId: `ASIASTANDIN${String(serial).padStart(9, '0')}`,
    SecretAccessKey: `stand-in-secret-${process.pid}-${serial}-xxxxxxxxxxxx`,
    Token: `stand-in-token-${process.pid}-${serial}-xxxxxxxxxxxx`,
    Expiration: new Date(Date.now() + lifetimeMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

async function listen(t: TestContext, server: http.Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

/** IMDSv2 with one instance profile role; requests without the session token are refused (401). */
export async function startImds(
  t: TestContext,
  options: { role?: string; keys?: StandInKeys } = {},
): Promise<StandIn> {
  const role = options.role ?? 'web-server-role';
  const keys = options.keys ?? standInKeys();
  const token = `imds-session-${process.pid}`;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, body: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(body);
    };
    if (req.url === '/latest/api/token') {
      if (req.method !== 'PUT' || !req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return send(400, '');
      return send(200, token);
    }
    if (req.headers['x-aws-ec2-metadata-token'] !== token) return send(401, '');
    const base = '/latest/meta-data/iam/security-credentials/';
    if (req.url === base) return send(200, role);
    if (req.url === `${base}${role}`) {
      return send(
        200,
        JSON.stringify({ Code: 'Success', LastUpdated: new Date().toISOString(), Type: 'AWS-HMAC', ...keys }),
      );
    }
    send(404, '');
  });
  return { url: await listen(t, server), requests };
}

/** The container endpoint at `path`; with `authorization`, other requests get 403. */
export async function startContainerEndpoint(
  t: TestContext,
  options: { path?: string; authorization?: string; keys?: StandInKeys } = {},
): Promise<StandIn> {
  const keys = options.keys ?? standInKeys();
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (options.authorization !== undefined && req.headers.authorization !== options.authorization) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Code: 'AccessDenied', Message: 'bad token' }));
      return;
    }
    if (req.url !== (options.path ?? '/creds')) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ ...keys, RoleArn: 'arn:aws:iam::123456789012:role/task-role' }));
  });
  return { url: await listen(t, server), requests };
}
