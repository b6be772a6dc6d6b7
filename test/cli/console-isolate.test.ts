import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { chromiumArgs } from '../harness/browser.ts';
import { runCli, runInProcess } from '../harness/cli.ts';
import { waitFor } from '../harness/poll.ts';
import { requires, which } from '../harness/requires.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';

// `console --isolate`: each AWS profile's console opens in a Chromium profile of its own, so two
// identities stay signed in side by side. Debian's chromium runs headless behind a wrapper that
// dumps the page it lands on; the sandbox's stand-in console shows whose sign-in cookie it sees.

const PROFILES = `
[profile prod]
sso_session = dev
sso_account_id = 111111111111
sso_role_name = AdministratorAccess

[profile dev]
sso_session = dev
sso_account_id = 333333333333
sso_role_name = ReadOnlyAccess
`;

/** The console page as a headless Chromium with this user-data-dir sees it (async: the sandbox runs in this process). */
async function dumpPage(chromium: string, dir: string, url: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    chromium,
    [...chromiumArgs, `--user-data-dir=${dir}`, '--dump-dom', url],
    { encoding: 'utf8', timeout: 60_000 },
  );
  return stdout;
}

/** Waits for the wrapper's note that the browser has exited; a timeout shows Chromium's log. */
function waitForFile(file: string): Promise<string> {
  return waitFor(
    () =>
      `the browser to finish (${file}): ${fs.readFileSync(path.join(path.dirname(file), 'chromium.log'), 'utf8').slice(-1500)}`,
    () => {
      const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      return text.includes('done') && text;
    },
    60_000,
    100,
  );
}

test('console --isolate: two profiles, two Chromium profiles (0700), each console signed in as its own identity, side by side', async (t) => {
  if (!requires(t, 'chromium')) return;
  const w = await signedInWorld(t);
  fs.appendFileSync(w.home.configFile, PROFILES);
  const chromium = which('chromium')!;
  const out = path.join(w.home.home, 'dumps');
  fs.mkdirSync(out);
  // Named "chromium" so rolehop takes it for a Chromium-family browser; it notes when it has exited.
  const wrapper = path.join(w.home.home, 'wrap', 'chromium');
  fs.mkdirSync(path.dirname(wrapper));
  fs.writeFileSync(
    wrapper,
    `#!/bin/sh\ndir=\nfor a in "$@"; do case "$a" in --user-data-dir=*) dir="\${a#--user-data-dir=}";; esac; done\n"${chromium}" ${chromiumArgs.join(' ')} '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' --dump-dom "$@" >/dev/null 2>"${out}/chromium.log"\necho done > "${out}/$(basename "$dir").done"\n`,
    { mode: 0o755 },
  );
  const consoleUrl = `${w.sandbox.url}/console`;
  const dirs: Record<string, string> = {};
  for (const [profile, arn] of [
    ['prod', 'arn:aws:sts::111111111111:assumed-role/AdministratorAccess/'],
    ['dev', 'arn:aws:sts::333333333333:assumed-role/ReadOnlyAccess/'],
  ] as const) {
    // The federation login sets the console's cookie on the sandbox's host. The real console (the
    // default destination) resolves nowhere here, so the proof is read from the stand-in console.
    const r = await runCli(['console', profile, '--isolate', '--browser', wrapper], {
      env: w.env,
      timeoutMs: 120_000,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '', 'the sign-in URL is not printed');
    const root = path.join(w.home.home, '.cache', 'rolehop', 'browser-profiles');
    const dir = fs.readdirSync(root).find((d) => d.startsWith(`${profile}-`));
    assert.ok(dir, `no browser profile for ${profile}`);
    dirs[profile] = path.join(root, dir);
    assert.equal(fs.statSync(dirs[profile]).mode & 0o777, 0o700);
    assert.equal(fs.statSync(root).mode & 0o777, 0o700);
    await waitForFile(path.join(out, `${dir}.done`)); // the browser has been and gone
    assert.match(await dumpPage(chromium, dirs[profile], consoleUrl), new RegExp(`Signed in as ${arn}`));
  }
  assert.notEqual(dirs.prod, dirs.dev);
  // Side by side: each profile's console still shows its own sign-in, not the last one's.
  assert.match(await dumpPage(chromium, dirs.prod!, consoleUrl), /Signed in as arn:aws:sts::111111111111:/);
  assert.match(await dumpPage(chromium, dirs.dev!, consoleUrl), /Signed in as arn:aws:sts::333333333333:/);
});

test('console --isolate refuses what it cannot do before fetching credentials', async (t) => {
  const w = await signedInWorld(t);
  fs.appendFileSync(w.home.configFile, PROFILES);
  const before = await w.sandbox.admin.counts();
  for (const [args, message] of [
    [['--isolate', '--print'], /--isolate opens a browser; it cannot go with --print/],
    [['--browser', 'chromium'], /--browser goes with --isolate/],
    [['--isolate', '--browser', 'safari'], /--browser "safari" cannot keep a profile of its own/],
    [['--isolate', '--browser', '/nonexistent/chrome'], /is not an executable file/],
  ] as const) {
    const r = await runInProcess(['console', 'prod', ...args], w.env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  const none = await runInProcess(['console', 'prod', '--isolate'], { ...w.env, PATH: '/nonexistent' });
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /no browser that can keep a profile per AWS profile was found on PATH/);
  assert.deepEqual(await w.sandbox.admin.counts(), before);
});
