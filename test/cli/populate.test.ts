import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { runInProcess } from '../harness/cli.ts';
import { waitFor } from '../harness/poll.ts';
import { requires } from '../harness/requires.ts';
import { type StartOptions, sandboxWorld } from '../harness/sandbox.ts';
import { signInAsDev } from '../harness/signed-in-world.ts';
import { devSession } from '../harness/sso-session.ts';

const USER_TOP = `# my own notes, keep them\n[default]\nregion = eu-west-1   \n\n`;
const USER_BOTTOM = `\n; written by hand\n[profile mine]\noutput = json\n`;

/** A temp HOME signed in to the sandbox as sso-session "dev", with user-written text around. */
async function world(t: TestContext, options: StartOptions = {}) {
  const w = await sandboxWorld(t, options);
  return signInAsDev(w, `${USER_TOP}${devSession(w.sandbox, { scopes: false })}${USER_BOTTOM}`);
}

const profileCount = (text: string) => (text.match(/^\[profile /gm) ?? []).length;

/** What botocore makes of the file: it refuses duplicate sections, so this also proves there are none. */
function botocoreProfiles(env: Record<string, string>): Record<string, Record<string, string>> {
  const out = execFileSync(
    'python3',
    [
      '-c',
      'import json, botocore.session\ns = botocore.session.Session()\nprint(json.dumps(s.full_config["profiles"]))',
    ],
    { env, encoding: 'utf8' },
  );
  return JSON.parse(out);
}

test('populate writes one sso profile per account × role inside its block, leaves user text byte-for-byte, and a re-run writes nothing', async (t) => {
  if (!requires(t, 'botocore')) return;
  const w = await world(t, { accounts: 200 });
  const r = await runInProcess(['populate', '--region', 'eu-west-2'], w.env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /600 profiles \(600 new, 0 removed\)/);
  assert.equal(r.stdout, '');
  const text = fs.readFileSync(w.home.configFile, 'utf8');
  assert.equal(profileCount(text), 601);
  assert.ok(text.startsWith(`${USER_TOP}[sso-session dev]\n`), 'user text above is untouched');
  const begin = text.indexOf('# rolehop:begin populate dev');
  const end = text.indexOf('# rolehop:end populate dev\n');
  assert.ok(begin > 0 && end > begin);
  const outside = text.slice(0, begin) + text.slice(end + '# rolehop:end populate dev\n'.length);
  assert.equal(outside, `${USER_TOP}${devSession(w.sandbox, { scopes: false })}${USER_BOTTOM}\n`);
  assert.match(
    text,
    /\[profile account-0042\.PowerUserAccess\]\nsso_session = dev\nsso_account_id = 100000000042\nsso_role_name = PowerUserAccess\nregion = eu-west-2\n/,
  );
  const profiles = botocoreProfiles(w.env);
  assert.equal(Object.keys(profiles).length, 602);
  assert.deepEqual(profiles['account-0200.ReadOnlyAccess'], {
    sso_session: 'dev',
    sso_account_id: '100000000200',
    sso_role_name: 'ReadOnlyAccess',
    region: 'eu-west-2',
  });
  assert.equal(fs.statSync(w.home.configFile).mode & 0o777, 0o600);

  const mtime = fs.statSync(w.home.configFile).mtimeMs;
  const again = await runInProcess(['populate', '--region', 'eu-west-2'], w.env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stderr, /up to date; nothing written/);
  assert.equal(fs.statSync(w.home.configFile).mtimeMs, mtime);
  assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), text);
});

