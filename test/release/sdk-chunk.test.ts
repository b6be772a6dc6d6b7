import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot, rolehopBin, runProcess } from '../harness/cli.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { tempHome } from '../harness/temp-home.ts';

// dist/sdk.cjs defers the built-ins the SDK requires at load but rolehop's calls never use
// (scripts/deferred-builtins.mjs): the cold path's budget (issue 14) is mostly loading.

const DEFERRED = ['http2', 'zlib', 'child_process', 'fs/promises'];

test('a cold credential-process loads neither http2, zlib, child_process nor fs/promises, and the SDK reads no file itself', async (t) => {
  const w = await signedInWorld(t);
  const loadedFile = path.join(w.env.HOME!, 'loaded.json');
  const probe = path.join(w.env.HOME!, 'probe.cjs');
  // rolehop reads the config synchronously; the SDK reads the shared files (for settings
  // config/endpoints.ts clientSettings passes it) only through fs/promises' readFile: with
  // fs/promises deferred, that module not loaded means the SDK read no file itself.
  fs.writeFileSync(
    probe,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(process.moduleLoadList)));`,
  );
  const args = ['credential-process', '--account', '111111111111', '--role', 'AdministratorAccess'];
  // Every portal call through the SDK client: otherwise a cold SSO call loads no SDK at all.
  const env = { ...w.env, ROLEHOP_PORTAL_SDK: '1' };
  const cold = await runProcess(process.execPath, ['-r', probe, rolehopBin, ...args], { env });
  assert.equal(cold.code, 0, cold.stderr);
  assert.ok(JSON.parse(cold.stdout).AccessKeyId);
  const modules: string[] = JSON.parse(fs.readFileSync(loadedFile, 'utf8'));
  assert.ok(modules.includes('NativeModule https'), 'the SDK did load (the probe works)');
  for (const name of DEFERRED) assert.ok(!modules.includes(`NativeModule ${name}`), `${name} was loaded`);
});

test('a deferred built-in loads on first use and then answers as the real one', async (t) => {
  const { env } = tempHome(t);
  const dir = env.HOME!;
  // Written by one process (reading a built-in's exports loads it), tried in another.
  const generate = `import * as fs from 'node:fs';
import { deferredBuiltinSource } from ${JSON.stringify(path.join(repoRoot, 'scripts/deferred-builtins.mjs'))};
for (const id of ['node:zlib', 'node:http2', 'node:child_process', 'node:os']) {
  fs.writeFileSync(${JSON.stringify(dir)} + '/' + id.slice(5) + '.cjs', deferredBuiltinSource(id));
}`;
  const made = await runProcess(process.execPath, ['--input-type=module', '-e', generate], { env });
  assert.equal(made.code, 0, made.stderr);
  const check = `const isLoaded = (name) => process.moduleLoadList.includes('NativeModule ' + name);
const zlib = require('./zlib.cjs');
const { constants } = require('./http2.cjs'); // as the SDK does when it loads
const { exec } = require('./child_process.cjs');
const os = require('./os.cjs'); // as the CLI bundle and the warm entry do
const before = { zlib: isLoaded('zlib'), http2: isLoaded('http2'), cp: isLoaded('child_process'), os: isLoaded('os'), crc32: typeof zlib.crc32, exec: typeof exec };
const crc = zlib.crc32('rolehop');
const status = constants.HTTP2_HEADER_STATUS;
const user = os.userInfo().username;
const after = { zlib: isLoaded('zlib'), http2: isLoaded('http2'), os: isLoaded('os') };
const real = require('node:zlib');
const realOs = require('node:os');
const osSame = user === realOs.userInfo().username && os.homedir() === realOs.homedir() && os.constants.signals.SIGTERM === 15;
console.log(JSON.stringify({ before, after, same: crc === real.crc32('rolehop') && osSame, status, keys: Object.keys(zlib).join() === Object.keys(real).join() }));`;
  fs.writeFileSync(path.join(dir, 'check.cjs'), check);
  const r = await runProcess(process.execPath, [path.join(dir, 'check.cjs')], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), {
    before: { zlib: false, http2: false, cp: false, os: false, crc32: 'function', exec: 'function' },
    after: { zlib: true, http2: true, os: true },
    same: true,
    status: ':status',
    keys: true,
  });
});

test('loading the SDK chunk initialises no package: each loads when one of its names is first read', async (t) => {
  const { env } = tempHome(t);
  const check = `const loaded = () => process.moduleLoadList.filter((m) => m.startsWith('NativeModule ')).length;
const before = loaded();
const sdk = require(${JSON.stringify(path.join(repoRoot, 'dist', 'sdk.cjs'))});
const atLoad = loaded() - before;
const sso = sdk.SSOClient;
const names = Object.keys(sdk).sort();
const functions = names.every((name) => typeof sdk[name] === 'function');
console.log(JSON.stringify({ atLoad, ssoLoadedModules: loaded() - before > 0, name: sso.name, names, functions }));`;
  const r = await runProcess(process.execPath, ['-e', check], { env });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.atLoad, 0, 'requiring the chunk loaded built-ins: a package was initialised at load');
  assert.ok(out.ssoLoadedModules, 'reading SSOClient initialised the SSO client');
  assert.equal(out.name, 'SSOClient');
  assert.ok(out.functions, 'every name reads as the function its package exports');
  // The same names as the TypeScript entry (which the tests run), so the lazy chunk hides none.
  const source = await import('../../src/sdk/clients.ts');
  assert.deepEqual(out.names, Object.keys(source).sort());
});

/** What scripts/lazy-packages.mjs exports (a build script, without types of its own). */
interface LazyPackagesScript {
  lazyReExports(source: string, file: string): string;
  lazyPackageSource(pkg: string, names: string[]): string;
}

test('the lazy re-export rewrite: a getter per name, the package required once, odd names refused', async () => {
  const script = path.join(repoRoot, 'scripts', 'lazy-packages.mjs');
  const { lazyReExports, lazyPackageSource }: LazyPackagesScript = await import(pathToFileURL(script).href);
  const entry =
    "export {\n  A,\n  B,\n} from '@scope/pkg';\nexport { C } from './local.ts';\nexport function f() {}\n";
  assert.equal(
    lazyReExports(entry, 'entry.ts'),
    "export { A, B } from 'lazy-package:@scope/pkg#A,B';\nexport { C } from './local.ts';\nexport function f() {}\n",
  );
  assert.throws(
    () => lazyReExports("export { A as B } from 'pkg';\n", 'entry.ts'),
    /cannot re-export 'A as B'/,
  );
  assert.throws(
    () => lazyReExports("export { type T } from 'pkg';\n", 'entry.ts'),
    /cannot re-export 'type T'/,
  );
  let required = 0;
  const exports: Record<string, unknown> = {};
  const fakeRequire = (id: string) => {
    assert.equal(id, '@scope/pkg');
    required++;
    return { A: 'a', B: 'b' };
  };
  new Function('exports', 'require', lazyPackageSource('@scope/pkg', ['A', 'B']))(exports, fakeRequire);
  assert.deepEqual(Object.keys(exports), ['A', 'B']);
  assert.equal(required, 0);
  assert.equal(exports.A, 'a');
  assert.equal(exports.B, 'b');
  assert.equal(exports.A, 'a');
  assert.equal(required, 1);
  // The launcher's record of the run's roads (bin/rolehop.cjs saves code caches again on a new one).
  const roads = (globalThis as Record<symbol, Set<string> | undefined>)[
    Symbol.for('rolehop.initialisedPackages')
  ];
  assert.ok(roads?.has('@scope/pkg'));
  roads?.delete('@scope/pkg');
});
