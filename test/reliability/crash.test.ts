import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfigView } from '../../src/config/load.ts';
import { rolehopBin, runCli } from '../harness/cli.ts';
import { signIn, tokenCacheEntry } from '../harness/sandbox.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { CONFIGURE_LEGACY_KEYS, parseFile, type SignedIn, signedIn } from './harness.ts';

// SIGKILL during every kind of write, in loops: the config file, the credentials file, the SSO token
// cache and rolehop's credential cache always parse afterwards (old or new content, never a mix), and
// the next run is not blocked by what the killed one left behind (locks, temp files).

const ITERATIONS = 12;
const RECOVERY_DEADLINE_MS = 30_000;

type Trigger = { watch: string; pattern: RegExp } | { delayMs: number };

/**
 * Runs the CLI and SIGKILLs it when a file matching the pattern appears in the watched folder (a temp
 * file or a lock: the write is under way) or after a delay. Resolves once the process is gone.
 */
function runAndKill(
  args: string[],
  env: Record<string, string>,
  trigger: Trigger,
  input = '',
): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [rolehopBin, ...args], {
      env,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    let killed = false;
    const kill = () => {
      if (child.exitCode === null && child.signalCode === null) {
        killed = true;
        child.kill('SIGKILL');
      }
    };
    let watcher: fs.FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    if ('watch' in trigger) {
      fs.mkdirSync(trigger.watch, { recursive: true, mode: 0o700 });
      watcher = fs.watch(trigger.watch, (_event, name) => {
        if (name && trigger.pattern.test(String(name))) kill();
      });
    } else timer = setTimeout(kill, trigger.delayMs);
    child.on('error', reject);
    child.on('close', (code) => {
      watcher?.close();
      clearTimeout(timer);
      resolve({ killed, code });
    });
    child.stdin.end(input);
  });
}

/** Alternates kill-on-temp-file, kill-on-lock and random delays across the process's life. */
function triggerFor(n: number, dir: string, runMs: number): Trigger {
  if (n % 3 === 0) return { watch: dir, pattern: /\.tmp$/ };
  if (n % 3 === 1) return { watch: dir, pattern: /\.lock$/ };
  return { delayMs: Math.floor(Math.random() * runMs * 1.2) };
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const v = await fn();
  return [v, Date.now() - started];
}

const COMMENTED = '# team settings: keep this comment\n[default]\nregion = us-east-1 ; inline\n\n';