test('vanished assignments are kept without --prune (a removed account at once, a removed role after --refresh) and removed exactly with it; --dry-run prints the diff and writes nothing', async (t) => {
  if (!requires(t, 'botocore')) return;
  const w = await world(t);
  const first = await runInProcess(['populate'], w.env);
  assert.equal(first.code, 0, first.stderr);
  const written = fs.readFileSync(w.home.configFile, 'utf8');
  assert.match(written, /\[profile prod\.ReadOnlyAccess\]/);
  // alice loses ReadOnlyAccess in prod and all of security.
  const byAccount = w.sandbox.directory!.assignments.get('alice')!;
  byAccount.set('111111111111', ['AdministratorAccess']);
  byAccount.delete('444444444444');

  // A re-run lists the accounts (security is gone) but trusts prod's roles from the inventory.
  const cheap = await runInProcess(['populate'], w.env);
  assert.equal(cheap.code, 0, cheap.stderr);
  assert.match(cheap.stderr, /1 no longer assigned, kept; --prune removes them/);
  assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), written);
  const kept = await runInProcess(['populate', '--refresh'], w.env);
  assert.equal(kept.code, 0, kept.stderr);
  assert.match(kept.stderr, /2 no longer assigned, kept; --prune removes them/);
  assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), written);

  const dry = await runInProcess(['populate', '--prune', '--dry-run'], w.env);
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), written);
  const removedLines = dry.stdout.split('\n').filter((l) => l.startsWith('-') && !l.startsWith('---'));
  assert.deepEqual(
    removedLines.filter((l) => l.startsWith('-[')),
    ['-[profile prod.ReadOnlyAccess]', '-[profile security.ReadOnlyAccess]'],
  );
  assert.equal(dry.stdout.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++')).length, 0);

  const pruned = await runInProcess(['populate', '--prune'], w.env);
  assert.equal(pruned.code, 0, pruned.stderr);
  const after = fs.readFileSync(w.home.configFile, 'utf8');
  assert.doesNotMatch(after, /prod\.ReadOnlyAccess|security\.ReadOnlyAccess/);
  assert.equal(profileCount(after), profileCount(written) - 2);
  assert.ok(after.startsWith(USER_TOP) && after.includes(USER_BOTTOM), 'user text is untouched');
  assert.equal(Object.keys(botocoreProfiles(w.env)).length, profileCount(after) + 1);
});

test('a re-run reads roles from the inventory: only new accounts and entries past --max-age are listed again', async (t) => {
  const w = await world(t);
  const first = await runInProcess(['populate'], w.env);
  assert.equal(first.code, 0, first.stderr);
  const calls = async () => {
    const c = await w.sandbox.admin.counts();
    return { accounts: c.ListAccounts ?? 0, roles: c.ListAccountRoles ?? 0 };
  };
  let before = await calls();
  const again = await runInProcess(['populate'], w.env);
  assert.equal(again.code, 0, again.stderr);
  let after = await calls();
  assert.equal(after.roles - before.roles, 0, 'no account was asked for its roles again');
  assert.equal(after.accounts - before.accounts, 1, 'the accounts were listed (one page)');

  // A new account: only its roles are asked for.
  const d = w.sandbox.directory!;
  d.accounts.push({ id: '777777777777', name: 'sandbox-new', email: 'new@example.com' });
  d.assignments.get('alice')!.set('777777777777', ['ReadOnlyAccess']);
  before = after;
  const grown = await runInProcess(['populate'], w.env);
  assert.equal(grown.code, 0, grown.stderr);
  after = await calls();
  assert.equal(after.roles - before.roles, 1, grown.stderr);
  assert.match(fs.readFileSync(w.home.configFile, 'utf8'), /\[profile sandbox-new\.ReadOnlyAccess\]/);

  // ls, the picker and selectors read the same inventory: no portal call at all.
  before = after;
  const ls = await runInProcess(['ls', 'sandbox-new'], w.env);
  assert.equal(ls.code, 0, ls.stderr);
  assert.match(ls.stdout, /777777777777 {2}sandbox-new/);
  assert.deepEqual(await calls(), before);

  // Entries past their age are listed again.
  const aged = await runInProcess(['populate', '--max-age', '0'], w.env);
  assert.equal(aged.code, 0, aged.stderr);
  after = await calls();
  assert.equal(after.roles - before.roles, 6);
});

