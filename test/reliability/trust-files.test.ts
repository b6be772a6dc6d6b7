import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, type TestContext, test } from 'node:test';
import { rolehopBin, runCli, runInProcess } from '../harness/cli.ts';
import { othersCanReach } from '../harness/requires.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { CONFIGURE_LEGACY_KEYS, signedIn } from './harness.ts';

// Issue 16 §1–3: a full disk, files that are not plain files, and what rolehop refuses. Every
// refusal exits 1 with a message naming the file and the cause, and leaves the file as it was.

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

/** A 64 KiB tmpfs for one test, unmounted when it ends; skipped (or failed under ROLEHOP_TEST_REQUIRE_ALL=1) where mount is not permitted. */
function smallFileSystem(t: TestContext): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    fs.rmdirSync(dir);
    const reason = `cannot mount a small tmpfs here (needs root): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
    if (process.env.ROLEHOP_TEST_REQUIRE_ALL === '1') throw new Error(reason);
    t.skip(reason);
    return undefined;
  }
  t.after(() => {
    try {
      execFileSync('umount', [dir]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  return dir;
}

/** Fills the file system, then frees `free` bytes: room for a lock file or a short write, not for the whole file. */
function fillLeaving(dir: string, free: number): void {
  const fd = fs.openSync(path.join(dir, 'filler'), 'w');
  try {
    const page = Buffer.alloc(4096, 0x78);
    try {
      for (;;) fs.writeSync(fd, page);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
    }
    fs.ftruncateSync(fd, Math.max(0, fs.fstatSync(fd).size - free));
  } finally {
    fs.closeSync(fd);
  }
}

/** The env of a HOME on the given folder (the AWS files and caches all live there). */
function homeOn(dir: string, base: Record<string, string>): Record<string, string> {
  return {
    ...base,
    HOME: dir,
    AWS_CONFIG_FILE: path.join(dir, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, '.aws', 'credentials'),
  };
}

/** Temp files and locks left in a folder. */
function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.endsWith('.tmp') || n.includes('.lock'));
}

/** ~25 KB of profiles, as the report: a truncated rewrite would lose most of them. */
function bigIni(prefix: string, count = 300): string {
  return Array.from(
    { length: count },
    (_, i) => `[${prefix}p${i}]\nregion = us-east-1\noutput = json\n\n`,
  ).join('');
}

describe('a full disk never truncates a file (issue 16 §1)', { concurrency: false }, () => {
  test('config set: exit 1 naming the file and "no space left on device"; the config keeps its bytes', async (t) => {
    const dir = smallFileSystem(t);
    if (!dir) return;
    const env = homeOn(dir, tempHome(t).env);
    const original = `${bigIni('profile ')}[profile dev]\nregion = us-east-1\n`;
    writeFile(env.AWS_CONFIG_FILE!, original);
    fillLeaving(dir, 8192); // the lock file fits; the 25 KB rewrite meets a short write, then ENOSPC
    const r = await runInProcess(['config', 'set', '--profile', 'dev', 'region', 'eu-north-1'], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /^rolehop: cannot write .*\/\.aws\/config: no space left on device \(.* is unchanged\)$/m,
    );
    assert.match(r.stderr, /hint: free some space on the file system that holds .*\.aws/);
    assert.equal(fs.readFileSync(env.AWS_CONFIG_FILE!, 'utf8'), original);
    assert.deepEqual(leftovers(path.join(dir, '.aws')), []);
  });

  test('a secret set into the credentials file: exit 1, the credentials file keeps its bytes', async (t) => {
    const dir = smallFileSystem(t);
    if (!dir) return;
    const env = homeOn(dir, tempHome(t).env);
    const original = `${bigIni('')}[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = old\n`;
    writeFile(env.AWS_SHARED_CREDENTIALS_FILE!, original);
    fillLeaving(dir, 8192);
    const r = await runInProcess(['config', 'set', '--profile', 'ci', 'aws_secret_access_key', '-'], env, {
      input: SECRET,
    });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cannot write .*\/\.aws\/credentials: no space left on device/);
    assert.doesNotMatch(r.stderr, /bPxRfiCY/);
    assert.equal(fs.readFileSync(env.AWS_SHARED_CREDENTIALS_FILE!, 'utf8'), original);
    assert.deepEqual(leftovers(path.join(dir, '.aws')), []);
  });

  test('a refreshed SSO token that cannot be saved: exit 1 saying so, the old token file as it was', async (t) => {
    const dir = smallFileSystem(t);
    if (!dir) return;
    const w = await signedIn(t, { expiresIn: 300 }); // inside the refresh window
    fs.cpSync(w.home.home, dir, { recursive: true });
    const env = homeOn(dir, w.env);
    const tokenFile = path.join(dir, path.relative(w.home.home, w.tokenFile));
    const original = fs.readFileSync(tokenFile);
    fillLeaving(dir, 4096); // the token lock fits, the new token does not
    const r = await runInProcess(['ls'], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /the SSO token for .*dev.* was refreshed but could not be saved: cannot write .*\.json: no space left on device/,
    );
    assert.match(
      r.stderr,
      /hint: .*the file still holds the previous token; .*rolehop login --sso-session dev/,
    );
    assert.ok(fs.readFileSync(tokenFile).equals(original), 'the token file is byte for byte the old one');
    assert.deepEqual(leftovers(path.dirname(tokenFile)), []);
  });

  test('credentials that cannot be cached are still printed with a warning; the old cache entry keeps its bytes', async (t) => {
    const dir = smallFileSystem(t);
    if (!dir) return;
    const w = await signedIn(t);
    fs.cpSync(w.home.home, dir, { recursive: true });
    const env = homeOn(dir, w.env);
    const first = await runInProcess(['credential-process', 'prod'], env);
    assert.equal(first.code, 0, first.stderr);
    const cacheDir = path.join(dir, '.cache', 'rolehop');
    const [name] = fs.readdirSync(cacheDir);
    const cacheFile = path.join(cacheDir, name!);
    // Nearly expired: the next call fetches again and tries to replace it.
    const stale = JSON.parse(fs.readFileSync(cacheFile, 'utf8'));
    stale.expiration = new Date(Date.now() + 60_000).toISOString();
    fs.writeFileSync(cacheFile, JSON.stringify(stale, null, 2));
    const original = fs.readFileSync(cacheFile);
    fillLeaving(dir, 4096); // the cache lock fits, the entry does not
    const r = await runInProcess(['credential-process', 'prod'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(JSON.parse(r.stdout).AccessKeyId, /^ASIA/);
    assert.match(
      r.stderr,
      /warning: could not cache credentials: cannot write .*creds-[0-9a-f]+\.json: no space left on device/,
    );
    assert.ok(fs.readFileSync(cacheFile).equals(original));
    assert.deepEqual(leftovers(cacheDir), []);
  });
  test('an account list that cannot be cached: ls still lists, with a warning naming the file and cause', async (t) => {
    const dir = smallFileSystem(t);
    if (!dir) return;
    const w = await signedIn(t);
    fs.cpSync(w.home.home, dir, { recursive: true });
    const env = homeOn(dir, w.env);
    fillLeaving(dir, 0);
    const r = await runInProcess(['ls'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /111111111111/);
    assert.match(
      r.stderr,
      /warning: could not cache the account list: cannot (write|create the folder) .*: no space left on device/,
    );
  });
});

describe('files that are not plain files (issue 16 §2)', { concurrency: true }, () => {
  test('credentials linked to a device: the secret is refused, the device stays a device', async (t) => {
    const home = tempHome(t);
    fs.mkdirSync(home.awsDir, { recursive: true });
    const device = path.join(home.home, 'null');
    execFileSync('mknod', [device, 'c', '1', '3']);
    fs.symlinkSync(device, home.credentialsFile);
    const r = await runInProcess(
      ['config', 'set', '--profile', 'ci', 'aws_secret_access_key', '-'],
      home.env,
      { input: SECRET },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /refusing to write .*credentials \(→ .*null\): it is a character device, not a regular file/,
    );
    assert.ok(fs.statSync(device).isCharacterDevice());
    assert.ok(fs.lstatSync(home.credentialsFile).isSymbolicLink());
    assert.deepEqual(leftovers(home.home), []);
  });

  test('configure --style credentials into credentials linked to a device: refused, nothing written', async (t) => {
    const w = await signedIn(t);
    const device = path.join(w.home.home, 'null');
    execFileSync('mknod', [device, 'c', '1', '3']);
    fs.symlinkSync(device, w.home.credentialsFile);
    const config = fs.readFileSync(w.home.configFile, 'utf8');
    const r = await runInProcess(CONFIGURE_LEGACY_KEYS, w.env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /refusing to write .*credentials \(→ .*null\): it is a character device/);
    assert.ok(fs.statSync(device).isCharacterDevice());
    assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), config, 'the config file is unchanged too');
  });

  test('a FIFO at ~/.aws/config reads as absent: env does not hang, config set refuses it', async (t) => {
    const home = tempHome(t);
    fs.mkdirSync(home.awsDir, { recursive: true });
    execFileSync('mkfifo', [home.configFile]);
    writeFile(
      home.credentialsFile,
      `[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = ${SECRET}\n`,
    );
    const env = await runCli(['env', 'ci'], { env: home.env, timeoutMs: 20_000 });
    assert.equal(env.signal, null, 'env finished on its own');
    assert.equal(env.code, 0, env.stderr);
    assert.match(env.stdout, /AKIAIOSFODNN7EXAMPLE/);
    const set = await runCli(['config', 'set', '--profile', 'dev', 'region', 'eu-north-1'], {
      env: home.env,
      timeoutMs: 20_000,
    });
    assert.equal(set.signal, null, 'config set finished on its own');
    assert.equal(set.code, 1, set.stderr);
    assert.match(set.stderr, /refusing to write .*config: it is a FIFO \(named pipe\), not a regular file/);
    assert.ok(fs.lstatSync(home.configFile).isFIFO());
    assert.deepEqual(leftovers(home.awsDir), []);
  });

  test('a dangling symlinked config (chezmoi, stow) gets its target created; the link stays', async (t) => {
    const home = tempHome(t);
    fs.mkdirSync(home.awsDir, { recursive: true });
    const target = path.join(home.home, 'dotfiles', 'aws', 'config');
    fs.symlinkSync('../dotfiles/aws/config', home.configFile);
    const r = await runInProcess(['config', 'set', '--profile', 'dev', 'region', 'eu-north-1'], home.env);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(fs.lstatSync(home.configFile).isSymbolicLink());
    assert.match(fs.readFileSync(target, 'utf8'), /\[profile dev\]\nregion = eu-north-1/);
  });

  test('a hard-linked config is refused and keeps its link; a read-only one is refused untouched', async (t) => {
    const home = tempHome(t);
    const original = '[profile dev]\nregion = us-east-1\n';
    writeFile(home.configFile, original);
    const twin = path.join(home.home, 'config-twin');
    fs.linkSync(home.configFile, twin);
    const linked = await runInProcess(
      ['config', 'set', '--profile', 'dev', 'region', 'eu-north-1'],
      home.env,
    );
    assert.equal(linked.code, 1, linked.stderr);
    assert.match(linked.stderr, /refusing to edit .*config: it has 1 other hard link\(s\)/);
    assert.match(linked.stderr, /hint: .*ln -sf/);
    assert.equal(fs.statSync(twin).ino, fs.statSync(home.configFile).ino);
    assert.equal(fs.readFileSync(home.configFile, 'utf8'), original);
    fs.rmSync(twin);
    fs.chmodSync(home.configFile, 0o444);
    const readOnly = await runInProcess(
      ['config', 'set', '--profile', 'dev', 'region', 'eu-north-1'],
      home.env,
    );
    assert.equal(readOnly.code, 1, readOnly.stderr);
    assert.match(readOnly.stderr, /refusing to edit .*config: it is read-only \(mode 444\)/);
    assert.match(readOnly.stderr, /hint: .*chmod u\+w/);
    assert.equal(fs.readFileSync(home.configFile, 'utf8'), original);
    assert.equal(fs.statSync(home.configFile).mode & 0o777, 0o444);
  });

  test("root editing a user's config keeps its owner, group and mode", async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to edit another user’s file');
    const home = tempHome(t);
    writeFile(home.configFile, '[profile dev]\nregion = us-east-1\n');
    fs.chownSync(home.configFile, 65534, 65534);
    const r = await runInProcess(['config', 'set', '--profile', 'dev', 'region', 'eu-north-1'], home.env);
    assert.equal(r.code, 0, r.stderr);
    const st = fs.statSync(home.configFile);
    assert.deepEqual([st.uid, st.gid, st.mode & 0o777], [65534, 65534, 0o600]);
  });
});

describe('clear errors where the system says no (issue 16 §3)', () => {
  test('a lock in a read-only ~/.aws is "permission denied" naming the lock, not "unexpected error"', async (t) => {
    if (process.getuid?.() !== 0) return t.skip('needs root to run rolehop as another user (nobody)');
    if (!othersCanReach(process.execPath) || !othersCanReach(import.meta.filename))
      return t.skip(
        'the checkout or node sits in a folder other users cannot enter (0700); nobody cannot run it',
      );
    const home = tempHome(t);
    const original = '[profile dev]\nregion = us-east-1\n';
    writeFile(home.configFile, original);
    execFileSync('chown', ['-R', '65534:65534', home.home]);
    fs.chmodSync(home.awsDir, 0o500);
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [rolehopBin, 'config', 'set', '--profile', 'dev', 'region', 'x'],
        {
          env: home.env,
          uid: 65534,
          gid: 65534,
          cwd: '/',
          stdio: ['ignore', 'ignore', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });
    assert.equal(r.code, 1, r.stderr);
    assert.doesNotMatch(r.stderr, /unexpected error/);
    assert.match(r.stderr, /cannot create the lock .*config\.lock: permission denied/);
    assert.match(r.stderr, /hint: check the owner and mode/);
    assert.equal(fs.readFileSync(home.configFile, 'utf8'), original);
  });
});
