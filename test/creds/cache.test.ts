import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { rolehopCacheDir } from '../../src/config/paths.ts';
import type { Plan } from '../../src/config/plan.ts';
import { cacheFileFor, fnv1a64, readFreshCredentials } from '../../src/creds/cache-file.ts';
import { cacheStatus, clearCachedCredentials } from '../../src/creds/cache-status.ts';
import { runPlan } from '../../src/creds/run-plan.ts';
import { planSteps } from '../../src/creds/step-key.ts';
import type { SsoSource } from '../../src/creds/types.ts';
import { exitCodeOf, FileAccessError, InterruptedError } from '../../src/util/errors.ts';
import { acquireLock } from '../../src/util/lock.ts';
import { runProcess } from '../harness/cli.ts';
import { SSO_SOURCE } from '../harness/sso-plan.ts';
import { tempHome } from '../harness/temp-home.ts';
import { baseDeps, fakeSso, fileMode, memoryLogger, writeSignedInToken } from './helpers.ts';

const ssoPlan: Plan = { source: SSO_SOURCE, hops: [] };

test('a cold plan fetches once; the next run is served from a 0600 file in a 0700 folder', async (t) => {
  const home = tempHome(t);
  const sso = fakeSso();
  const first = await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  const second = await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  assert.equal(sso.calls.length, 1);
  assert.equal(second.accessKeyId, first.accessKeyId);
  assert.equal(second.secretAccessKey, first.secretAccessKey);
  assert.equal(second.expiration?.toISOString(), first.expiration?.toISOString());

  const key = planSteps(ssoPlan, { env: home.env }).source.key;
  const file = cacheFileFor(home.env, key);
  assert.equal(path.dirname(file), rolehopCacheDir(home.env));
  assert.equal(path.basename(file), `creds-${fnv1a64(key)}.json`);
  assert.equal(fileMode(file), 0o600);
  assert.equal(fileMode(rolehopCacheDir(home.env)), 0o700);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).key, key);
  assert.deepEqual(
    fs.readdirSync(rolehopCacheDir(home.env)).filter((n) => !n.startsWith('creds-')),
    [],
    'no lock or temp file left behind',
  );
});

test('a cache folder widened by someone is narrowed back to 0700 on the next write', async (t) => {
  const home = tempHome(t);
  const dir = rolehopCacheDir(home.env);
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o755);
  await runPlan(ssoPlan, baseDeps(home.env, { sso: fakeSso() }));
  assert.equal(fileMode(dir), 0o700);
});

test('credentials that cannot be cached are still returned, with a warning', async (t) => {
  const home = tempHome(t);
  const file = cacheFileFor(home.env, planSteps(ssoPlan, { env: home.env }).source.key);
  fs.mkdirSync(file, { recursive: true }); // a folder where the cache file should go
  const log = memoryLogger();
  const creds = await runPlan(ssoPlan, baseDeps(home.env, { sso: fakeSso(), log }));
  assert.match(creds.accessKeyId, /^ASIAFAKESSO/);
  assert.ok(
    log.lines.some((l) =>
      /^warning: could not cache credentials: refusing to write .*: it is a folder/.test(l),
    ),
    log.lines.join('\n'),
  );
  assert.ok(!log.lines.join('\n').includes(creds.secretAccessKey));
});

test('cached credentials are reused only while more than minTtlSeconds remain', async (t) => {
  const home = tempHome(t);
  let now = Date.parse('2026-03-01T10:00:00Z');
  const sso = fakeSso({ lifetimeMs: 15 * 60_000, now: () => now });
  const deps = () => baseDeps(home.env, { sso, now: () => now });
  await runPlan(ssoPlan, deps());
  now += 4 * 60_000; // 11 min left > 10 min default
  await runPlan(ssoPlan, deps());
  assert.equal(sso.calls.length, 1);
  now += 2 * 60_000; // 9 min left
  await runPlan(ssoPlan, deps());
  assert.equal(sso.calls.length, 2);
  now += 1000; // the new ones have ~15 min
  await runPlan(ssoPlan, { ...deps(), minTtlSeconds: 14 * 60 });
  assert.equal(sso.calls.length, 2);
  await runPlan(ssoPlan, { ...deps(), minTtlSeconds: 15 * 60 });
  assert.equal(sso.calls.length, 3);
});

