import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rolehopCacheDir } from '../../src/config/paths.ts';
import { repoRoot, rolehopBin, runCli, runProcess } from '../harness/cli.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { forgetCachedCredentials } from '../harness/temp-home.ts';

// The warm path's budget is Node's own start-up (design.md); these guard what it may load.

/** Runs the CLI with a preload that records, at exit, the files it required; returns both. */
async function runRecordingLoads(args: string[], env: Record<string, string>) {
  const probe = path.join(env.HOME!, 'probe.cjs');
  const loadedFile = path.join(env.HOME!, 'loaded.json');
  fs.writeFileSync(
    probe,
    `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(loadedFile)}, JSON.stringify(Object.keys(require.cache))));`,
  );
  const result = await runProcess(process.execPath, ['-r', probe, rolehopBin, ...args], { env });
  const files: string[] = result.code === 0 ? JSON.parse(fs.readFileSync(loadedFile, 'utf8')) : [];
  return { ...result, files };
}

/** The bundles of dist/ among the files a run required, by name, sorted. */
const bundlesOf = (files: string[]) =>
  files
    .filter((f) => f.endsWith('.cjs') && f.includes('/dist/'))
    .map((f) => path.basename(f))
    .sort();

test('a warm credential-process loads no SDK and none of the stream, net, tty, os or child_process modules', async (t) => {
  const w = await signedInWorld(t);
  // node:os only serves a home folder or user name the environment lacks, as a login shell sets both.
  const env = { ...w.env, USER: w.env.USER || 'rolehop-user' };
  const args = ['credential-process', '--account', '111111111111', '--role', 'AdministratorAccess'];
  const cold = await runCli(args, { env });
  assert.equal(cold.code, 0, cold.stderr);
  // The first hit resolves and keeps the warm memo; the next is answered from it.
  assert.equal((await runCli(args, { env })).code, 0);
  const probe = path.join(w.env.HOME!, 'probe.cjs');
  fs.writeFileSync(
    probe,
    `const before = new Set(process.moduleLoadList);
process.on('exit', () => {
  const loaded = process.moduleLoadList.filter((m) => !before.has(m)).map((m) => m.replace(/^NativeModule /, ''));
  const files = Object.keys(require.cache);
  require('node:fs').writeFileSync(${JSON.stringify(path.join(w.env.HOME!, 'loaded.json'))}, JSON.stringify({ loaded, files }));
});`,
  );
  const warm = await runProcess(process.execPath, ['-r', probe, rolehopBin, ...args], { env });
  assert.equal(warm.code, 0, warm.stderr);
  assert.equal(JSON.parse(warm.stdout).AccessKeyId, JSON.parse(cold.stdout).AccessKeyId);
  const { loaded, files } = JSON.parse(fs.readFileSync(path.join(w.env.HOME!, 'loaded.json'), 'utf8'));
  for (const heavy of ['net', 'stream', 'tty', 'child_process', 'http', 'crypto', 'os']) {
    assert.ok(!loaded.includes(heavy), `${heavy} was loaded: ${loaded.join(' ')}`);
  }
  assert.ok(!files.some((f: string) => f.endsWith('sdk.cjs')), 'the AWS SDK bundle was loaded');
  // The hit is the first warm entry's alone, from the memo the cold call kept: neither the resolving
  // entry nor the CLI bundle is even compiled.
  assert.deepEqual(bundlesOf(files), ['warm-hit.cjs'], 'the memo answered the hit');
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials, 1, 'the warm call made no portal call');
});

