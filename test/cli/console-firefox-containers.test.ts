import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runInProcess } from '../harness/cli.ts';
import { waitFor } from '../harness/poll.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';

// `console --isolate --firefox-containers`: the console opens in the Firefox already in use, in a
// container named after the AWS profile, through the Granted Containers extension's address. Firefox
// is not installed here: a stand-in named "firefox" records its argv and, as the extension would,
// opens the address's url (rolehop's single-use 127.0.0.1 page, which redirects to the sign-in URL).

const PROFILES = `
[profile prod]
sso_session = dev
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
`;

test('console --isolate --firefox-containers: one new tab in the container named after the profile; the sign-in URL stays off argv', async (t) => {
  const w = await signedInWorld(t);
  fs.appendFileSync(w.home.configFile, PROFILES);
  const bin = path.join(w.home.home, 'bin');
  fs.mkdirSync(bin);
  const record = path.join(w.home.home, 'firefox.json');
  const firefox = path.join(bin, 'firefox');
  fs.writeFileSync(
    firefox,
    `#!${process.execPath}
const fs = require('node:fs');
const args = process.argv.slice(2);
const address = args.find((a) => a.startsWith('ext+granted-containers:')) ?? '';
const params = new URLSearchParams(address.slice('ext+granted-containers:'.length));
fetch(params.get('url'), { redirect: 'manual' }).then(
  (r) => fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, name: params.get('name'), url: params.get('url'), status: r.status, location: r.headers.get('location') })),
  (e) => fs.writeFileSync(${JSON.stringify(record)}, JSON.stringify({ args, error: String(e) })),
);
`,
    { mode: 0o755 },
  );
  const env = { ...w.env, PATH: `${bin}:${w.env.PATH ?? ''}` };
  const r = await runInProcess(['console', 'prod', '--isolate', '--firefox-containers'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '', 'the sign-in URL is not printed');
  // The stand-in writes its record once it has opened the page; rolehop waits for that visit.
  await waitFor('the stand-in Firefox to record its visit', () => fs.existsSync(record), 5_000, 50);
  const seen = JSON.parse(fs.readFileSync(record, 'utf8'));
  assert.equal(seen.error, undefined, seen.error);
  assert.equal(seen.args[0], '--new-tab');
  assert.equal(seen.args.length, 2, 'no -profile and no -no-remote: the Firefox already in use');
  assert.equal(seen.name, 'prod');
  assert.match(seen.url, /^http:\/\/127\.0\.0\.1:\d+\//, 'the container opens the single-use loopback page');
  assert.match(seen.location ?? '', /SigninToken=/, 'which redirects to the federation sign-in');
  assert.doesNotMatch(seen.args.join(' '), /SigninToken/, 'the sign-in token never reaches a command line');
  assert.ok(!fs.existsSync(path.join(w.home.home, '.cache', 'rolehop', 'browser-profiles', 'prod')));
});

test('console --firefox-containers without --isolate, or with a Chromium browser, is a usage error before any credentials', async (t) => {
  const w = await signedInWorld(t);
  fs.appendFileSync(w.home.configFile, PROFILES);
  const alone = await runInProcess(['console', 'prod', '--firefox-containers'], w.env);
  assert.equal(alone.code, 2);
  assert.match(alone.stderr, /--firefox-containers goes with --isolate/);
  const chrome = await runInProcess(
    ['console', 'prod', '--isolate', '--firefox-containers', '--browser', 'chrome'],
    w.env,
  );
  assert.equal(chrome.code, 2);
  assert.match(chrome.stderr, /Firefox containers need Firefox/);
});
