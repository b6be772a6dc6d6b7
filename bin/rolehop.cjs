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

// Cache V8 compilations of the bundles between runs (start-up is the budget on the warm path), in
// rolehop's own cache folder: Node's default, /tmp/node-compile-cache, is shared, and code another
// user planted there would run as us. The folder rule is config/paths.ts rolehopCacheDir's (a test
// checks they agree); the trust rule is util/private-file.ts's, without following a link.
const fs = require('node:fs');
const path = require('node:path');

/**
 * <cache>/rolehop/compile-cache when it is ours and private (made when missing, once rolehop's cache
 * folder exists), else undefined.
 */
function compileCacheDir(env) {
  try {
    let home = env.HOME || env.USERPROFILE;
    if (!home)
      home = env.HOMEDRIVE && env.HOMEPATH ? env.HOMEDRIVE + env.HOMEPATH : require('node:os').homedir();
    const cacheDir = path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'rolehop');
    const dir = path.join(cacheDir, 'compile-cache');
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

/** Node's compile cache for the bundles the full CLI loads; only when the warm entry did not answer. */
function enableCompileCache() {
  if (!compileCache) return;
  try {
    // Node makes a folder per version inside: 0700 like every folder rolehop makes, whatever the umask.
    const umask = process.umask(0o077);
    try {
      require('node:module').enableCompileCache(compileCache);
    } finally {
      process.umask(umask);
    }
  } catch (_unsupported) {}
}

/**
 * Runs dist/warm.cjs with V8's code for every function its last hit ran. Node's compile cache keeps
 * only what is compiled before a module runs (its top level): a hit then spent ~15 M instructions
 * compiling functions on every run. The file is named by the bundle's build hash (V8 checks only the
 * source's length) and V8's version; it is written at the exit of a hit that found none or one V8
 * rejected. Returns serveWarm's answer.
 */
function serveWarm(argv) {
  const file = path.join(__dirname, '..', 'dist', 'warm.cjs');
  const source = fs.readFileSync(file, 'utf8');
  const build = /rolehop-build ([0-9a-f]+)\s*$/.exec(source.slice(-64));
  const cacheFile =
    compileCache &&
    build &&
    path.join(compileCache, `warm-${build[1]}-${process.versions.v8}-${process.arch}.bin`);
  let cachedData;
  try {
    if (cacheFile) cachedData = fs.readFileSync(cacheFile);
  } catch (_missing) {}
  const Module = module.constructor; // as require('node:module'), which would load more of Node
  const vm = require('node:vm');
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    cachedData,
  });
  const warm = new Module(file, module);
  warm.filename = file;
  require.cache[file] = warm;
  script
    .runInThisContext()
    .call(warm.exports, warm.exports, Module.createRequire(file), warm, file, path.dirname(file));
  warm.loaded = true;
  const served = warm.exports.serveWarm(argv);
  // At exit, so exec's child handling is in it too.
  if (served && cacheFile && (!cachedData || script.cachedDataRejected)) {
    process.once('exit', () => saveCodeCache(script, cacheFile));
  }
  return served;
}

/** Writes V8's code for the warm entry, 0600 and whole (rename); drops other builds' and Nodes' files. */
function saveCodeCache(script, cacheFile) {
  try {
    const temp = `${cacheFile}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script.createCachedData(), { mode: 0o600, flag: 'wx' });
    fs.renameSync(temp, cacheFile);
    for (const name of fs.readdirSync(compileCache)) {
      const other = path.join(compileCache, name);
      if (name.startsWith('warm-') && other !== cacheFile) fs.rmSync(other, { force: true });
    }
  } catch (_unwritable) {}
}

// populate parses and rewrites files of thousands of profiles; with V8's default young generation
// its peak RSS passes 200 MB, with a 2 MB one it stays near 140 MB at the same speed (measured with
// 2,000 accounts x 3 roles). The flag only works at start-up, so that one command runs in a child.
if (process.argv[2] === 'populate' && !process.execArgv.some((a) => a.startsWith('--max-semi-space-size'))) {
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
  // A cache hit is answered by the small warm entry alone; anything else runs the whole CLI.
  enableCompileCache();
  require('../dist/cli.cjs');
}