test("a warm hit runs no path of its own through Node's normaliser, which V8 would compile with Maglev", async (t) => {
  const w = await signedInWorld(t);
  // The files where they are by default, so the warm entry works out their paths itself.
  const { AWS_CONFIG_FILE: _config, AWS_SHARED_CREDENTIALS_FILE: _credentials, ...rest } = w.env;
  const env = { ...rest, USER: w.env.USER || 'rolehop-user' };
  const probe = path.join(w.env.HOME!, 'normalised.cjs');
  const record = path.join(w.env.HOME!, 'normalised.json');
  // Every join, resolve and normalize called with a frame of bin/ or dist/ on the stack (Node's own
  // loading of the main module has none).
  fs.writeFileSync(
    probe,
    `const path = require('node:path');
const ours = [];
for (const name of ['join', 'resolve', 'normalize', 'relative']) {
  const real = path[name];
  path[name] = function (...args) {
    const stack = new Error().stack;
    if (/[\\/](bin|dist)[\\/][\\w.-]+\\.cjs:/.test(stack)) ours.push(name + ' ' + JSON.stringify(args));
    return real.apply(this, args);
  };
}
process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(record)}, JSON.stringify(ours)));`,
  );
  for (const args of [
    ['credential-process', '--account', '111111111111', '--role', 'AdministratorAccess'],
    ['env', '--account', '111111111111', '--role', 'AdministratorAccess', '--format', 'bash'],
    ['exec', '--account', '111111111111', '--role', 'AdministratorAccess', '--', 'true'],
  ]) {
    const first = await runCli(args, { env });
    assert.equal(first.code, 0, first.stderr);
    // The first hit resolves and keeps the warm memo (its write joins a temporary name); the rest are answered from it.
    assert.equal((await runCli(args, { env })).code, 0);
    const warm = await runProcess(process.execPath, ['-r', probe, rolehopBin, ...args], { env });
    assert.equal(warm.code, 0, warm.stderr);
    assert.deepEqual(JSON.parse(fs.readFileSync(record, 'utf8')), [], args[0]);
  }
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials, 1, 'the later calls were warm');
});

test('a warm env is answered by the warm entry alone, with the same text the full CLI prints', async (t) => {
  const w = await signedInWorld(t);
  const args = ['env', '--account', '111111111111', '--role', 'AdministratorAccess', '--format', 'bash'];
  const cold = await runCli(args, { env: w.env });
  assert.equal(cold.code, 0, cold.stderr);
  const warm = await runRecordingLoads(args, w.env);
  assert.equal(warm.code, 0, warm.stderr);
  const { files } = warm;
  assert.ok(!files.some((f) => f.endsWith('cli.cjs')), `the CLI bundle was loaded: ${files.join(' ')}`);
  // --debug is not the warm entry's: the full CLI answers, and must print the same exports.
  const full = await runCli([...args, '--debug'], { env: w.env });
  assert.equal(full.code, 0, full.stderr);
  assert.equal(warm.stdout, full.stdout);
  assert.equal(warm.stdout, cold.stdout);
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials, 1, 'the warm calls made no portal call');
});

test('a warm exec is answered by the warm entry alone: the child gets what the full CLI gives it, and its exit code is ours', async (t) => {
  const w = await signedInWorld(t);
  const sel = ['--account', '111111111111', '--role', 'AdministratorAccess'];
  const cold = await runCli(['exec', ...sel, '--', 'true'], { env: w.env });
  assert.equal(cold.code, 0, cold.stderr);
  // The parent's own AWS_PROFILE must not reach the child, as with the full CLI.
  const env = { ...w.env, AWS_PROFILE: 'elsewhere', KEEP_ME: 'yes' };
  const warm = await runRecordingLoads(['exec', ...sel, '--', 'env'], env);
  assert.equal(warm.code, 0, warm.stderr);
  const { files } = warm;
  assert.ok(!files.some((f) => f.endsWith('cli.cjs')), `the CLI bundle was loaded: ${files.join(' ')}`);
  // --debug is not the warm entry's: the full CLI runs the same child.
  const full = await runCli(['exec', ...sel, '--debug', '--', 'env'], { env });
  assert.equal(full.code, 0, full.stderr);
  const lines = (out: string) => out.trim().split('\n').sort();
  assert.deepEqual(lines(warm.stdout), lines(full.stdout));
  assert.match(warm.stdout, /^ROLEHOP_EXEC=111111111111\/AdministratorAccess$/m);
  assert.match(warm.stdout, /^KEEP_ME=yes$/m);
  assert.doesNotMatch(warm.stdout, /^AWS_PROFILE=/m);
  const exit = await runProcess(process.execPath, [rolehopBin, 'exec', ...sel, '--', 'sh', '-c', 'exit 7'], {
    env,
  });
  assert.equal(exit.code, 7);
  const missing = await runProcess(
    process.execPath,
    [rolehopBin, 'exec', ...sel, '--', 'no-such-command-here'],
    {
      env,
    },
  );
  assert.equal(missing.code, 127);
  assert.match(missing.stderr, /command not found: no-such-command-here\n {2}hint: /);
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials, 1, 'the warm calls made no portal call');
});