test('after the session loses access, doctor names exactly the managed profiles that no longer resolve, from the inventory alone', async (t) => {
  const w = await world(t);
  assert.equal((await runInProcess(['populate'], w.env)).code, 0);
  const clean = await runInProcess(['doctor'], w.env);
  assert.equal(clean.code, 0, clean.stdout);
  const byAccount = w.sandbox.directory!.assignments.get('alice')!;
  byAccount.set('111111111111', ['AdministratorAccess']);
  byAccount.delete('444444444444');
  assert.equal((await runInProcess(['ls', '--refresh'], w.env)).code, 0);

  const before = await w.sandbox.admin.counts();
  const r = await runInProcess(['doctor', '--json'], w.env);
  assert.equal(r.code, 1, r.stderr);
  assert.deepEqual(await w.sandbox.admin.counts(), before, 'doctor made no portal call');
  const findings = (
    JSON.parse(r.stdout) as { code: string; profile: string; message: string; fix: string }[]
  ).filter((f) => f.code === 'unreachable-role');
  assert.deepEqual(findings.map((f) => f.profile).sort(), ['prod.ReadOnlyAccess', 'security.ReadOnlyAccess']);
  assert.match(
    findings.find((f) => f.profile === 'prod.ReadOnlyAccess')!.message,
    /role "ReadOnlyAccess" is no longer assigned to you in account 111111111111 \(prod\)/,
  );
  assert.match(
    findings.find((f) => f.profile === 'security.ReadOnlyAccess')!.message,
    /account 444444444444 is no longer reachable/,
  );
  for (const f of findings) assert.equal(f.fix, 'rolehop populate --sso-session dev --prune');

  assert.equal((await runInProcess(['populate', '--prune'], w.env)).code, 0);
  const after = await runInProcess(['doctor'], w.env);
  assert.equal(after.code, 0, after.stdout);
});

test('names are sanitised and collisions settled the same way every run, never onto a user profile', async (t) => {
  if (!requires(t, 'botocore')) return;
  const w = await world(t);
  // A user profile already holds the name the first AdministratorAccess would get.
  fs.appendFileSync(w.home.configFile, '\n[profile AdministratorAccess]\nregion = us-west-2\n');
  const r = await runInProcess(['populate', '--template', '{role_name}'], w.env);
  assert.equal(r.code, 0, r.stderr);
  const text = fs.readFileSync(w.home.configFile, 'utf8');
  for (const id of ['111111111111', '222222222222', '333333333333', '555555555555']) {
    assert.match(
      text,
      new RegExp(`\\[profile AdministratorAccess-${id}\\]\\nsso_session = dev\\nsso_account_id = ${id}\\n`),
    );
  }
  assert.match(text, /\[profile AdministratorAccess\]\nregion = us-west-2\n/);
  const names = Object.keys(botocoreProfiles(w.env));
  assert.equal(new Set(names).size, names.length);

  const spaced = await runInProcess(
    ['populate', '--template', 'x {account_name}/{role_name}!', '--dry-run'],
    w.env,
  );
  assert.equal(spaced.code, 0, spaced.stderr);
  assert.match(spaced.stdout, /^\+\[profile x-shared-services-AdministratorAccess\]$/m);
});

test('bad populate input is refused with exit 2, the fix, and no file changed', async (t) => {
  const w = await world(t);
  const before = fs.readFileSync(w.home.configFile, 'utf8');
  const cases: [string[], RegExp][] = [
    [
      ['populate', '--template', '{account}.{role_name}'],
      /unknown field \{account\}[\s\S]*hint: use \{account_name\}/,
    ],
    [['populate', '--template', '{account_name}'], /has no \{role_name\}/],
    [['populate', '--style', 'fancy'], /unknown --style "fancy"[\s\S]*hint: use sso/],
    [['populate', '--sso-session', 'nope'], /no sso-session named "nope"[\s\S]*configured sso-sessions: dev/],
    [['populate', '--region', 'Mars'], /"Mars" is not an AWS region name/],
    [['populate', '--max-age', 'soon'], /invalid --max-age "soon"[\s\S]*hint: use seconds/],
  ];
  for (const [args, message] of cases) {
    const r = await runInProcess(args, w.env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), before);
  }
});

test('a signed-out populate is exit 3 with the login command, and writes nothing', async (t) => {
  const w = await world(t);
  fs.rmSync(tokenCachePath(w.env, { name: 'dev', startUrl: w.sandbox.startUrl }));
  const before = fs.readFileSync(w.home.configFile, 'utf8');
  const r = await runInProcess(['populate'], w.env);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /rolehop login --sso-session dev/);
  assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), before);
});

