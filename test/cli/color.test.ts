import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { colorOn } from '../../src/cli/color.ts';
import { serializeToken, tokenCachePath } from '../../src/sso/token-cache.ts';
import { runInProcess } from '../harness/cli.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// Colour where people look (diffs, doctor severities, status expiry), only where it can be seen.

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const YELLOW = '\x1b[33m';
const ESC = /\x1b\[/;

test('colorOn: --no-color, then FORCE_COLOR, then NO_COLOR, then whether the stream is a terminal', () => {
  const tty = { isTTY: true };
  const pipe = { isTTY: false };
  assert.equal(colorOn(tty, {}, false), true);
  assert.equal(colorOn(pipe, {}, false), false);
  assert.equal(colorOn({}, {}, false), false);
  assert.equal(colorOn(tty, {}, true), false, '--no-color');
  assert.equal(colorOn(tty, { NO_COLOR: '1' }, false), false);
  assert.equal(colorOn(tty, { NO_COLOR: '' }, false), true, 'an empty NO_COLOR does not count');
  assert.equal(colorOn(tty, { TERM: 'dumb' }, false), false);
  assert.equal(colorOn(pipe, { FORCE_COLOR: '1' }, false), true);
  assert.equal(colorOn(pipe, { FORCE_COLOR: '' }, false), true);
  assert.equal(
    colorOn(pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, false),
    true,
    'FORCE_COLOR wins, as in Node',
  );
  assert.equal(colorOn(tty, { FORCE_COLOR: '0' }, false), false);
  assert.equal(colorOn(tty, { FORCE_COLOR: 'false' }, false), false);
  assert.equal(colorOn(pipe, { FORCE_COLOR: '1' }, true), false, '--no-color beats FORCE_COLOR');
});

function withoutNoColor(env: Record<string, string>): Record<string, string> {
  const copy = { ...env };
  delete copy.NO_COLOR;
  delete copy.FORCE_COLOR;
  return copy;
}

test('configure and populate --dry-run diffs: red removed, green added, on a terminal only', async (t) => {
  const w = await signedInWorld(t);
  const env = withoutNoColor(w.env);
  const args: string[] = [
    'configure',
    'app',
    '--account',
    '111111111111',
    '--role',
    'ReadOnlyAccess',
    '--dry-run',
  ];
  const tty = await runInProcess(args, env, { stdoutIsTTY: true });
  assert.equal(tty.code, 0, tty.stderr);
  assert.match(tty.stdout, new RegExp(`^${GREEN.replace('[', '\\[')}\\+\\[profile app\\]`, 'm'));
  // A later change replaces a line: the old one in red.
  await runInProcess(['configure', 'app', '--account', '111111111111', '--role', 'ReadOnlyAccess'], env);
  const changed = await runInProcess(
    ['configure', 'app', '--account', '111111111111', '--role', 'AdministratorAccess', '--dry-run'],
    env,
    { stdoutIsTTY: true },
  );
  assert.ok(changed.stdout.includes(`${RED}-sso_role_name = ReadOnlyAccess`), changed.stdout);
  assert.ok(changed.stdout.includes(`${GREEN}+sso_role_name = AdministratorAccess`), changed.stdout);

  args[5] = 'AdministratorAccess';
  const piped = await runInProcess(args, env);
  assert.doesNotMatch(piped.stdout, ESC, 'not a terminal: plain');
  assert.match(piped.stdout, /^\+sso_role_name = AdministratorAccess$/m);
  const noColorEnv = await runInProcess(args, { ...env, NO_COLOR: '1' }, { stdoutIsTTY: true });
  assert.doesNotMatch(noColorEnv.stdout, ESC, 'NO_COLOR');
  const flag = await runInProcess([...args, '--no-color'], env, { stdoutIsTTY: true });
  assert.doesNotMatch(flag.stdout, ESC, '--no-color');
  const forced = await runInProcess(args, { ...env, FORCE_COLOR: '1' });
  assert.match(forced.stdout, ESC, 'FORCE_COLOR on a pipe');
  // The colour decision is per stream: a terminal on stderr does not colour stdout.
  const stderrOnly = await runInProcess(args, env, { stderrIsTTY: true });
  assert.doesNotMatch(stderrOnly.stdout, ESC);

  const populate = await runInProcess(['populate', '--dry-run'], env, { stdoutIsTTY: true });
  assert.equal(populate.code, 0, populate.stderr);
  assert.ok(populate.stdout.includes(`${GREEN}+`), populate.stdout);
  assert.doesNotMatch((await runInProcess(['populate', '--dry-run'], env)).stdout, ESC);
});

test('doctor colours its severities (error red, warning yellow) on a terminal', async (t) => {
  const h = tempHome(t);
  writeFile(
    h.configFile,
    '[default]\nregion = eu-west-1\n\n[profile default]\nregion = eu-west-1\n\n[profile a]\nregion = eu-west-1\n\n[profile a]\nregion = us-east-1\n\n[profile b]\nrole_arn = arn:aws:iam::1234:role/P\nsource_profile = a\n',
  );
  writeFile(
    h.credentialsFile,
    '[legacy]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
  );
  fs.chmodSync(h.credentialsFile, 0o644);
  const env = withoutNoColor(h.env);
  const r = await runInProcess(['doctor'], env, { stdoutIsTTY: true });
  assert.equal(r.code, 1);
  const severities = [...r.stdout.matchAll(/^(\x1b\[\d+m)?(error|warning):/gm)];
  assert.ok(severities.some((m) => m[2] === 'error') && severities.some((m) => m[2] === 'warning'), r.stdout);
  for (const m of severities) assert.equal(m[1], m[2] === 'error' ? RED : YELLOW, m[0]);
  const plain = await runInProcess(['doctor', '--no-color'], env, { stdoutIsTTY: true });
  assert.doesNotMatch(plain.stdout, ESC);
});

test('status colours expiry: red expired, yellow within the hour, green later; plain when piped', async (t) => {
  const h = tempHome(t);
  const sessions = ['old', 'soon', 'later'];
  writeFile(
    h.configFile,
    sessions
      .map(
        (n) => `[sso-session ${n}]\nsso_start_url = https://${n}.awsapps.com/start\nsso_region = us-east-1\n`,
      )
      .join('\n'),
  );
  const left: Record<string, number> = { old: -3600_000, soon: 20 * 60_000, later: 8 * 3600_000 };
  for (const n of sessions) {
    writeFile(
      tokenCachePath(h.env, { name: n, startUrl: '' }),
      serializeToken({
        startUrl: `https://${n}.awsapps.com/start`,
        region: 'us-east-1',
        accessToken: `token-${n}-1234567890`,
        expiresAt: Date.now() + left[n]!,
      }),
    );
  }
  const env = withoutNoColor(h.env);
  const r = await runInProcess(['status'], env, { stdoutIsTTY: true });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.stdout.includes(`${RED}expired 1h ago`), r.stdout);
  assert.match(r.stdout, /\x1b\[33mexpires in (19|20)m/);
  assert.match(r.stdout, /\x1b\[32mexpires in (7h 59m|8h)/);
  assert.doesNotMatch((await runInProcess(['status'], env)).stdout, ESC);
});
