// Built-in modules a bundle requires when it loads but most runs never use. The AWS SDK requires
// node:http2, node:zlib and node:child_process, for an HTTP/2 handler, CRC32 checksums and
// credential_process, none of which rolehop's requests use: loading the three (and the `assert`
// http2 pulls in) cost 17-21 ms of every cold call (measured in the cold-credentials bench). It also
// requires node:fs/promises (with readline, watchers and os) to read the shared files for settings,
// which rolehop passes it (config/endpoints.ts): ~2.5 ms.
// rolehop's own modules require node:os, which a warm call needs only when HOME or USER is unset
// (the rest is lock files, the core count, signal numbers): ~0.5 ms of a warm call. In a bundle they become
// objects with the real module's exports as getters that load it on first use: a function is a
// stand-in that loads and calls it, an object a stand-in that loads and reads it, so destructuring
// and `typeof` at load stay free.
import { createRequire } from 'node:module';

/** What the SDK chunk defers, where a package in node_modules requires it. */
export const SDK_DEFERRED_BUILTINS = ['node:http2', 'node:zlib', 'node:child_process', 'node:fs/promises'];
/** What the CLI bundle and the warm entry defer, wherever it is required. */
export const OWN_DEFERRED_BUILTINS = ['node:os'];

/**
 * CommonJS source of a module that stands in for built-in `id`, its exports read from this Node
 * (the package is built on the Node of the devDependency). An export missing on the Node the user
 * runs fails when first used, as it would in the SDK; one newer than the building Node is absent.
 */
export function deferredBuiltinSource(id) {
  const real = createRequire(import.meta.url)(id);
  const kindOf = (value) =>
    typeof value === 'function' ? 'f' : typeof value === 'object' && value !== null ? 'o' : 'v';
  // One object literal of getters: defining them one by one in a loop at load cost ~0.3 ms of a
  // warm call for node:os (23 names).
  const getters = Object.keys(real)
    .map(
      (key) =>
        `  get ${JSON.stringify(key)}() { return get(${JSON.stringify(key)}, "${kindOf(real[key])}"); },`,
    )
    .join('\n');
  return `"use strict";
let loaded;
const load = () => (loaded ??= require(${JSON.stringify(id)}));
const standIns = new Map();
function standIn(key, kind) {
  if (kind === "f") {
    return function (...args) {
      const fn = load()[key];
      return new.target ? Reflect.construct(fn, args, new.target) : Reflect.apply(fn, this, args);
    };
  }
  return new Proxy({}, {
    get: (_, name) => load()[key][name],
    has: (_, name) => name in load()[key],
    ownKeys: () => Reflect.ownKeys(load()[key]),
    getOwnPropertyDescriptor: (_, name) => {
      const d = Reflect.getOwnPropertyDescriptor(load()[key], name);
      return d && { ...d, configurable: true };
    },
  });
}
function get(key, kind) {
  if (loaded || kind === "v") return load()[key];
  if (!standIns.has(key)) standIns.set(key, standIn(key, kind));
  return standIns.get(key);
}
module.exports = {
${getters}
};
`;
}

/** esbuild plugin deferring built-ins `ids`; with `packagesOnly`, only where node_modules requires them. */
export const deferBuiltins = (ids, { packagesOnly = false } = {}) => ({
  name: 'defer-builtins',
  setup(build) {
    const filter = new RegExp(`^(${ids.join('|')})$`);
    build.onResolve({ filter }, (args) =>
      args.namespace === 'file' && (!packagesOnly || /[\\/]node_modules[\\/]/.test(args.importer))
        ? { path: args.path, namespace: 'deferred-builtin' }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'deferred-builtin' }, (args) => ({
      contents: deferredBuiltinSource(args.path),
      loader: 'js',
    }));
  },
});
