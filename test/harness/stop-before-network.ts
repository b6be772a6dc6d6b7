// Sends one SDK request and stops it before the network, returning the URL it would have reached:
// how tests compare the endpoint rolehop's clients resolve with the plain SDK's.

interface Sendable {
  middlewareStack: { add(mw: unknown, options: { step: string; name: string }): void };
  send(command: unknown): Promise<unknown>;
  destroy(): void;
}

class Stopped extends Error {
  readonly url: string;
  constructor(url: string) {
    super('stopped before the network');
    this.url = url;
  }
}

/** The URL `client` would send `command` to, or `error: …` when the SDK refuses the configuration. */
export async function urlOf(client: unknown, command: unknown): Promise<string> {
  const c = client as Sendable;
  c.middlewareStack.add(
    () => async (args: { request: { protocol: string; hostname: string; port?: number; path: string } }) => {
      const r = args.request;
      throw new Stopped(`${r.protocol}//${r.hostname}${r.port ? `:${r.port}` : ''}${r.path}`);
    },
    { step: 'build', name: 'stopBeforeNetwork' },
  );
  try {
    await c.send(command);
    throw new Error('the request was not stopped');
  } catch (error) {
    if (error instanceof Stopped) return error.url;
    return `error: ${(error as Error).message}`;
  } finally {
    c.destroy();
  }
}
