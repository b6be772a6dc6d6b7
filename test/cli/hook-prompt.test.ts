import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { decodeTargetWords, encodeTargetWords, targetDisplayName } from '../../src/cli/target-words.ts';
import { rolehopBin, runInProcess, runProcess } from '../harness/cli.ts';
import { waitFor } from '../harness/poll.ts';
import { requires } from '../harness/requires.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { SHELLS, terminal } from '../harness/tmux.ts';

// The prompt hook re-exports static keys in place when they near expiry and starts no process
// while they are fresh (every rolehop start is logged by a PATH wrapper); `rolehop prompt` names
// the export from the environment alone.

test('ROLEHOP_TARGET words: any word survives, the text needs no shell quoting', () => {
  const words = ['prod deploy', '--assume', "arn:aws:iam::1:role/a'b", '--tag', 'k=v;$(x)', '', 'é'];
  const text = encodeTargetWords(words);
  assert.match(text, /^[A-Za-z0-9_.:/=@+,%\- ]+$/);
  assert.deepEqual(decodeTargetWords(text), words);
  assert.equal(targetDisplayName(['app']), 'app');
  assert.equal(targetDisplayName(['--account', '1', '--role', 'Admin']), 'Admin');
  assert.equal(targetDisplayName(['app', '--assume', 'arn:aws:iam::1:role/Deploy']), 'Deploy');
});

test('rolehop prompt: profile and minutes left, "agent" for an agent export, nothing without an export', async () => {
  const now = Date.parse('2026-01-01T10:00:00Z');
  const prompt = (env: Record<string, string>) => runInProcess(['prompt'], env, { now: () => now });
  const keys = await prompt({
    ROLEHOP_TARGET: 'prod-deploy',
    AWS_CREDENTIAL_EXPIRATION: '2026-01-01T10:42:30Z',
  });
  assert.equal(keys.stdout, 'prod-deploy 42m\n');
  const long = await prompt({
    ROLEHOP_TARGET: 'prod-deploy',
    AWS_CREDENTIAL_EXPIRATION: '2026-01-01T11:05:00Z',
  });
  assert.equal(long.stdout, 'prod-deploy 1h05m\n');
  const old = await prompt({ ROLEHOP_TARGET: 'x', AWS_CREDENTIAL_EXPIRATION: '2026-01-01T09:00:00Z' });
  assert.equal(old.stdout, 'x expired\n');
  const agent = await prompt({
    ROLEHOP_TARGET: '--account 1 --role Admin',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:1234/abc',
  });
  assert.equal(agent.stdout, 'Admin agent\n');
  assert.equal((await prompt({})).stdout, '');
});

const LIFETIME = 80;
const MARGIN = 60;

test('hook in bash, zsh and fish: no rolehop start on a prompt while fresh; one re-export within the margin; fresh again after', {
  timeout: 180_000,
}, async (t) => {
  if (!requires(t, 'tmux', 'bash', 'zsh', 'fish')) return;
  const w = await signedInWorld(t);
  fs.appendFileSync(
    w.home.configFile,
    '\n[profile app]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n',
  );
  await w.sandbox.admin.setLifetimes({ roleCredentialSeconds: LIFETIME });
  const bin = path.join(w.home.home, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const log = path.join(w.home.home, 'spawns.log');
  fs.writeFileSync(
    path.join(bin, 'rolehop'),
    `#!/bin/sh\necho "$SHELL_NAME $*" >> ${log}\nexec "${process.execPath}" "${rolehopBin}" "$@"\n`,
    { mode: 0o755 },
  );
  const spawns = (shell: string) =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter((l) => l.startsWith(`${shell} env --again`)).length
      : 0;
  const sessions = (['bash', 'zsh', 'fish'] as const).map((name) => {
    const term = terminal(
      t,
      { ...w.env, PATH: `${bin}:${process.env.PATH}`, SHELL_NAME: name, SHELL: `/bin/${name}` },
      { shell: SHELLS[name] },
    );
    if (name === 'fish') {
      term.send(`rolehop hook fish --margin ${MARGIN}s | source`, 'Enter');
      term.send('rolehop env app --format fish | source', 'Enter');
    } else {
      term.send(`eval "$(rolehop hook ${name} --margin ${MARGIN}s)"`, 'Enter');
      term.send('eval "$(rolehop env app)"', 'Enter');
    }
    return { name, term };
  });
  const expiry = async (term: (typeof sessions)[number]['term'], mark: string) => {
    term.send(`echo ${mark}=$AWS_CREDENTIAL_EXPIRATION`, 'Enter');
    const screen = await term.waitFor(new RegExp(`^${mark}=\\d{4}-\\S+Z`, 'm'));
    return new RegExp(`^${mark}=(\\S+)`, 'm').exec(screen)![1]!;
  };
  const first: Record<string, string> = {};
  for (const s of sessions) {
    first[s.name] = await expiry(s.term, 'EXP1');
    for (let i = 0; i < 5; i++) s.term.send('', 'Enter');
    await expiry(s.term, 'FRESH');
    assert.equal(spawns(s.name), 0, `${s.name}: rolehop ran on a prompt while the keys were fresh`);
  }
  // Wait until every shell's keys are within the margin, then one prompt each.
  const due = Math.max(...Object.values(first).map((e) => Date.parse(e))) - MARGIN * 1000 + 1500;
  await delay(Math.max(0, due - Date.now()));
  for (const s of sessions) {
    s.term.send('', 'Enter');
    await delay(200);
  }
  for (const s of sessions) {
    // The echo's own prompt may come first; wait for the new keys (each try a fresh echo mark).
    let tries = 0;
    const second = await waitFor(
      () => `${s.name}: keys other than ${first[s.name]}`,
      async () => {
        const seen = await expiry(s.term, `EXP2x${tries++}`);
        return seen !== first[s.name] && seen;
      },
      60_000,
      300,
    );
    assert.ok(Date.parse(second) > Date.parse(first[s.name]!), `${s.name}: ${first[s.name]} -> ${second}`);
    assert.equal(spawns(s.name), 1, `${s.name}: one re-export`);
    for (let i = 0; i < 3; i++) s.term.send('', 'Enter');
    await expiry(s.term, 'AFTER');
    assert.equal(spawns(s.name), 1, `${s.name}: no rolehop start once fresh again`);
  }
});

test('rolehop prompt on the warm path: no network, crypto, stream, tty or child_process module is loaded', async (t) => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-prompt-'));
  t.after(() => fs.rmSync(home, { recursive: true, force: true }));
  const probe = path.join(home, 'probe.cjs');
  const out = path.join(home, 'loaded.json');
  fs.writeFileSync(
    probe,
    `const before = new Set(process.moduleLoadList);
process.on('exit', () => {
  const loaded = process.moduleLoadList.filter((m) => !before.has(m)).map((m) => m.replace(/^NativeModule /, ''));
  require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(loaded));
});`,
  );
  const env = {
    HOME: home,
    PATH: process.env.PATH!,
    ROLEHOP_TARGET: 'prod-deploy',
    AWS_CREDENTIAL_EXPIRATION: new Date(Date.now() + 42.5 * 60_000).toISOString(),
  };
  const r = await runProcess(process.execPath, ['-r', probe, rolehopBin, 'prompt'], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^prod-deploy 42m\n$/);
  const loaded = JSON.parse(fs.readFileSync(out, 'utf8')) as string[];
  for (const heavy of ['net', 'stream', 'tty', 'child_process', 'http', 'crypto']) {
    assert.ok(!loaded.includes(heavy), `${heavy} was loaded: ${loaded.join(' ')}`);
  }
});