test("a cold credential-process is fetched from the warm entry's plan without the CLI bundle, and fails as the full CLI does", async (t) => {
  const w = await signedInWorld(t);
  const args = ['credential-process', '--account', '111111111111', '--role', 'AdministratorAccess'];
  const cold = await runRecordingLoads(args, w.env);
  assert.equal(cold.code, 0, cold.stderr);
  assert.equal(cold.stderr, '');
  assert.ok(JSON.parse(cold.stdout).AccessKeyId);
  // Nor the SDK: the portal call's first attempt is rolehop's own (sso/portal-direct.ts).
  assert.deepEqual(bundlesOf(cold.files), ['warm-hit.cjs', 'warm-miss.cjs', 'warm.cjs']);
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials, 1);
  // Failures: the same words, hint and exit code as the full CLI's (--min-ttl takes that road), and
  // as with every portal call made through the SDK client.
  const failures = [
    { args: ['credential-process', '--account', '111111111111', '--role', 'NotAssigned'], code: 4 },
    {
      args: ['credential-process', '--account', '111111111111', '--role', 'ReadOnlyAccess'],
      code: 3,
      signedOut: true,
    },
  ];
  for (const failure of failures) {
    if (failure.signedOut) fs.rmSync(w.tokenFile);
    const viaMiss = await runCli(failure.args, { env: w.env });
    const viaCli = await runCli([...failure.args, '--min-ttl', '15m'], { env: w.env });
    assert.equal(viaMiss.code, failure.code, viaMiss.stderr);
    assert.equal(viaMiss.stdout, '');
    assert.match(viaMiss.stderr, /^rolehop: .+\n {2}hint: .+\n$/);
    assert.deepEqual(viaMiss, viaCli);
    const viaSdk = await runCli(failure.args, { env: { ...w.env, ROLEHOP_PORTAL_SDK: '1' } });
    assert.deepEqual(viaSdk, viaMiss);
    if (failure.signedOut) assert.match(viaMiss.stderr, /never signs in by itself/);
  }
});

test("a cold env and exec are fetched from the warm entry's plan without the CLI bundle, and answer and fail as the full CLI does", async (t) => {
  const w = await signedInWorld(t);
  const selection = ['--account', '111111111111', '--role', 'AdministratorAccess'];
  const env = await runRecordingLoads(['env', ...selection, '--format', 'bash'], w.env);
  assert.equal(env.code, 0, env.stderr);
  assert.equal(env.stderr, '');
  assert.deepEqual(bundlesOf(env.files), ['warm-hit.cjs', 'warm-miss.cjs', 'warm.cjs']);
  // The full CLI (--no-color is not the warm entry's) answers the same from the cache it filled.
  const viaCli = await runCli(['env', ...selection, '--format', 'bash', '--no-color'], { env: w.env });
  assert.deepEqual([viaCli.code, viaCli.stdout, viaCli.stderr], [0, env.stdout, '']);
  forgetCachedCredentials(w.env);
  const show =
    'process.stdout.write(process.env.AWS_ACCESS_KEY_ID + " " + process.env.ROLEHOP_EXEC); process.exit(7)';
  const exec = await runRecordingLoads(['exec', ...selection, '--', process.execPath, '-e', show], w.env);
  assert.equal(exec.code, 7, exec.stderr);
  assert.match(exec.stdout, /^ASIA\w+ 111111111111\/AdministratorAccess$/);
  assert.notEqual(
    exec.stdout.split(' ')[0],
    /AWS_ACCESS_KEY_ID='(\w+)'/.exec(env.stdout)?.[1],
    'fetched again',
  );
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials, 2);
  // Signed out, off a terminal: the full CLI's words, hint and exit code, and nothing on stdout.
  forgetCachedCredentials(w.env);
  fs.rmSync(w.tokenFile);
  for (const args of [
    ['env', ...selection],
    ['exec', ...selection, '--', 'true'],
  ]) {
    const viaMiss = await runCli(args, { env: w.env });
    const viaFull = await runCli([...args.slice(0, 5), '--no-color', ...args.slice(5)], { env: w.env });
    assert.equal(viaMiss.code, 3, viaMiss.stderr);
    assert.match(viaMiss.stderr, /^rolehop: .+\n {2}hint: .+\n$/);
    assert.deepEqual(viaMiss, viaFull);
  }
});

