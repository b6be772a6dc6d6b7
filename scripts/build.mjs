// Bundles the CLI into dist/cli.cjs (CommonJS loads faster than ESM here, see design.md) and
// splits heavy, rarely needed modules into their own files, loaded by dynamic import on demand.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { deferBuiltins, OWN_DEFERRED_BUILTINS, SDK_DEFERRED_BUILTINS } from './deferred-builtins.mjs';
import { lazyPackages } from './lazy-packages.mjs';

// Which build resolved a warm memo (src/cli/warm-memo.ts): the hash of dist/warm.cjs, the resolving
// entry, written into it and dist/warm-hit.cjs in place of this once both are built.
const RESOLVER_PLACEHOLDER = 'rolehop-resolver-build-placeholder';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

/**
 * source file (relative to src/) → bundle beside dist/cli.cjs, split off at a dynamic import of it:
 * the SDK and the sandbox, and the warm entry's miss (docs/architecture.md).
 */
const chunks = Object.fromEntries(
  Object.entries({
    'sdk/clients.ts': 'sdk.cjs',
    'sandbox/index.ts': 'sandbox.cjs',
    'cli/warm-miss.ts': 'warm-miss.cjs',
  }).filter(([source]) => existsSync(new URL(`../src/${source}`, import.meta.url))),
);

const splitChunks = {
  name: 'split-chunks',
  setup(build) {
    build.onResolve({ filter: /\.ts$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const resolved = new URL(args.path, `file://${args.resolveDir}/`).pathname;
      for (const [source, out] of Object.entries(chunks)) {
        if (resolved.endsWith(`/src/${source}`) && !args.importer.endsWith(source)) {
          return { path: `./${out}`, external: true };
        }
      }
      return undefined;
    });
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: false,
  legalComments: 'none',
  define: {
    ROLEHOP_VERSION: JSON.stringify(pkg.version),
    ROLEHOP_RESOLVER: JSON.stringify(RESOLVER_PLACEHOLDER),
  },
  logLevel: 'warning',
};

// The SDK chunk is most of a cold call's reading and V8 code: minified it is 0.43 of the size (1.2 MB
// to 0.52 MB), which cut reading it and deserialising its code cache from ~34 to ~23 ms. Names are
// kept, as the SDK's errors and our messages show them.
// `conditions: []` drops esbuild's default `module` condition, which the SDK packages' export maps
// list first: with it the chunk held their ES builds (dist-es), and every require() of one from
// another package's CommonJS copied all its exports into a fresh object (esbuild's __toCommonJS,
// 75 places). Now the chunk holds the CommonJS builds Node itself loads (`node` condition), as
// fromIni runs them: a cold SSO call 14 ms faster, 640 page faults fewer (bench/RESULTS.md).
const sdkChunk = {
  conditions: [],
  metafile: true,
  minify: true,
  keepNames: true,
  plugins: [
    splitChunks,
    deferBuiltins(SDK_DEFERRED_BUILTINS, { packagesOnly: true }),
    lazyPackages('src/sdk/clients.ts'),
  ],
};
// rolehop's own bundles (the CLI, the warm entry and its miss): node:os deferred.
const ownCode = { plugins: [splitChunks, deferBuiltins(OWN_DEFERRED_BUILTINS)] };
/** A chunk's options beyond splitting; each other chunk (the sandbox) only splits. */
const chunkOptions = { 'sdk.cjs': sdkChunk, 'warm-miss.cjs': ownCode };

await Promise.all([
  esbuild.build({
    ...common,
    entryPoints: ['src/cli/entry.ts'],
    outfile: 'dist/cli.cjs',
    format: 'cjs',
    ...ownCode,
  }),
  // The warm entries: a cache hit without the CLI bundle, from the warm memo (warm-hit) or resolved
  // (warm), docs/architecture.md.
  ...['warm-hit', 'warm'].map((entry) =>
    esbuild.build({
      ...common,
      entryPoints: [`src/cli/${entry}.ts`],
      outfile: `dist/${entry}.cjs`,
      format: 'cjs',
      ...ownCode,
    }),
  ),
  ...Object.entries(chunks).map(([source, out]) =>
    esbuild
      .build({
        ...common,
        entryPoints: [`src/${source}`],
        outfile: `dist/${out}`,
        format: 'cjs',
        ...(chunkOptions[out] ?? { plugins: [splitChunks] }),
      })
      .then((result) => {
        // The reason for `conditions: []` above, kept: an ES build back in the chunk fails the build.
        const esBuilds = Object.keys(result.metafile?.inputs ?? {}).filter((input) =>
          input.includes('/dist-es/'),
        );
        if (esBuilds.length > 0)
          throw new Error(`${out}: holds ES builds of packages: ${esBuilds.slice(0, 3).join(', ')}`);
      }),
  ),
  esbuild.build({
    ...common,
    entryPoints: ['src/index.ts'],
    outfile: 'dist/index.js',
    format: 'esm',
    packages: 'external',
  }),
  // Type declarations for the library entry (dist/types), beside the bundles; incremental, so cheap when unchanged.
  promisify(execFile)(process.execPath, [
    new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname,
    '-p',
    new URL('../tsconfig.types.json', import.meta.url).pathname,
  ]).catch((error) => {
    // tsc still writes the declarations; a type error is `npm run typecheck`'s to report, not the build's.
    process.stderr.write(
      `warning: type declarations reported errors:\n${error.stdout ?? ''}${error.stderr ?? ''}`,
    );
  }),
]);

// The chunks are CommonJS: load them with require(), not import(), which would first run the ESM
// loader's export scan over the 1.2 MB SDK bundle (measured: several ms on every cold call); the
// same for built-ins (bin/rolehop.cjs runs the bundles through vm.Script, which has no import()).
// `import * as fs from 'node:fs'` becomes `__toESM(require("node:fs"), 1)`, which copies every
// property of the module into a getter (esbuild's __copyProps: ~5 ms on the warm path in a profile);
// the code only reads `fs.x`, so the module object itself serves, unless a `.default` is read (the
// same for a deferred built-in's stand-in, `require_node_os()`).
// Last, the bundle's hash: bin/rolehop.cjs names its V8 code cache of each bundle by it, since V8
// itself checks only that the source's length matches (an upgrade that kept it would run stale code).
const resolverBuild = createHash('sha256').update(readFileSync('dist/warm.cjs')).digest('hex').slice(0, 16);
for (const file of [
  'dist/cli.cjs',
  'dist/warm-hit.cjs',
  'dist/warm.cjs',
  ...Object.values(chunks).map((out) => `dist/${out}`),
]) {
  const text = readFileSync(file, 'utf8').replaceAll(RESOLVER_PLACEHOLDER, resolverBuild);
  const rewritten = text
    .replace(/await import\(("(?:\.\/[\w-]+\.cjs|node:[\w/]+)")\)/g, 'require($1)')
    .replace(/\b(\w+) = __toESM\((require\("node:[\w/]+"\)|require_node_\w+\(\)), 1\)/g, (line, name, req) =>
      new RegExp(`\\b${name}\\.default\\b`).test(text) ? line : `${name} = ${req}`,
    );
  // esbuild escapes non-ASCII (its default charset); bin/rolehop.cjs relies on it, reading bundles as latin1.
  const nonAscii = /[^\x00-\x7f]/.exec(rewritten);
  if (nonAscii) throw new Error(`${file}: non-ASCII character at ${nonAscii.index}`);
  const hash = createHash('sha256').update(rewritten).digest('hex').slice(0, 16);
  writeFileSync(file, `${rewritten}//# rolehop-build ${hash}\n`);
}
