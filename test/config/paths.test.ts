import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { joinPath, posixJoin } from '../../src/config/paths.ts';
import { rolehopBin } from '../harness/cli.ts';

// posixJoin skips Node's normaliser where the joined text is normal already; it must still be
// path.posix.join exactly, and bin/rolehop.cjs's copy (joinPath there) must agree with it.
const launcher: { joinPath: (base: string, ...names: string[]) => string } = createRequire(import.meta.url)(
  rolehopBin,
);

const pieces = [
  '',
  '/',
  '//',
  '.',
  '..',
  'a',
  '.aws',
  'b.c',
  '..d',
  'e..',
  'x/',
  '/y',
  './z',
  'p/../q',
  '~',
  ' ',
];

test('posixJoin, and the launcher copy, are path.posix.join for any base and names', () => {
  let seed = 20261202;
  const pick = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return pieces[(seed >>> 16) % pieces.length]!; // the high bits: an LCG's low bits repeat soon
  };
  for (let i = 0; i < 20_000; i++) {
    const base = Array.from({ length: 1 + (i % 4) }, pick).join('');
    const names = Array.from({ length: 1 + (i % 3) }, pick);
    const want = path.posix.join(base, ...names);
    assert.equal(posixJoin(base, ...names), want, JSON.stringify([base, ...names]));
    if (path.sep === '/')
      assert.equal(launcher.joinPath(base, ...names), want, JSON.stringify([base, ...names]));
  }
  assert.equal(joinPath('/home/u', '.cache', 'rolehop'), path.join('/home/u', '.cache', 'rolehop'));
});
