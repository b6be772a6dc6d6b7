// A loopback HTTP proxy in front of the sandbox that holds back a random share of requests: latency
// spikes on single calls, which the sandbox's own (constant) latency setting cannot give.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export interface SpikeProxy {
  url: string;
  /** Requests forwarded and requests that were held back. */
  stats: { forwarded: number; spiked: number };
  close(): Promise<void>;
}

export async function startSpikeProxy(
  t: TestContext,
  target: string,
  options: { share: number; delayMs: number; random?: () => number },
): Promise<SpikeProxy> {
  const upstream = new URL(target);
  const random = options.random ?? Math.random;
  const stats = { forwarded: 0, spiked: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const forward = () => {
        stats.forwarded++;
        const out = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: upstream.host },
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        out.on('error', () => res.destroy());
        out.end(Buffer.concat(chunks));
      };
      if (random() < options.share) {
        stats.spiked++;
        setTimeout(forward, options.delayMs);
      } else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const proxy: SpikeProxy = {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  t.after(() => proxy.close());
  return proxy;
}