test('a corrupt or foreign cache file is a miss and gets replaced, never a crash', async (t) => {
  const home = tempHome(t);
  const sso = fakeSso();
  await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  const file = cacheFileFor(home.env, planSteps(ssoPlan, { env: home.env }).source.key);
  const corruptions = [
    '{"version":1,"key":', // truncated
    '\u0000\u0001binary',
    JSON.stringify({
      version: 1,
      key: 'some other key',
      accessKeyId: 'A',
      secretAccessKey: 'B',
      expiration: '2999-01-01T00:00:00Z',
    }),
    JSON.stringify({ version: 1, key: 'x', accessKeyId: 3 }),
    'null',
  ];
  for (const [i, content] of corruptions.entries()) {
    fs.writeFileSync(file, content);
    const creds = await runPlan(ssoPlan, baseDeps(home.env, { sso }));
    assert.equal(sso.calls.length, i + 2, `fetched again after corruption ${i}`);
    const entry = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(entry.accessKeyId, creds.accessKeyId, 'rewritten');
    assert.equal(fileMode(file), 0o600);
  }
});

test('an implausible entry (sessionToken an object, a NUL byte, trusted until 2999) is a miss and a refetch', async (t) => {
  const home = tempHome(t);
  const sso = fakeSso();
  await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  const key = planSteps(ssoPlan, { env: home.env }).source.key;
  const file = cacheFileFor(home.env, key);
  const good = JSON.parse(fs.readFileSync(file, 'utf8'));
  const tampered = [
    { ...good, sessionToken: { toString: 'x' } },
    { ...good, secretAccessKey: `${good.secretAccessKey}\u0000; rm -rf ~` },
    { ...good, accessKeyId: 'ASIA\u0000PLANTED' },
    { ...good, expiration: '2999-01-01T00:00:00.000Z' },
    { ...good, expiration: new Date(Date.now() + 37 * 3600_000).toISOString() },
  ];
  for (const [i, entry] of tampered.entries()) {
    fs.writeFileSync(file, JSON.stringify(entry));
    const creds = await runPlan(ssoPlan, baseDeps(home.env, { sso }));
    assert.equal(sso.calls.length, i + 2, `fetched again after tampering ${i}`);
    assert.equal(typeof creds.sessionToken, 'string');
    assert.ok(!creds.secretAccessKey.includes('\u0000') && !creds.accessKeyId.includes('\u0000'));
    assert.ok(creds.expiration!.getTime() - Date.now() < 36 * 3600_000);
  }
});

test("a symlink or another user's file planted at a cache entry is never served nor written through", async (t) => {
  const home = tempHome(t);
  const sso = fakeSso();
  await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  const file = cacheFileFor(home.env, planSteps(ssoPlan, { env: home.env }).source.key);
  const planted = fs
    .readFileSync(file, 'utf8')
    .replace(/"accessKeyId": "[^"]*"/, '"accessKeyId": "ASIAPLANTED"');
  // A link to a file with valid-looking keys (as another user could make in a 0777 folder), and a
  // link to a file of the user's that a write through the link would destroy.
  const decoy = path.join(home.home, 'decoy.json');
  fs.writeFileSync(decoy, planted);
  const bashrc = path.join(home.home, '.bashrc');
  fs.writeFileSync(bashrc, 'echo hello\n');
  for (const target of [decoy, bashrc]) {
    fs.rmSync(file);
    fs.symlinkSync(target, file);
    const creds = await runPlan(ssoPlan, baseDeps(home.env, { sso }));
    assert.notEqual(creds.accessKeyId, 'ASIAPLANTED');
    assert.ok(fs.lstatSync(file).isFile(), 'the link was replaced by our own file');
  }
  assert.equal(fs.readFileSync(bashrc, 'utf8'), 'echo hello\n');
  assert.equal(fs.readFileSync(decoy, 'utf8'), planted);
  assert.equal(sso.calls.length, 3);
  if (process.getuid?.() !== 0) return; // chown to another uid needs root
  fs.writeFileSync(file, planted);
  fs.chownSync(file, 65534, 65534);
  const creds = await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  assert.notEqual(creds.accessKeyId, 'ASIAPLANTED', "another user's file is not served");
  assert.equal(fs.statSync(file).uid, 0, 'and it was replaced by ours');
});

