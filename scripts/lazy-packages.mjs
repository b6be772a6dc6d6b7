// The SDK chunk's entry (src/sdk/clients.ts) re-exports names from seven packages. Bundled as written,
// loading the chunk initialises all seven, though a call needs one or two (an SSO profile: the SSO
// client alone; a chain: SSO and STS). In the chunk, each `export { … } from 'package'` of the entry
// becomes getters that initialise the package when a name is first read. Measured on a cold SSO
// credential-process: 4-7% of the whole call (bench/RESULTS.md, fourth round). The TypeScript source,
// which the tests run, keeps plain re-exports.

const NAMESPACE = 'lazy-package';
const RE_EXPORT = /^export \{([^}]*)\} from '([^']+)';$/gm;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** The entry's source with each package re-export read through a lazy stand-in module. */
export function lazyReExports(source, file) {
  return source.replace(RE_EXPORT, (statement, list, pkg) => {
    if (pkg.startsWith('.')) return statement;
    const names = list
      .split(',')
      .map((name) => name.trim())
      .filter(Boolean);
    const odd = names.find((name) => !IDENTIFIER.test(name));
    // `type X` or `X as Y` would need more than a getter per name: refuse rather than mis-build.
    if (odd) throw new Error(`${file}: lazy-packages cannot re-export '${odd}' from ${pkg}`);
    return `export { ${names.join(', ')} } from '${NAMESPACE}:${pkg}#${names.join(',')}';`;
  });
}

/**
 * CommonJS source of the stand-in: a getter per name that requires the package on first read, and
 * adds it to the run's initialised packages (bin/rolehop.cjs saves its code caches again when a run
 * initialised one the cache's run had not).
 */
export function lazyPackageSource(pkg, names) {
  return `"use strict";
let loaded;
const load = () => {
  if (loaded === undefined) {
    loaded = require(${JSON.stringify(pkg)});
    (globalThis[Symbol.for("rolehop.initialisedPackages")] ??= new Set()).add(${JSON.stringify(pkg)});
  }
  return loaded;
};
for (const name of ${JSON.stringify(names)}) {
  Object.defineProperty(exports, name, { enumerable: true, get: () => load()[name] });
}
`;
}

/** esbuild plugin: the package re-exports of `entry` (a path ending) load their package on first use. */
export const lazyPackages = (entry) => ({
  name: 'lazy-packages',
  setup(build) {
    const escaped = entry.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    build.onLoad({ filter: new RegExp(`[\\\\/]${escaped}$`) }, async (args) => {
      const { readFile } = await import('node:fs/promises');
      return { contents: lazyReExports(await readFile(args.path, 'utf8'), args.path), loader: 'ts' };
    });
    build.onResolve({ filter: new RegExp(`^${NAMESPACE}:`) }, (args) => ({
      path: args.path.slice(NAMESPACE.length + 1),
      namespace: NAMESPACE,
      pluginData: { resolveDir: args.resolveDir },
    }));
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => {
      const [pkg, names] = args.path.split('#');
      return {
        contents: lazyPackageSource(pkg, names.split(',')),
        loader: 'js',
        resolveDir: args.pluginData.resolveDir,
      };
    });
  },
});