test('a failed listing resumes from its checkpoint instead of listing every account again', async (t) => {
  const w = await world(t, { accounts: 200, throttleTps: 60 });
  const run = runInProcess(['populate'], w.env);
  // Once a good part is listed, the portal starts refusing: the run fails and saves its progress.
  await waitFor(
    '120 accounts listed',
    async () => ((await w.sandbox.admin.counts()).ListAccountRoles ?? 0) >= 120,
    30_000,
  );
  await w.sandbox.admin.setFaults({
    forcedErrors: [{ operation: 'ListAccountRoles', error: 'ResourceNotFoundException', status: 404 }],
  });
  const failed = await run;
  assert.notEqual(failed.code, 0);
  assert.equal(profileCount(fs.readFileSync(w.home.configFile, 'utf8')), 1, 'only the user profile');

  await w.sandbox.admin.setFaults({ forcedErrors: [], throttleTps: 0 });
  const before = (await w.sandbox.admin.counts()).ListAccountRoles ?? 0;
  const resumed = await runInProcess(['populate'], w.env);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.match(resumed.stderr, /reusing: \d+ of 200 accounts already listed/);
  const calls = ((await w.sandbox.admin.counts()).ListAccountRoles ?? 0) - before;
  assert.ok(calls < 200 - 50, `the resumed run listed ${calls} accounts again`);
  assert.equal(profileCount(fs.readFileSync(w.home.configFile, 'utf8')), 601);
});

test('populate --style process writes credential_process lines that select each role', async (t) => {
  const w = await world(t);
  const bin = path.join(w.home.home, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'rolehop'), '#!/bin/sh\n', { mode: 0o755 });
  const r = await runInProcess(['populate', '--style', 'process'], {
    ...w.env,
    PATH: `${bin}:${w.env.PATH}`,
  });
  assert.equal(r.code, 0, r.stderr);
  const text = fs.readFileSync(w.home.configFile, 'utf8');
  assert.match(
    text,
    /^\[profile staging\.PowerUserAccess\]\ncredential_process = rolehop credential-process --sso-session dev --account 222222222222 --role PowerUserAccess\n/m,
  );
  assert.equal((text.match(/^credential_process = /gm) ?? []).length, 11);
  assert.doesNotMatch(text, /^sso_account_id/m);
});

test('behind a portal throttle every profile still arrives, paced near the throttle floor', async (t) => {
  const w = await world(t, { accounts: 200, throttleTps: 100 });
  // The token bucket refuses nothing when a busy machine lists slower than 100 calls/s, so the first
  // 24 listings (three rounds of 8 concurrent calls) are refused outright: every run takes the
  // retry path, however fast or slow the machine.
  const refused = 24;
  await w.sandbox.admin.setFaults({
    forceError: {
      operation: 'ListAccountRoles',
      error: 'TooManyRequestsException',
      status: 429,
      times: refused,
    },
  });
  const throttled = await timed(() => runInProcess(['populate'], w.env));
  assert.equal(throttled.result.code, 0, throttled.result.stderr);
  assert.equal(profileCount(fs.readFileSync(w.home.configFile, 'utf8')), 601);
  const listings = (await w.sandbox.admin.counts()).ListAccountRoles ?? 0;
  assert.ok(listings >= 200 + refused, `${listings} listings: the refused calls were not all retried`);

  // Paced: the throttle's floor is (202 calls − the 100-call burst) ÷ 100/s ≈ 1 s, and the refusals
  // add about a second of back-off. Measured against the same listing unthrottled, so the machine's
  // speed cancels out; the margin only catches a back-off that waits far longer than it needs.
  await w.sandbox.admin.setFaults({ throttleTps: 0 });
  // --refresh: otherwise the inventory answers and the second run lists no role at all.
  const free = await timed(() => runInProcess(['populate', '--refresh'], w.env));
  assert.equal(free.result.code, 0, free.result.stderr);
  const extra = throttled.seconds - free.seconds;
  assert.ok(extra < 10, `the throttle added ${extra} s (${throttled.seconds} s against ${free.seconds} s)`);
});

test('under a sustained throttle at a quarter of the documented rate, populate slows down and completes', async (t) => {
  // 5 calls/s against a limiter that starts at 20: it must back off and keep going, not give up.
  const w = await world(t, { accounts: 40, throttleTps: 5 });
  const r = await runInProcess(['populate'], w.env, { signal: AbortSignal.timeout(120_000) });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(profileCount(fs.readFileSync(w.home.configFile, 'utf8')), 121);
});

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await run();
  return { result, seconds: (performance.now() - started) / 1000 };
}