test('a cache folder that belongs to another user is refused with a clear error', async (t) => {
  if (process.getuid?.() !== 0) return t.skip('needs root to give a folder to another user');
  const home = tempHome(t);
  const dir = rolehopCacheDir(home.env);
  fs.mkdirSync(dir, { recursive: true, mode: 0o777 });
  fs.chmodSync(dir, 0o777);
  fs.chownSync(dir, 65534, 65534);
  await assert.rejects(
    runPlan(ssoPlan, baseDeps(home.env, { sso: fakeSso() })),
    (e: Error) =>
      e instanceof FileAccessError &&
      e.message === `refusing to use ${dir}: it belongs to another user (uid 65534)` &&
      /remove it/.test(e.hint ?? ''),
  );
  assert.equal(fileMode(dir), 0o777, 'not ours to change');
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('a cache hit loads neither the AWS SDK nor crypto nor the miss path', async (t) => {
  const home = tempHome(t);
  await runPlan(ssoPlan, baseDeps(home.env, { sso: fakeSso() }));
  const probe = path.join(import.meta.dirname, 'fixtures', 'hit-probe.ts');
  const result = await runProcess(process.execPath, [probe], {
    env: { ...home.env, PROBE_PLAN: JSON.stringify(ssoPlan) },
  });
  assert.equal(result.code, 0, result.stderr);
  const out = JSON.parse(result.stdout) as { accessKeyId: string; resolved: string[] };
  assert.match(out.accessKeyId, /^ASIAFAKESSO/);
  assert.ok(
    out.resolved.some((u) => u.endsWith('/src/creds/run-plan.ts')),
    'the probe saw the modules',
  );
  assert.ok(out.resolved.includes('node:fs'), 'the probe sees built-ins too');
  const heavy = out.resolved.filter((u) =>
    /crypto|@aws-sdk|@smithy|sdk\/clients|run-steps|util\/lock|atomic-file|child_process/.test(u),
  );
  assert.deepEqual(heavy, []);
});

test('cached SSO credentials are served only while the sign-in they came from has its token file', async (t) => {
  const home = tempHome(t);
  const sso = fakeSso();
  await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  const entry = JSON.parse(
    fs.readFileSync(cacheFileFor(home.env, planSteps(ssoPlan, { env: home.env }).source.key), 'utf8'),
  );
  const tokenFile = writeSignedInToken(home.env, ssoPlan.source as SsoSource);
  assert.equal(entry.origin.tokenFile, tokenFile);
  fs.rmSync(tokenFile); // signed out, by `aws sso logout` for instance
  const hit = readFreshCredentials(home.env, cacheFileFor(home.env, entry.key), entry.key, Date.now(), 0);
  assert.equal(hit, undefined);
  await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  assert.equal(sso.calls.length, 2, 'a miss: the provider (here a fake sign-in) is asked again');
});

test('status lists cached steps without secrets; clearing by predicate removes only those', async (t) => {
  const home = tempHome(t);
  const sso = fakeSso();
  const other: Plan = {
    ...ssoPlan,
    source: { ...ssoPlan.source, session: 'lab', roleName: 'ReadOnly' } as Plan['source'],
  };
  const a = await runPlan(ssoPlan, baseDeps(home.env, { sso }));
  await runPlan(other, baseDeps(home.env, { sso }));
  fs.writeFileSync(path.join(rolehopCacheDir(home.env), 'creds-0000000000000000.json'), 'garbage');
  const status = cacheStatus(home.env);
  assert.equal(status.length, 2);
  const text = JSON.stringify(status);
  assert.ok(!text.includes(a.secretAccessKey) && !text.includes(a.sessionToken!), 'no secrets');
  assert.match(
    status.map((s) => s.description).join('\n'),
    /sso session corp account 111122223333 role Admin/,
  );
  const removed = clearCachedCredentials(home.env, (s) => s.origin.session === 'lab');
  assert.equal(removed, 1);
  assert.deepEqual(
    cacheStatus(home.env).map((s) => s.origin.session),
    ['corp'],
  );
  assert.equal(
    clearCachedCredentials(home.env, () => false, { includeCorrupt: true }),
    1,
  );
  assert.equal(clearCachedCredentials(home.env), 1);
  assert.deepEqual(fs.readdirSync(rolehopCacheDir(home.env)), []);
  assert.equal(clearCachedCredentials(tempHome(t).env), 0, 'no cache folder is fine');
});

test('step keys cover everything that determines a step, and a hop key contains its source key', () => {
  const env = { USER: 'alice' };
  const plan: Plan = {
    ...ssoPlan,
    hops: [
      { roleArn: 'arn:aws:iam::123456789012:role/A', tags: { b: '2', a: '1' } },
      { roleArn: 'arn:aws:iam::123456789012:role/B', externalId: 'ext-1', sessionName: 'me' },
    ],
  };
  const steps = planSteps(plan, { env });
  assert.ok(steps.hops[0]!.key.startsWith(`${steps.source.key}\n`));
  assert.ok(steps.hops[1]!.key.startsWith(`${steps.hops[0]!.key}\n`));
  assert.equal(steps.hops[0]!.sessionName, 'rolehop-alice');
  const variants: Plan[] = [
    { ...plan, source: { ...ssoPlan.source, accountId: '999988887777' } as Plan['source'] },
    { ...plan, hops: [plan.hops[0]!, { ...plan.hops[1]!, externalId: 'ext-2' }] },
    { ...plan, hops: [plan.hops[0]!, { ...plan.hops[1]!, durationSeconds: 900 }] },
    { ...plan, hops: [plan.hops[0]!, { ...plan.hops[1]!, sourceIdentity: 'bob' }] },
    { ...plan, hops: [plan.hops[0]!, { ...plan.hops[1]!, mfaSerial: 'arn:aws:iam::123456789012:mfa/a' }] },
    { ...plan, hops: [{ ...plan.hops[0]!, tags: { a: '1', b: '3' } }, plan.hops[1]!] },
  ];
  const last = steps.hops[1]!.key;
  for (const v of variants) assert.notEqual(planSteps(v, { env }).hops[1]!.key, last);
  const reordered = { ...plan, hops: [{ ...plan.hops[0]!, tags: { a: '1', b: '2' } }, plan.hops[1]!] };
  assert.equal(planSteps(reordered, { env }).hops[1]!.key, last, 'tag order does not matter');
});

test('a caller waiting for another process fetching the same step can be interrupted (exit 130)', async (t) => {
  const home = tempHome(t);
  const file = cacheFileFor(home.env, planSteps(ssoPlan, { env: home.env }).source.key);
  const held = await acquireLock(file);
  t.after(() => held.release());
  const controller = new AbortController();
  const sso = fakeSso();
  const pending = runPlan(ssoPlan, baseDeps(home.env, { sso, signal: controller.signal }));
  controller.abort();
  await assert.rejects(pending, (error: unknown) => {
    assert.ok(error instanceof InterruptedError);
    assert.equal(exitCodeOf(error), 130);
    return true;
  });
  assert.equal(sso.calls.length, 0);
});

test('fnv1a64 names cache files as the BigInt form did, so caches written before an upgrade are found', () => {
  const reference = (text: string) => {
    let hash = 0xcbf29ce484222325n;
    for (const byte of Buffer.from(text, 'utf8'))
      hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & (2n ** 64n - 1n);
    return hash.toString(16).padStart(16, '0');
  };
  // The published FNV-1a 64 test vectors, then keys of every length and alphabet.
  assert.equal(fnv1a64(''), 'cbf29ce484222325');
  assert.equal(fnv1a64('a'), 'af63dc4c8601ec8c');
  assert.equal(fnv1a64('foobar'), '85944171f73967e8');
  const key = planSteps(ssoPlan, { env: {} }).source.key;
  for (const text of [
    key,
    'ü€😀\u0000\uffff',
    'x'.repeat(4097),
    ...Array.from({ length: 300 }, (_, i) => key.slice(i % 40) + i),
  ]) {
    assert.equal(fnv1a64(text), reference(text), text);
  }
});
