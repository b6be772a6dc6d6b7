#!/usr/bin/env node
'use strict';
// No syntax in this file that Node 8 cannot parse (no `?.`, `??`, `catch {}`; a test checks): an
// older Node must get as far as the one-line refusal below, rather than a SyntaxError or, on Node 20,
// the AWS SDK's eight-line version warning on every command.
const minimumNodeMajor = 22; // package.json "engines" says the same; a test checks they agree
if (Number(process.versions.node.split('.')[0]) < minimumNodeMajor) {
  process.stderr.write(
    'rolehop: Node.js ' +
      minimumNodeMajor +
      ' or newer is required; this is ' +
      process.version +
      ' (install it from https://nodejs.org/en/download, or: nvm install ' +
      minimumNodeMajor +
      ')\n',
  );
  process.exit(1);
}

// Cache V8's code for the bundles between runs (start-up is the budget on the warm path), in
// rolehop's own cache folder: Node's default, /tmp/node-compile-cache, is shared, and code another
// user planted there would run as us. The folder rule is config/paths.ts rolehopCacheDir's (a test
// checks they agree); the trust rule is util/private-file.ts's, without following a link.
const fs = require('node:fs');
const path = require('node:path');

// This file runs no regular expression on a warm call: V8 compiles one when it first runs and again,
// to machine code, when it runs a second time (~0.06 ms each; src/util/ascii.ts says more).

// path.join without Node's normaliser where the result is normal as it is: a few hundred characters
// of it made V8 compile the normaliser with Maglev (config/paths.ts posixJoin says more; this is its
// copy, and a test checks they agree).
function isNormalPosix(joined) {
  return !(
    joined.includes('//') ||
    joined.endsWith('/') ||
    joined.includes('/./') ||
    joined.includes('/../') ||
    joined.endsWith('/.') ||
    joined.endsWith('/..') ||
    joined.startsWith('./') ||
    joined.startsWith('../') ||
    joined === '.' ||
    joined === '..'
  );
}
function joinPath(base, ...names) {
  const joined = base + '/' + names.join('/');
  return path.sep === '/' && base !== '' && isNormalPosix(joined) ? joined : path.join(base, ...names);
}

/**
 * <cache>/rolehop/compile-cache when it is ours and private (made when missing, once rolehop's cache
 * folder exists), else undefined.
 */
function compileCacheDir(env) {
  try {
    let home = env.HOME || env.USERPROFILE;
    if (!home)
      home = env.HOMEDRIVE && env.HOMEPATH ? env.HOMEDRIVE + env.HOMEPATH : require('node:os').homedir();
    const cacheDir = joinPath(env.XDG_CACHE_HOME || joinPath(home, '.cache'), 'rolehop');
    const dir = joinPath(cacheDir, 'compile-cache');
    let folder = fs.lstatSync(dir, { throwIfNoEntry: false });
    if (!folder) {
      // Only beside caches rolehop already keeps: a command that caches nothing leaves no folder.
      if (!fs.existsSync(cacheDir)) return undefined;
      try {
        fs.mkdirSync(dir, { mode: 0o700 });
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
      }
      folder = fs.lstatSync(dir);
    }
    const parent = fs.statSync(cacheDir);
    const uid = process.geteuid ? process.geteuid() : undefined; // no uids on Windows
    const ours = (st) => uid === undefined || st.uid === uid;
    // Only we may write in either folder: nobody else can put an entry, or a link, in them.
    if (!folder.isDirectory() || !ours(folder) || !ours(parent) || parent.mode & 0o022) return undefined;
    if (folder.mode & 0o077) fs.chmodSync(dir, 0o700);
    return dir;
  } catch (_unusable) {
    return undefined; // a read-only or foreign home: run uncached rather than fail
  }
}

const compileCache = compileCacheDir(process.env);

