import * as http from 'node:http';

/**
 * One GET on a fresh connection (no keep-alive): status and body as text. A loopback port with a raw
 * path sends the path as written (a URL would normalise `//x` or `/./x` first).
 */
export function get(
  target: string | { port: number; path?: string },
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const options = { headers, agent: false };
    const onResponse = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    };
    const req =
      typeof target === 'string'
        ? http.request(target, options, onResponse)
        : http.request(
            { host: '127.0.0.1', port: target.port, path: target.path ?? '/', ...options },
            onResponse,
          );
    req.on('error', reject);
    req.end();
  });
}