test('a warm exec becomes a command whose arguments are long, counted in bytes only when a bound says they may not fit', async (t) => {
  const w = await signedInWorld(t);
  const selection = ['--account', '111111111111', '--role', 'AdministratorAccess'];
  assert.equal((await runCli(['credential-process', ...selection], { env: w.env })).code, 0);
  const show = 'process.stdout.write(String(Buffer.byteLength(process.argv[1])))';
  // 120,000 bytes in 40,000 UTF-16 units (the bound says it fits); 50,000 ASCII bytes, whose bound
  // (150,001) does not, so the bytes are counted. Both stay under Linux's 128 KiB per string.
  for (const [arg, bytes] of [
    ['\u20ac'.repeat(40_000), 120_000],
    ['a'.repeat(50_000), 50_000],
  ] as const) {
    const r = await runCli(['exec', ...selection, '--', process.execPath, '-e', show, arg], { env: w.env });
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, String(bytes), '']);
  }
});

test('the warm entry hands anything beyond a plain hit to the full CLI, which answers as before', async (t) => {
  const w = await signedInWorld(t);
  const args = ['credential-process', '--account', '111111111111', '--role', 'AdministratorAccess'];
  const cold = await runCli(args, { env: w.env });
  assert.equal(cold.code, 0, cold.stderr);
  // An option the warm entry does not parse and a usage error reach the full CLI; a miss is
  // fetched from the warm entry's plan (warm-miss.cjs), and answered once.
  const withTtl = await runCli([...args, '--min-ttl', '5m'], { env: w.env });
  assert.equal(withTtl.code, 0, withTtl.stderr);
  assert.equal(JSON.parse(withTtl.stdout).AccessKeyId, JSON.parse(cold.stdout).AccessKeyId);
  const both = await runCli(['credential-process', 'p', '--account', '111111111111'], { env: w.env });
  assert.equal(both.code, 2);
  assert.match(both.stderr, /--account/);
  assert.equal(both.stdout, '');
  const miss = await runCli(['credential-process', '--account', '111111111111', '--role', 'ReadOnly'], {
    env: w.env,
  });
  assert.notEqual(miss.stdout.split('\n').filter(Boolean).length, 2, 'answered once, not twice');
});

