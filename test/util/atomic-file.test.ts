import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../src/util/atomic-file.ts';
import { FileAccessError } from '../../src/util/errors.ts';
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
  writeFileAtomic(link, 'new', { dotfile: true });
  assert.ok(fs.lstatSync(link).isSymbolicLink());
  assert.equal(fs.readFileSync(target, 'utf8'), 'new');
});

// Issue 16 §2: what replacing would damage is refused, and the file is left exactly as it was.

test('a device or a FIFO at the path, or a dotfile linked to one, is refused and never replaced', (t) => {
  const { home } = tempHome(t);
  const device = path.join(home, 'null-device');
  execFileSync('mknod', [device, 'c', '1', '3']); // a /dev/null of our own
  const fifo = path.join(home, 'fifo');
  execFileSync('mkfifo', [fifo]);
  const link = path.join(home, 'credentials');
  fs.symlinkSync(device, link);
  // A symlink is followed only for dotfiles (credentials → /dev/null); at a cache path it is replaced.
  for (const [file, what, modes] of [
    [device, /character device/, [{}, { dotfile: true }]],
    [fifo, /FIFO/, [{}, { dotfile: true }]],
    [link, /character device/, [{ dotfile: true }]],
  ] as const) {
    for (const options of modes) {
      assert.throws(
        () => writeFileAtomic(file, 'secret', options),
        (e: Error) =>
          e instanceof FileAccessError && what.test(e.message) && /not a regular file/.test(e.message),
      );
    }
  }
  assert.ok(fs.statSync(device).isCharacterDevice());
  assert.ok(fs.lstatSync(fifo).isFIFO());
  assert.ok(fs.lstatSync(link).isSymbolicLink());
  assert.deepEqual(fs.readdirSync(home).sort(), ['credentials', 'fifo', 'null-device']);
});

test('a dangling dotfile symlink is followed: its target is created, the link stays', (t) => {
  const { home } = tempHome(t);
  const target = path.join(home, 'dotfiles', 'aws', 'config');
  const link = path.join(home, 'config');
  fs.symlinkSync(path.relative(home, target), link);
  writeFileAtomic(link, 'new', { dotfile: true });
  assert.ok(fs.lstatSync(link).isSymbolicLink());
  assert.equal(fs.readFileSync(target, 'utf8'), 'new');
});

test('a hard-linked dotfile is refused, both names keep their bytes and their link', (t) => {
  const { home } = tempHome(t);
  const file = path.join(home, 'config');
  const twin = path.join(home, 'twin');
  fs.writeFileSync(file, 'old');
  fs.linkSync(file, twin);
  assert.throws(() => writeFileAtomic(file, 'new', { dotfile: true }), /other hard link.*would break/);
  assert.equal(fs.readFileSync(file, 'utf8'), 'old');
  assert.equal(fs.statSync(file).ino, fs.statSync(twin).ino);
});

test('a read-only dotfile is refused and left untouched', (t) => {
  const { home } = tempHome(t);
  const file = path.join(home, 'config');
  fs.writeFileSync(file, 'old');
  fs.chmodSync(file, 0o444);
  assert.throws(
    () => writeFileAtomic(file, 'new', { dotfile: true }),
    (e: Error) =>
      /read-only \(mode 444\)/.test(e.message) && /chmod u\+w/.test((e as FileAccessError).hint ?? ''),
  );
  assert.equal(fs.readFileSync(file, 'utf8'), 'old');
  assert.equal(fs.statSync(file).mode & 0o777, 0o444);
});

test("root rewriting another user's file keeps its owner and group", (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to own a file as another user');
  const { home } = tempHome(t);
  const file = path.join(home, 'config');
  fs.writeFileSync(file, 'old', { mode: 0o600 });
  fs.chownSync(file, 65534, 65534);
  writeFileAtomic(file, 'new', { dotfile: true });
  const st = fs.statSync(file);
  assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o600]);
  assert.equal(fs.readFileSync(file, 'utf8'), 'new');
});

test('a symlink planted at a cache path is replaced, its target never written', (t) => {
  const { home } = tempHome(t);
  const victim = path.join(home, 'bashrc');
  fs.writeFileSync(victim, 'echo hi\n');
  const cache = path.join(home, 'cache');
  fs.mkdirSync(cache, { mode: 0o700 });
  const entry = path.join(cache, 'creds.json');
  fs.symlinkSync(victim, entry);
  writeFileAtomic(entry, '{"secret":1}', { mode: 0o600, forceMode: true });
  assert.equal(fs.readFileSync(victim, 'utf8'), 'echo hi\n');
  assert.ok(fs.lstatSync(entry).isFile());
  assert.equal(fs.readFileSync(entry, 'utf8'), '{"secret":1}');
});
