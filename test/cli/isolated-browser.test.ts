import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  findIsolatingBrowser,
  firefoxContainerUrl,
  isolatedOpenArgv,
} from '../../src/cli/isolated-browser.ts';
import { UsageError } from '../../src/util/errors.ts';
import { tempHome } from '../harness/temp-home.ts';

// The pure parts of `console --isolate` with Firefox (no Firefox is installed here): the Granted
// Containers address, read back the way the extension reads it, and which browser each mode takes.

/** What the extension does with the address Firefox hands it (granted-containers src/opener/parser.ts). */
function readAsTheExtension(address: string): { name: string | null; url: string | null } {
  // Firefox fills the handler's `/opener.html#%s` with the escaped address.
  const hash = `#${encodeURIComponent(address)}`;
  const uri = decodeURIComponent(hash.substring(1));
  const prefix = 'ext+granted-containers:';
  assert.ok(uri.startsWith(prefix), uri);
  const qs = new URLSearchParams(uri.substring(prefix.length));
  return { name: qs.get('name'), url: qs.get('url') };
}

test('the container address carries the name and the URL intact, whatever they hold', () => {
  const url = 'http://127.0.0.1:43117/Zm9v-YmFy_c2VjcmV0?x=1&y=a+b#frag';
  for (const name of ['prod', 'prod/Admin & co', '111111111111 ReadOnlyAccess', 'naïve=1+2%']) {
    const address = firefoxContainerUrl(name, url);
    assert.match(address, /^ext\+granted-containers:name=/);
    assert.deepEqual(readAsTheExtension(address), { name, url });
  }
  assert.equal(
    firefoxContainerUrl('prod', 'http://127.0.0.1:1/a'),
    'ext+granted-containers:name=prod&url=http%3A%2F%2F127.0.0.1%3A1%2Fa',
  );
});

/** A HOME with stand-in browsers named like the real ones on its PATH. */
function withBrowsers(t: Parameters<typeof tempHome>[0], names: string[]) {
  const home = tempHome(t);
  const bin = path.join(home.home, 'bin');
  fs.mkdirSync(bin);
  for (const name of names) fs.writeFileSync(path.join(bin, name), '#!/bin/sh\n', { mode: 0o755 });
  return { env: { ...home.env, PATH: bin }, bin, home: home.home };
}

test('Firefox containers open a new tab of the Firefox in use: no profile folder, no -no-remote', (t) => {
  const { env, bin, home } = withBrowsers(t, ['chromium', 'firefox']);
  const firefox = findIsolatingBrowser(undefined, env, 'firefox-container');
  assert.deepEqual(firefox, { executable: path.join(bin, 'firefox'), family: 'firefox' });
  const url = 'http://127.0.0.1:4000/one-shot';
  assert.deepEqual(isolatedOpenArgv(firefox, 'firefox-container', env, 'prod', url), [
    path.join(bin, 'firefox'),
    '--new-tab',
    firefoxContainerUrl('prod', url),
  ]);
  assert.equal(fs.existsSync(path.join(home, '.cache', 'rolehop', 'browser-profiles')), false);
  // Profile folders are unchanged: Chromium comes first, and Firefox still gets a folder of its own.
  assert.equal(findIsolatingBrowser(undefined, env).family, 'chromium');
  const argv = isolatedOpenArgv(firefox, 'profile-folder', env, 'prod', url);
  assert.equal(argv[1], '-profile');
  assert.equal(fs.statSync(argv[2]!).mode & 0o777, 0o700);
  assert.deepEqual(argv.slice(3), ['-no-remote', url]);
});

test('Firefox containers refuse a Chromium-family browser, installed or not, and say when Firefox is missing', (t) => {
  const { env, bin } = withBrowsers(t, ['chromium', 'google-chrome']);
  for (const choice of ['chromium', 'chrome', 'Edge', path.join(bin, 'google-chrome')]) {
    assert.throws(
      () => findIsolatingBrowser(choice, env, 'firefox-container'),
      (e: unknown) =>
        e instanceof UsageError &&
        e.message === `Firefox containers need Firefox, not --browser "${choice}"` &&
        /--browser firefox/.test(e.hint ?? ''),
      choice,
    );
  }
  assert.throws(
    () => findIsolatingBrowser(undefined, env, 'firefox-container'),
    /browser "firefox" was not found on PATH \(looked for firefox, firefox-esr\)/,
  );
});
