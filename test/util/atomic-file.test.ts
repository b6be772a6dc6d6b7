import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/util/atomic-file.ts';
import { tempHome } from '../harness/temp-home.ts';

test('new files are 0600 in new 0700 folders, and no temp file is left behind', (t) => {
  const { home } = tempHome(t);
  const file = path.join(home, 'a', 'b', 'secret.json');
  writeFileAtomic(file, '{}');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['secret.json']);
});

test('an existing file keeps its mode; forceMode narrows it', (t) => {
  const { home } = tempHome(t);
  const file = path.join(home, 'config');
  fs.writeFileSync(file, 'old', { mode: 0o644 });
  fs.chmodSync(file, 0o644);
  writeFileAtomic(file, 'new');
  assert.equal(fs.readFileSync(file, 'utf8'), 'new');
  assert.equal(fs.statSync(file).mode & 0o777, 0o644);
  writeFileAtomic(file, 'newer', { mode: 0o600, forceMode: true });
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
});

test('a symlinked file is written through, the link stays a link', (t) => {
  const { home } = tempHome(t);
  const target = path.join(home, 'dotfiles-config');
  const link = path.join(home, 'config');
  fs.writeFileSync(target, 'old');
  fs.symlinkSync(target, link);
  writeFileAtomic(link, 'new');
  assert.ok(fs.lstatSync(link).isSymbolicLink());
  assert.equal(fs.readFileSync(target, 'utf8'), 'new');
});
