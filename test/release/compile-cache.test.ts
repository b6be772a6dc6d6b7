import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rolehopCacheDir } from '../../src/config/paths.ts';
import { runCli } from '../harness/cli.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { forgetCachedCredentials, tempHome } from '../harness/temp-home.ts';

// bin/rolehop.cjs keeps V8's compiled code in rolehop's own cache folder, never in the shared
// /tmp/node-compile-cache, where another local user could plant code that would run as us.

/** Every path under dir, relative, with its mode (links are listed, not followed). */
function tree(dir: string): Record<string, number> {
  const out: Record<string, number> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      out[path.relative(dir, full)] = fs.lstatSync(full).mode & 0o777;
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(dir);
  return out;
}

test('the compile cache sits in rolehop cache folder (HOME or XDG_CACHE_HOME), 0700 all the way down', async (t) => {
  const home = tempHome(t);
  // A command that caches nothing leaves no folder behind: the compile cache waits for rolehop's.
  const first = await runCli(['--version'], { env: home.env });
  assert.equal(first.code, 0, first.stderr);
  assert.ok(!fs.existsSync(path.join(home.home, '.cache')), 'no cache folder made by --version');
  for (const env of [home.env, { ...home.env, XDG_CACHE_HOME: path.join(home.home, 'xdg') }]) {
    fs.mkdirSync(rolehopCacheDir(env), { recursive: true, mode: 0o700 });
    const r = await runCli(['--version'], { env });
    assert.equal(r.code, 0, r.stderr);
    const dir = path.join(rolehopCacheDir(env), 'compile-cache');
    const entries = Object.entries(tree(dir));
    assert.ok(entries.length > 0, `Node's code cache was written in ${dir}`);
    for (const [name, mode] of entries) {
      const isDir = fs.statSync(path.join(dir, name)).isDirectory();
      assert.equal(mode, isDir ? 0o700 : 0o600, `${name} is ${mode.toString(8)}`);
    }
    assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  }
});

test('a link planted at the compile cache is not followed, and the command still runs', async (t) => {
  const home = tempHome(t);
  const elsewhere = path.join(home.home, 'elsewhere');
  fs.mkdirSync(elsewhere, { mode: 0o700 });
  fs.mkdirSync(rolehopCacheDir(home.env), { recursive: true, mode: 0o700 });
  fs.symlinkSync(elsewhere, path.join(rolehopCacheDir(home.env), 'compile-cache'));
  const r = await runCli(['--version'], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(fs.readdirSync(elsewhere), [], 'nothing was written through the link');
});

test("a compile cache folder of another user's is not used, and the command still runs", async (t) => {
  if (process.geteuid?.() !== 0) {
    t.skip('needs root, to give the folder to another user');
    return;
  }
  const home = tempHome(t);
  const dir = path.join(rolehopCacheDir(home.env), 'compile-cache');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chownSync(dir, 65534, 65534);
  const r = await runCli(['--version'], { env: home.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(fs.readdirSync(dir), [], 'nothing was written in it');
});

test('a damaged code cache file is rejected by V8 and written again; the command runs as before', async (t) => {
  const home = tempHome(t);
  const dir = path.join(rolehopCacheDir(home.env), 'compile-cache');
  fs.mkdirSync(rolehopCacheDir(home.env), { recursive: true, mode: 0o700 });
  const first = await runCli(['--version'], { env: home.env });
  assert.equal(first.code, 0, first.stderr);
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.bin'));
  assert.ok(files.length > 0, 'a code cache file was written');
  for (const f of files) fs.writeFileSync(path.join(dir, f), Buffer.alloc(5000, 0xa5));
  const again = await runCli(['--version'], { env: home.env });
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, first.stdout);
  for (const f of files) assert.notEqual(fs.statSync(path.join(dir, f)).size, 5000, `${f} was written again`);
});

test('a run that takes a road the code cache lacks (a chain after SSO profiles) saves it again, once', async (t) => {
  const w = await signedInWorld(t);
  fs.appendFileSync(
    w.home.configFile,
    '\n[profile admin]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n' +
      '\n[profile chain]\nrole_arn = arn:aws:iam::222222222222:role/ReadOnlyAccess\nsource_profile = admin\n',
  );
  // The compile cache is made beside a rolehop cache folder that exists when a run starts.
  fs.mkdirSync(rolehopCacheDir(w.env), { recursive: true, mode: 0o700 });
  const dir = path.join(rolehopCacheDir(w.env), 'compile-cache');
  /** The first line of each code cache of a cold credential-process (served by warm-miss.cjs), by bundle, with its file's identity. */
  const caches = () =>
    Object.fromEntries(
      fs
        .readdirSync(dir)
        .filter((name) => /^(warm-miss|sdk)\+credential-process\+/.test(name))
        .map((name) => {
          const bytes = fs.readFileSync(path.join(dir, name));
          const st = fs.statSync(path.join(dir, name));
          return [name.split('+')[0], `${bytes.subarray(0, bytes.indexOf(10)).toString()} @${st.ino}`];
        }),
    );
  const cold = async (profile: string) => {
    forgetCachedCredentials(w.env);
    // Every portal call through the SDK: a cold SSO call's first attempt is otherwise made without it.
    const r = await runCli(['credential-process', profile], { env: { ...w.env, ROLEHOP_PORTAL_SDK: '1' } });
    assert.equal(r.code, 0, r.stderr);
    return caches();
  };
  const sso = await cold('admin');
  assert.match(sso.sdk!, /^rolehop-code-cache 1 @aws-sdk\/client-sso @/);
  assert.deepEqual(await cold('admin'), sso, 'the same road: nothing written');
  const chain = await cold('chain');
  for (const bundle of ['warm-miss', 'sdk']) {
    assert.match(chain[bundle]!, /^rolehop-code-cache 1 @aws-sdk\/client-sso,@aws-sdk\/client-sts @/);
    assert.notEqual(chain[bundle], sso[bundle], `${bundle}'s cache was saved again`);
  }
  assert.deepEqual(await cold('chain'), chain, 'the chain again: nothing written');
  assert.deepEqual(await cold('admin'), chain, 'SSO after the chain: its cache already holds the road');
});
