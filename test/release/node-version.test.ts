import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import * as esbuild from 'esbuild';
import { repoRoot, rolehopBin, runProcess } from '../harness/cli.ts';
import { skipOrFail } from '../harness/requires.ts';
import { tempHome } from '../harness/temp-home.ts';

// bin/rolehop.cjs refuses a Node older than package.json's "engines" in one line, before it loads
// anything — so the file itself must parse on old Node.

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const binText = fs.readFileSync(rolehopBin, 'utf8');
const minimumMajor = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);

test('the launcher and package.json name the same minimum Node', () => {
  const inBin = /const minimumNodeMajor = (\d+);/.exec(binText)?.[1];
  assert.ok(minimumMajor > 0, `engines.node is ">=N": ${pkg.engines.node}`);
  assert.equal(Number(inBin), minimumMajor, 'bin/rolehop.cjs minimumNodeMajor');
});

test('the launcher uses no syntax that Node 8 cannot parse', () => {
  // esbuild rewrites whatever syntax its target lacks: nothing may change when targeting Node 8.
  const asIs = esbuild.transformSync(binText, { format: 'cjs', target: 'esnext' }).code;
  const forNode8 = esbuild.transformSync(binText, { format: 'cjs', target: 'node8' }).code;
  assert.equal(forNode8, asIs);
});

/** A Node binary older than the minimum on this machine: ROLEHOP_TEST_OLD_NODE, or any `node` on PATH or in /usr/bin. */
function findOldNode(): { bin: string; version: string } | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/local/bin'];
  const candidates = [process.env.ROLEHOP_TEST_OLD_NODE, ...dirs.map((d) => path.join(d, 'node'))];
  for (const bin of new Set(candidates)) {
    if (!bin || !fs.existsSync(bin)) continue;
    try {
      const version = execFileSync(bin, ['-p', 'process.version'], { encoding: 'utf8' }).trim();
      if (Number(version.slice(1).split('.')[0]) < minimumMajor) return { bin, version };
    } catch {
      // not runnable here: try the next one
    }
  }
  return undefined;
}

test('on an older Node, every command prints one line naming both versions and exits 1', async (t) => {
  const old = findOldNode();
  if (!old) {
    skipOrFail(
      t,
      `no Node.js older than ${minimumMajor} found (PATH, /usr/bin); set ROLEHOP_TEST_OLD_NODE=/path/to/node`,
    );
    return;
  }
  const { env, home } = tempHome(t);
  // Records every module file the launcher loaded, to show it stopped before the bundle.
  const probe = path.join(home, 'probe.cjs');
  const loadedFile = path.join(home, 'loaded.json');
  fs.writeFileSync(
    probe,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));`,
  );
  for (const args of [['--version'], ['env', '--account', '111111111111', '--role', 'Admin'], ['populate']]) {
    const r = await runProcess(old.bin, ['-r', probe, rolehopBin, ...args], { env });
    assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr.split('\n').length,
      2,
      `one line, then the end: ${JSON.stringify(r.stderr)} (${args.join(' ')})`,
    );
    assert.match(
      r.stderr,
      new RegExp(
        `^rolehop: Node\\.js ${minimumMajor} or newer is required; this is ${old.version.replaceAll('.', '\\.')} \\(`,
      ),
    );
    const loaded = JSON.parse(fs.readFileSync(loadedFile, 'utf8')) as string[];
    assert.deepEqual(loaded.sort(), [probe, rolehopBin].sort(), 'nothing but the launcher was loaded');
  }
});
