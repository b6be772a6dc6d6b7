import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { FileAccessError } from '../../src/util/errors.ts';
import { ensurePrivateDir, readPrivateFile } from '../../src/util/private-file.ts';
import { writePrivateCache, writePrivateFile } from '../../src/util/private-file-write.ts';
import { othersCanReach } from '../harness/requires.ts';
import { tempHome } from '../harness/temp-home.ts';

// Issue 16 §3: what rolehop trusts in its own caches.

const isRoot = process.getuid?.() === 0;

test('a folder of ours that others can write to is narrowed on read; our entries in it are still used', (t) => {
  const { home } = tempHome(t);
  const dir = path.join(home, 'cache');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'entry.json'), '{}', { mode: 0o600 });
  fs.chmodSync(dir, 0o777);
  assert.equal(readPrivateFile(path.join(dir, 'entry.json'), home)?.toString(), '{}');
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
});

test('a FIFO, a socket-like non-file or a folder at an entry is absent, without blocking', (t) => {
  const { home } = tempHome(t);
  const dir = path.join(home, 'cache');
  fs.mkdirSync(dir, { mode: 0o700 });
  execFileSync('mkfifo', [path.join(dir, 'fifo.json')]);
  fs.mkdirSync(path.join(dir, 'folder.json'));
  assert.equal(readPrivateFile(path.join(dir, 'fifo.json'), home), undefined);
  assert.equal(readPrivateFile(path.join(dir, 'folder.json'), home), undefined);
});

test('a write into a folder of another user is refused before anything is written', (t) => {
  if (!isRoot) return t.skip('needs root to give a folder to another user');
  const { home } = tempHome(t);
  const dir = path.join(home, 'cache');
  fs.mkdirSync(dir, { mode: 0o777 });
  fs.chmodSync(dir, 0o777);
  fs.chownSync(dir, 65534, 65534);
  const refused = (e: Error) =>
    e instanceof FileAccessError &&
    e.message === `refusing to use ${dir}: it belongs to another user (uid 65534)`;
  assert.throws(() => writePrivateFile(path.join(dir, 'token.json'), '{}', home), refused);
  assert.throws(() => ensurePrivateDir(dir, home), refused);
  const warnings: string[] = [];
  writePrivateCache('the account list', path.join(dir, 'accounts.json'), '{}', home, (m) => warnings.push(m));
  assert.match(warnings.join('\n'), /^could not cache the account list: refusing to use /);
  assert.deepEqual(fs.readdirSync(dir), []);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o777);
});

test("root acting for a user (sudo -E, HOME theirs) trusts that user's entries and keeps them theirs", (t) => {
  if (!isRoot) return t.skip('needs root');
  const { home } = tempHome(t);
  const dir = path.join(home, 'cache');
  fs.mkdirSync(dir, { mode: 0o700 });
  const entry = path.join(dir, 'token.json');
  fs.writeFileSync(entry, 'old', { mode: 0o600 });
  execFileSync('chown', ['-R', '65534:65534', home]);
  assert.equal(readPrivateFile(entry, home)?.toString(), 'old');
  writePrivateFile(entry, 'new', home);
  assert.equal(fs.statSync(entry).uid, 65534);
  assert.equal(fs.readFileSync(entry, 'utf8'), 'new');
});

test('as an ordinary user, a folder owned by root is refused with a clear error, not EPERM from chmod', (t) => {
  if (!isRoot) return t.skip('needs root to run a check as another user (nobody)');
  if (!othersCanReach(process.execPath) || !othersCanReach(import.meta.filename))
    return t.skip(
      'the checkout or node sits in a folder other users cannot enter (0700); nobody cannot run it',
    );
  const { home } = tempHome(t);
  fs.chmodSync(home, 0o755);
  const dir = path.join(home, 'cache');
  fs.mkdirSync(dir, { mode: 0o777 });
  fs.chmodSync(dir, 0o777); // root's, widened: chmod by nobody would fail with EPERM
  const module = path.resolve(import.meta.dirname, '../../src/util/private-file.ts');
  const script = `
    const { ensurePrivateDir } = await import(${JSON.stringify(module)});
    try { ensurePrivateDir(${JSON.stringify(dir)}, '/nonexistent'); console.log('accepted'); }
    catch (e) { console.log(e.name + ': ' + e.message + ' | ' + e.hint); }`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    uid: 65534,
    gid: 65534,
    cwd: '/',
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.match(
    r.stdout,
    /^FileAccessError: refusing to use .*cache: it belongs to another user \(uid 0\) \| .*remove it/,
  );
});
