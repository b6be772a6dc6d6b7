import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { browserCommands, openBrowser, prefersDeviceCode } from '../../src/cli/browser.ts';
import { waitFor } from '../harness/poll.ts';
import { tempHome } from '../harness/temp-home.ts';

test('BROWSER wins; %s places the URL, else it is appended; a colon list gives fallbacks', () => {
  assert.deepEqual(browserCommands({ env: { BROWSER: 'firefox --new-tab' } }), [
    ['firefox', '--new-tab', '%s'],
  ]);
  assert.deepEqual(browserCommands({ env: { BROWSER: 'w3m %s:lynx' } }), [
    ['w3m', '%s'],
    ['lynx', '%s'],
  ]);
});

test('platform openers: macOS open, Windows rundll32, WSL wslview, Linux xdg-open only with a display', () => {
  assert.deepEqual(browserCommands({ env: {}, platform: 'darwin' }), [['open', '%s']]);
  assert.equal(browserCommands({ env: {}, platform: 'win32' })[0]![0], 'rundll32');
  assert.equal(
    browserCommands({ env: {}, platform: 'linux', procVersion: 'Linux 5.15 microsoft-standard-WSL2' })[0]![0],
    'wslview',
  );
  assert.deepEqual(browserCommands({ env: { DISPLAY: ':0' }, platform: 'linux', procVersion: '' }), [
    ['xdg-open', '%s'],
  ]);
  assert.deepEqual(browserCommands({ env: {}, platform: 'linux', procVersion: '' }), []);
  assert.deepEqual(
    browserCommands({ env: { SSH_CONNECTION: '1 2 3 4' }, platform: 'linux', procVersion: '' }),
    [],
  );
});

test('over SSH without a display the device flow is preferred, unless BROWSER is set', () => {
  assert.equal(prefersDeviceCode({ env: { SSH_TTY: '/dev/pts/1' } }), true);
  assert.equal(prefersDeviceCode({ env: { SSH_TTY: '/dev/pts/1', DISPLAY: 'localhost:10' } }), false);
  assert.equal(prefersDeviceCode({ env: { SSH_TTY: '/dev/pts/1', BROWSER: 'x' } }), false);
  assert.equal(prefersDeviceCode({ env: {} }), false);
});

test('openBrowser runs the BROWSER command with the URL as its only extra argument', async (t) => {
  const { home, env } = tempHome(t);
  const out = path.join(home, 'opened.txt');
  const script = path.join(home, 'browser.sh');
  fs.writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$@" > "${out}.tmp" && mv "${out}.tmp" "${out}"\n`, {
    mode: 0o755,
  });
  const url = 'http://127.0.0.1:1/authorize?a=1&b=$(x)';
  assert.equal(await openBrowser(url, { env: { ...env, BROWSER: script } }), true);
  await waitFor('the BROWSER command to write its file', () => fs.existsSync(out));
  assert.equal(fs.readFileSync(out, 'utf8'), `${url}\n`);
  assert.equal(await openBrowser(url, { env: { ...env, BROWSER: path.join(home, 'missing') } }), false);
});