const dist = joinPath(path.dirname(__dirname), 'dist');
// The built-ins the bundles have required: each goes through Node's loader once. The bundles require
// node:fs and node:path at several places each, and every pass through the loader runs code V8 has
// not compiled yet in a short run (~0.1 ms each on a warm call).
const builtins = new Map([
  ['node:fs', fs],
  ['node:path', path],
]);
/** Bundles run this time: {script, cacheFile, stem, roads}, roads undefined when no usable cache was found. */
const loaded = [];
// The SDK packages a run initialised (the SDK chunk adds them as it first uses each,
// scripts/lazy-packages.mjs): the roads it took. A code cache holds the code of its run's roads, so a
// run that took a new one (a chain after SSO profiles only) saves the bundles' code again.
const ROADS = Symbol.for('rolehop.initialisedPackages');
// A cache file starts with a line naming the roads of the run that wrote it; then V8's data.
const CACHE_HEADER = 'rolehop-code-cache 1 ';

// Every bundle and code cache is read into one buffer, reused, with the module wrapper around the
// source, so V8 gets the wrapped source in one copy. On a cold call they are ~2 MB, and memory touched
// for the first time costs a page fault per 4 KB (15 us each on the benchmark's VM): readFileSync gave
// each file a fresh buffer and the wrapper's concatenation made a third copy of each source (measured:
// 535 fewer page faults, a cold call 7% faster). Pages of the buffer never written are never touched.
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';
const DATA_ALIGNMENT = 8; // V8's pointer alignment on 64-bit machines
let scratch = Buffer.allocUnsafeSlow(2 * 1024 * 1024);

/** Reads `file` into the buffer at `at`, growing it (and keeping what is before `at`) to leave `room` after; returns the end. */
function readInto(file, at, room) {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    if (at + size + room > scratch.length) {
      const bigger = Buffer.allocUnsafeSlow(at + size + room);
      scratch.copy(bigger, 0, 0, at);
      scratch = bigger;
    }
    let end = at;
    for (let got = 1; got > 0 && end < at + size; end += got) {
      got = fs.readSync(fd, scratch, end, at + size - end, null);
    }
    return end;
  } finally {
    fs.closeSync(fd);
  }
}

/** The hash a bundle ends with (`//# rolehop-build <hex>`), as /rolehop-build ([0-9a-f]+)\s*$/ finds it. */
function buildHash(tail) {
  const text = tail.trimEnd();
  const at = text.lastIndexOf('rolehop-build ');
  const hash = at < 0 ? '' : text.slice(at + 'rolehop-build '.length);
  for (let i = 0; i < hash.length; i++) if ('0123456789abcdef'.indexOf(hash[i]) < 0) return undefined;
  return hash || undefined;
}

/** The command code caches are kept for: argv[2] where it reads as one (/^[a-z][a-z-]{0,23}$/), else '-'. */
function commandOf(arg) {
  if (typeof arg !== 'string' || arg.length === 0 || arg.length > 24 || arg[0] === '-') return '-';
  for (let i = 0; i < arg.length; i++) if ('abcdefghijklmnopqrstuvwxyz-'.indexOf(arg[i]) < 0) return '-';
  return arg;
}
const cacheCommand = commandOf(process.argv[2]);

/** How a bundle's code cache files begin: one per bundle and command, as each command runs different functions of it. */
function cacheStem(name) {
  return name.slice(0, -'.cjs'.length) + '+' + cacheCommand + '+';
}

/**
 * Runs a bundle of dist/ (warm.cjs, cli.cjs and the chunks it requires) from V8's code cache of a
 * whole earlier run. Node's own compile cache keeps only what is compiled before a module runs (its
 * top level): every run then compiled each function it called again, ~14 M instructions on a warm
 * hit and ~200 M on a cold call. A cache file is named by the bundle, the command, the bundle's build
 * hash (V8 checks only the source's length) and V8's version, and written at exit when there was
 * none, V8 rejected it, or the run took a road the cache's run had not (ROADS).
 */