describe('SIGKILL during writes', { concurrency: true }, () => {
  test('config file: config set killed mid-write leaves the old or the new file, never a mix', async (t) => {
    const home = tempHome(t);
    writeFile(home.configFile, COMMENTED);
    const [first, runMs] = await timed(() =>
      runCli(['config', 'set', '--profile', 'p0', 'region', 'eu-west-1'], { env: home.env }),
    );
    assert.equal(first.code, 0, first.stderr);
    let kills = 0;
    for (let n = 1; n <= ITERATIONS; n++) {
      const before = fs.readFileSync(home.configFile, 'utf8');
      const r = await runAndKill(
        ['config', 'set', '--profile', `p${n}`, 'region', 'eu-west-2'],
        home.env,
        triggerFor(n, home.awsDir, runMs),
      );
      if (r.killed) kills++;
      const after = fs.readFileSync(home.configFile, 'utf8');
      if (after !== before) {
        // The one edit, appended whole: everything before is kept byte for byte.
        assert.ok(after.startsWith(before.trimEnd()), `n=${n}: earlier content changed`);
        assert.match(after, new RegExp(`\\[profile p${n}\\]\\nregion = eu-west-2\\n$`));
      }
      const view = loadConfigView(home.env);
      assert.ok(view.profiles.default, 'still parses with [default]');
    }
    assert.ok(kills >= ITERATIONS / 2, `most runs were killed (${kills})`);
    assert.ok(fs.readFileSync(home.configFile, 'utf8').startsWith(COMMENTED.trimEnd()));
    // Nothing left behind blocks the next writer.
    const [next, ms] = await timed(() =>
      runCli(['config', 'set', '--profile', 'last', 'region', 'eu-west-3'], {
        env: home.env,
        timeoutMs: RECOVERY_DEADLINE_MS,
      }),
    );
    assert.equal(next.code, 0, next.stderr);
    t.diagnostic(`kills ${kills}/${ITERATIONS}; recovery ${ms} ms`);
  });

  test('credentials file: a secret set from stdin, killed mid-write, leaves a whole file', async (t) => {
    const home = tempHome(t);
    writeFile(home.credentialsFile, '[keep]\naws_access_key_id = AKIAKEEPKEEPKEEPKEEP\n');
    const secret = (n: number) => `wJalrXUtnFEMI/K7MDENG/bPxRfiCY${String(n).padStart(10, '0')}`;
    const [first, runMs] = await timed(() =>
      runCli(['config', 'set', '--profile', 'ci0', 'aws_secret_access_key', '-'], {
        env: home.env,
        input: secret(0),
      }),
    );
    assert.equal(first.code, 0, first.stderr);
    let kills = 0;
    for (let n = 1; n <= ITERATIONS; n++) {
      const before = fs.readFileSync(home.credentialsFile, 'utf8');
      const r = await runAndKill(
        ['config', 'set', '--profile', `ci${n}`, 'aws_secret_access_key', '-'],
        home.env,
        triggerFor(n, home.awsDir, runMs),
        secret(n),
      );
      if (r.killed) kills++;
      const after = fs.readFileSync(home.credentialsFile, 'utf8');
      if (after !== before) {
        assert.ok(after.startsWith(before.trimEnd()), `n=${n}: earlier content changed`);
        assert.ok(after.endsWith(`[ci${n}]\naws_secret_access_key = ${secret(n)}\n`), `n=${n}: ${after}`);
      }
      assert.equal(fs.statSync(home.credentialsFile).mode & 0o777, 0o600);
      loadConfigView(home.env);
    }
    assert.ok(kills >= ITERATIONS / 2, `most runs were killed (${kills})`);
    t.diagnostic(`kills ${kills}/${ITERATIONS}`);
  });

  test('credentials file: configure --style credentials (short-term keys) killed mid-write', async (t) => {
    const w: SignedIn = await signedIn(t);
    writeFile(w.home.credentialsFile, '# mine\n[keep]\naws_access_key_id = AKIAKEEPKEEPKEEPKEEP\n');
    const args = CONFIGURE_LEGACY_KEYS;
    // Fresh keys each run (so there is something to write): drop rolehop's credential cache first.
    const dropCache = () =>
      fs.rmSync(path.join(w.home.home, '.cache', 'rolehop'), { recursive: true, force: true });
    const [first, runMs] = await timed(() => runCli(args, { env: w.env }));
    assert.equal(first.code, 0, first.stderr);
    let kills = 0;
    const keyIds = new Set<string>();
    for (let n = 1; n <= ITERATIONS; n++) {
      dropCache();
      // Every third run is killed just after the new credentials file lands (not at a random delay,
      // which on a loaded machine could miss every write): the writes are always exercised.
      const trigger: Trigger =
        n % 3 === 2
          ? { watch: w.home.awsDir, pattern: /^credentials$/ }
          : triggerFor(n, w.home.awsDir, runMs);
      const r = await runAndKill(args, w.env, trigger);
      if (r.killed) kills++;
      const view = loadConfigView(w.home.env);
      const legacy = view.profiles.legacy ?? {};
      // The keys block is all there (three keys) or the previous one is: never a partial set.
      for (const k of ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']) {
        assert.equal(typeof legacy[k], 'string', `n=${n}: ${k}`);
      }
      assert.ok(fs.readFileSync(w.home.credentialsFile, 'utf8').startsWith('# mine\n[keep]\n'));
      keyIds.add(String(legacy.aws_access_key_id));
    }
    assert.ok(keyIds.size > 1, 'some killed runs had written their new keys: the writes were exercised');
    assert.ok(kills >= ITERATIONS / 2, `most runs were killed (${kills})`);
    t.diagnostic(`kills ${kills}/${ITERATIONS}`);
  });

  test('token cache and credential cache: refresh and credential-process killed mid-write leave parsable files', async (t) => {
    const w: SignedIn = await signedIn(t, { autoApprove: true, expiresIn: -60 });
    const cacheDir = path.join(w.home.home, '.cache', 'rolehop');
    const tokenDir = path.dirname(w.tokenFile);
    // A fresh sign-in before each run: a run killed after CreateToken answered but before the write
    // loses the rotated refresh token (the old one is spent), as with the AWS CLI; that is exit 3.
    const freshToken = async (expired: boolean) =>
      writeFile(
        w.tokenFile,
        JSON.stringify(
          tokenCacheEntry(w.sandbox, {
            ...(await signIn(w.sandbox)),
            ...(expired ? { expiresIn: -60 } : {}),
          }),
        ),
      );
    const cp = ['credential-process', 'prod', '--min-ttl', '11h'];
    const [first, runMs] = await timed(() => runCli(cp, { env: w.env }));
    assert.equal(first.code, 0, first.stderr);
    let kills = 0;
    for (let n = 1; n <= ITERATIONS * 2; n++) {
      // Odd runs refresh the SSO token (token cache write), even runs rewrite the credential cache.
      const refresh = n % 2 === 1;
      await freshToken(refresh);
      const r = await runAndKill(cp, w.env, triggerFor(n >> 1, refresh ? tokenDir : cacheDir, runMs));
      if (r.killed) kills++;
      const token = parseFile(w.tokenFile) as Record<string, string>;
      assert.ok(token.accessToken && token.refreshToken && token.expiresAt, `n=${n}: token whole`);
      for (const f of fs.readdirSync(cacheDir)) {
        if (/^creds-.*\.json$/.test(f)) {
          const c = parseFile(path.join(cacheDir, f)) as Record<string, unknown>;
          assert.ok(c && typeof c === 'object', f);
        }
      }
    }
    // A login killed while it writes the token and the registration.
    for (let n = 0; n < 3; n++) {
      const r = await runAndKill(['login', '--sso-session', 'dev', '--device-code', '--no-browser'], w.env, {
        watch: tokenDir,
        pattern: /\.tmp$/,
      });
      if (r.killed) kills++;
      for (const f of fs.readdirSync(tokenDir)) {
        if (f.endsWith('.json')) parseFile(path.join(tokenDir, f));
      }
    }
    assert.ok(kills >= ITERATIONS, `most runs were killed (${kills})`);
    // The next runs are not held up by a lock or temp file a killed run left: sign in, then fetch.
    const [login, loginMs] = await timed(() =>
      runCli(['login', '--sso-session', 'dev', '--device-code', '--no-browser'], {
        env: w.env,
        timeoutMs: RECOVERY_DEADLINE_MS,
      }),
    );
    assert.equal(login.code, 0, login.stderr);
    const [next, ms] = await timed(() => runCli(cp, { env: w.env, timeoutMs: RECOVERY_DEADLINE_MS }));
    assert.equal(next.code, 0, next.stderr);
    JSON.parse(next.stdout);
    const left = [...fs.readdirSync(tokenDir), ...fs.readdirSync(cacheDir)].filter((f) => f.endsWith('.tmp'));
    t.diagnostic(
      `kills ${kills}; recovery ${loginMs} + ${ms} ms; temp files left by killed runs: ${left.length}`,
    );
  });
});
