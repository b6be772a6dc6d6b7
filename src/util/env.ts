/** The environment a module reads: process.env in production, a plain record in tests. */
export type Env = Readonly<Record<string, string | undefined>>;