function loadBundle(name) {
  const file = joinPath(dist, name);
  if (require.cache[file]) return require.cache[file].exports;
  scratch.write(WRAPPER_HEAD, 0, 'latin1');
  let end = readInto(file, WRAPPER_HEAD.length, WRAPPER_TAIL.length);
  const build = buildHash(scratch.toString('latin1', Math.max(WRAPPER_HEAD.length, end - 64), end));
  end += scratch.write(WRAPPER_TAIL, end, 'latin1');
  // The bundles are ASCII (scripts/build.mjs checks), so latin1 reads them as UTF-8 would.
  const wrapped = scratch.toString('latin1', 0, end);
  const stem = cacheStem(name);
  const cacheFile =
    compileCache &&
    build &&
    joinPath(compileCache, stem + build + '+' + process.versions.v8 + '+' + process.arch + '.bin');
  let cachedData;
  let roads;
  try {
    // V8 reads it while it compiles and keeps no reference: the buffer is free again afterwards.
    const cacheEnd = cacheFile ? readInto(cacheFile, 0, DATA_ALIGNMENT) : 0;
    const lineEnd = scratch.subarray(0, Math.min(cacheEnd, 4096)).indexOf(10);
    if (lineEnd > 0 && scratch.toString('latin1', 0, CACHE_HEADER.length) === CACHE_HEADER) {
      roads = scratch.toString('latin1', CACHE_HEADER.length, lineEnd).split(',').filter(Boolean);
      // V8 copies code-cache data that does not start on an 8-byte boundary (AlignedCachedData)
      // into fresh memory, a page fault per 4 KB of it: a cold chained call, whose SDK code cache
      // is 0.6 MB, took ~180 more faults and ~6 ms. Moved within the buffer, it is read in place.
      const start = lineEnd + 1;
      const offset = (scratch.byteOffset + start) % DATA_ALIGNMENT;
      const at = offset === 0 ? start : start + DATA_ALIGNMENT - offset;
      if (at !== start) scratch.copyWithin(at, start, cacheEnd);
      cachedData = scratch.subarray(at, at + cacheEnd - start);
    }
  } catch (_missing) {}
  const vm = require('node:vm');
  const script = new vm.Script(wrapped, {
    filename: file,
    cachedData,
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  const Module = module.constructor; // as require('node:module'), which would load more of Node
  const bundle = new Module(file, module);
  bundle.filename = file;
  require.cache[file] = bundle;
  // The bundles' require("./sdk.cjs") and the like come here too, to run from the cache as well.
  // Built-ins come from this file's require; a require of the bundle's own is made only for anything
  // else (making one normalises its folder's path, which warms the normaliser: see joinPath).
  let own;
  const bundleRequire = (id) => {
    const known = builtins.get(id);
    if (known) return known;
    if (/^\.\/[\w-]+\.cjs$/.test(id)) return loadBundle(id.slice(2));
    if (Module.isBuiltin(id)) {
      const builtin = require(id);
      builtins.set(id, builtin);
      return builtin;
    }
    own = own || Module.createRequire(file);
    return own(id);
  };
  if (cacheFile) {
    if (loaded.length === 0) process.once('exit', saveCodeCaches);
    loaded.push({
      script,
      cacheFile,
      stem,
      roads: cachedData && !script.cachedDataRejected ? roads : undefined,
    });
  }
  script.runInThisContext().call(bundle.exports, bundle.exports, bundleRequire, bundle, file, dist);
  bundle.loaded = true;
  return bundle.exports;
}

/**
 * After a run that succeeded (a usage error runs too little to be worth keeping), writes V8's code
 * for each bundle run uncached, or whose cache lacks a road this run took, 0600 and whole (rename),
 * and drops older builds' files.
 */
function saveCodeCaches(code) {
  if (code !== 0) return;
  const taken = Array.from(globalThis[ROADS] || []);
  for (const { script, cacheFile, stem, roads } of loaded) {
    if (roads && taken.every((road) => roads.indexOf(road) >= 0)) continue;
    try {
      const union = (roads || []).concat(taken.filter((road) => (roads || []).indexOf(road) < 0));
      const temp = cacheFile + '.' + process.pid + '.tmp';
      const data = script.createCachedData();
      fs.writeFileSync(
        temp,
        Buffer.concat([Buffer.from(CACHE_HEADER + union.join(',') + '\n', 'latin1'), data]),
        {
          mode: 0o600,
          flag: 'wx',
        },
      );
      fs.renameSync(temp, cacheFile);
      for (const name of fs.readdirSync(compileCache)) {
        const other = joinPath(compileCache, name);
        if (name.startsWith(stem) && other !== cacheFile) fs.rmSync(other, { force: true });
      }
    } catch (_unwritable) {}
  }
}

/**
 * The warm entries' answer (false: the full CLI's to give). warm-hit.cjs answers a hit whose
 * resolution the warm memo holds; anything else it leaves to warm.cjs, which resolves (and keeps the
 * memo). A bundle's code is saved only after it answered a hit, when all of it has run ('fetching':
 * a miss, which dist/warm-miss.cjs fetches).
 */
function serveWarm(argv) {
  let served = serveBy('warm-hit.cjs', (bundle) => bundle.serveFromMemo(argv));
  if (!served) {
    served = serveBy('warm.cjs', (bundle) => bundle.serveWarm(argv));
  }
  // An answer written in full ends the process here ('exit' handlers, the code caches', still run):
  // the teardown of a natural exit (Node's environment, V8's heap) cost ~2.5 ms, a quarter of a hit.
  if (served === 'answered') process.exit();
  return served;
}

function serveBy(name, serve) {
  const served = serve(loadBundle(name));
  if (!served || served === 'fetching') {
    const stem = cacheStem(name);
    const at = loaded.findIndex((entry) => entry.stem === stem);
    if (at >= 0) loaded.splice(at, 1);
  }
  return served;
}

if (require.main !== module) {
  // Required rather than run: the loader alone, to load a bundle as rolehop does (bench/sdk-floor.cjs),
  // and the helpers tests check.
  module.exports = { loadBundle, joinPath, buildHash, commandOf };
} else if (
  // populate parses and rewrites files of thousands of profiles; with V8's default young generation
  // its peak RSS passes 200 MB, with a 2 MB one it stays near 140 MB at the same speed (measured with
  // 2,000 accounts x 3 roles). The flag only works at start-up, so that one command runs in a child.
  process.argv[2] === 'populate' &&
  !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))
) {
  const { spawn } = require('node:child_process');
  // Handlers first: a signal arriving during the spawn is held, then passed on. Ctrl-C reaches the
  // child from the terminal already; a second SIGINT would cut its clean-up short.
  let child;
  const early = [];
  const pass = (signal) => () => (child ? child.kill(signal) : early.push(signal));
  const forward = { SIGINT: () => {}, SIGTERM: pass('SIGTERM'), SIGHUP: pass('SIGHUP') };
  for (const [signal, handler] of Object.entries(forward)) process.on(signal, handler);
  child = spawn(process.execPath, ['--max-semi-space-size=2', __filename, ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  for (const signal of early) child.kill(signal);
  child.on('exit', (code, signal) => {
    if (!signal) process.exit(code === null ? 1 : code);
    for (const [name, handler] of Object.entries(forward)) process.off(name, handler);
    process.kill(process.pid, signal);
  });
} else if (
  !(['credential-process', 'env', 'exec'].includes(process.argv[2]) && serveWarm(process.argv.slice(2)))
) {
  // A cache hit is answered by the small warm entry alone, a miss by it and warm-miss.cjs; anything
  // else runs the whole CLI.
  loadBundle('cli.cjs');
}