test('the warm memo answers a hit without resolving, until the config, a variable it read or the credentials file changes', async (t) => {
  const w = await signedInWorld(t);
  const profile = (region: string) =>
    `\n[profile app]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\nregion = ${region}\n`;
  const config = fs.readFileSync(w.env.AWS_CONFIG_FILE!, 'utf8');
  fs.writeFileSync(w.env.AWS_CONFIG_FILE!, config + profile('us-east-1'));
  const args = ['env', 'app', '--format', 'bash'];
  const cold = await runRecordingLoads(args, w.env);
  assert.equal(cold.code, 0, cold.stderr);
  // A miss keeps no memo (a call that fails must change no file); the first hit does.
  const resolved = await runRecordingLoads(args, w.env);
  assert.deepEqual(bundlesOf(resolved.files), ['warm-hit.cjs', 'warm.cjs']);
  const byMemo = await runRecordingLoads(args, w.env);
  assert.deepEqual(bundlesOf(byMemo.files), ['warm-hit.cjs']);
  assert.equal(byMemo.stdout, cold.stdout);
  // The same size, another region: resolved again (warm.cjs), answered as the full CLI answers.
  fs.writeFileSync(w.env.AWS_CONFIG_FILE!, config + profile('eu-west-1'));
  const edited = await runRecordingLoads(args, w.env);
  assert.deepEqual(bundlesOf(edited.files), ['warm-hit.cjs', 'warm.cjs']);
  assert.match(edited.stdout, /AWS_REGION=.?eu-west-1/);
  const full = await runCli([...args, '--debug'], { env: w.env });
  assert.equal(edited.stdout, full.stdout);
  // …and kept again.
  const again = await runRecordingLoads(args, w.env);
  assert.deepEqual(bundlesOf(again.files), ['warm-hit.cjs']);
  assert.equal(again.stdout, edited.stdout);
  // A credentials file where there was none: resolved again, the same answer.
  fs.writeFileSync(w.env.AWS_SHARED_CREDENTIALS_FILE!, '[unrelated]\nregion = us-west-2\n', { mode: 0o600 });
  const withCredentials = await runRecordingLoads(args, w.env);
  assert.deepEqual(bundlesOf(withCredentials.files), ['warm-hit.cjs', 'warm.cjs']);
  assert.equal(withCredentials.stdout, edited.stdout);
  // Selected by account and role, no profile region: AWS_REGION is read, so a new value resolves again.
  const sel = ['env', '--account', '111111111111', '--role', 'AdministratorAccess', '--format', 'bash'];
  const east = { ...w.env, AWS_REGION: 'us-east-2' };
  assert.equal((await runCli(sel, { env: east })).code, 0);
  assert.equal((await runCli(sel, { env: east })).code, 0);
  const eastByMemo = await runRecordingLoads(sel, east);
  assert.deepEqual(bundlesOf(eastByMemo.files), ['warm-hit.cjs']);
  assert.match(eastByMemo.stdout, /AWS_REGION=.?us-east-2/);
  const south = await runRecordingLoads(sel, { ...w.env, AWS_REGION: 'ap-south-1' });
  assert.deepEqual(bundlesOf(south.files), ['warm-hit.cjs', 'warm.cjs']);
  assert.match(south.stdout, /AWS_REGION=.?ap-south-1/);
  assert.equal((await w.sandbox.admin.counts()).GetRoleCredentials, 1, 'every later call was a hit');
  // What it keeps is no secret: no key, no token, no file's text; private like every cache file.
  const dir = rolehopCacheDir(w.env);
  const memos = fs.readdirSync(dir).filter((name) => name.startsWith('warm-'));
  assert.equal(memos.length, 2, memos.join(' '));
  const secrets = [...cold.stdout.matchAll(/AWS_(?:SECRET_ACCESS_KEY|SESSION_TOKEN)=(\S+)/g)].map((m) =>
    m[1]!.replace(/^'|'$/g, ''),
  );
  assert.equal(secrets.length, 2);
  for (const name of memos) {
    const text = fs.readFileSync(path.join(dir, name), 'utf8');
    for (const secret of secrets) assert.ok(!text.includes(secret), `${name} holds a secret`);
    assert.ok(!text.includes('sso_account_id'), `${name} holds the config's text`);
    assert.equal(fs.statSync(path.join(dir, name)).mode & 0o777, 0o600);
  }
});

test('output through writeSync survives a non-blocking pipe and a slow reader, in order', async (t) => {
  const fdSink = path.join(repoRoot, 'src/cli/fd-sink.ts');
  // Touching process.stdout first makes libuv set the pipe non-blocking, so writeSync meets EAGAIN.
  const script = `
    import { fdSink } from ${JSON.stringify(fdSink)};
    process.stdout;
    const out = fdSink(1, () => process.stdout);
    for (let i = 0; i < 2000; i++) out.write(String(i).padStart(8, '0') + '.'.repeat(1000) + '\\n');
    // The warm entry ends the process at once only when nothing went through the stream.
    process.stderr.write('streamed ' + out.streamed);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  t.after(() => child.kill());
  const chunks: Buffer[] = [];
  child.stdout.pause();
  // A slow reader: drain only every few milliseconds so the 64 KiB pipe fills up.
  const drain = () => {
    for (let chunk = child.stdout.read() as Buffer | null; chunk !== null; chunk = child.stdout.read()) {
      chunks.push(chunk);
    }
  };
  const timer = setInterval(drain, 5);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(timer);
  drain();
  assert.equal(code, 0, stderr);
  assert.equal(stderr, 'streamed true');
  const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n');
  assert.equal(lines.length, 2000);
  for (const [i, line] of lines.entries()) assert.equal(line.slice(0, 8), String(i).padStart(8, '0'));
});
