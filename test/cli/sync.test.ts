import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { type TestContext, test } from 'node:test';
import { runCli, runInProcess, runProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { writeFile } from '../harness/temp-home.ts';

// The credentials style against the sandbox's own STS: keys in ~/.aws/credentials, refreshed by
// `rolehop sync`, which never writes a profile it did not write itself.

const USER_KEYS =
  '# my static keys\n[keep]\naws_access_key_id = AKIAUSERKEY\naws_secret_access_key = user-secret\n';

async function world(t: TestContext) {
  const w = await signedInWorld(t);
  writeFile(w.home.credentialsFile, USER_KEYS);
  return w;
}

const keyOf = (text: string, name: string) =>
  new RegExp(`\\[${name}\\]\\naws_access_key_id = (\\S+)\\n`).exec(text)?.[1];

test('credentials style writes keys with their expiry; sync keeps fresh keys, replaces stale ones, and leaves user sections byte-for-byte', async (t) => {
  if (!requires(t, 'awscli')) return;
  const w = await world(t);
  const r = await runInProcess(
    ['configure', 'legacy', '--account', 'prod', '--role', 'ReadOnlyAccess', '--style', 'credentials'],
    w.env,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr + r.stdout, /aws_secret_access_key = (?!\*)/, 'no secret in the shown diff');
  const config = fs.readFileSync(w.home.configFile, 'utf8');
  assert.match(
    config,
    /\[profile legacy-sso\]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = ReadOnlyAccess\n/,
  );
  let creds = fs.readFileSync(w.home.credentialsFile, 'utf8');
  assert.ok(creds.startsWith(`${USER_KEYS}\n# rolehop:begin credentials legacy from=legacy-sso\n`));
  assert.match(
    creds,
    /# expires \S+Z; refresh with: rolehop sync legacy\n\[legacy\]\naws_access_key_id = \S+\naws_secret_access_key = \S+\naws_session_token = \S+\n# rolehop:end credentials legacy\n$/,
  );
  assert.equal(fs.statSync(w.home.credentialsFile).mode & 0o777, 0o600);
  const first = keyOf(creds, 'legacy');

  // A tool that reads only the credentials file acts as the role.
  const who = await runProcess(
    'aws',
    ['sts', 'get-caller-identity', '--profile', 'legacy', '--output', 'text'],
    {
      env: { ...w.env, AWS_CONFIG_FILE: '/nonexistent', AWS_DEFAULT_REGION: 'us-east-1' },
    },
  );
  assert.equal(who.code, 0, who.stderr);
  assert.match(who.stdout, /assumed-role\/ReadOnlyAccess\//);

  const mtime = fs.statSync(w.home.credentialsFile).mtimeMs;
  const fresh = await runInProcess(['sync', 'legacy'], w.env);
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.match(fresh.stderr, /legacy: keys still fresh, nothing written \(valid until \S+Z\)/);
  assert.equal(fs.statSync(w.home.credentialsFile).mtimeMs, mtime);

  // Keys with less than 2 h left count as stale: sync fetches and writes new ones.
  const stale = await runInProcess(['sync', '--all', '--min-ttl', '2h'], w.env);
  assert.equal(stale.code, 0, stale.stderr);
  assert.match(stale.stderr, /legacy: new keys written/);
  creds = fs.readFileSync(w.home.credentialsFile, 'utf8');
  assert.ok(creds.startsWith(`${USER_KEYS}\n# rolehop:begin credentials legacy`));
  assert.notEqual(keyOf(creds, 'legacy'), first);
  assert.equal(keyOf(creds, 'keep'), 'AKIAUSERKEY');

  // Back to the sso style: the keys go, the user's section stays.
  const back = await runInProcess(
    ['configure', 'legacy', '--account', '111111111111', '--role', 'ReadOnlyAccess'],
    w.env,
  );
  assert.equal(back.code, 0, back.stderr);
  assert.equal(fs.readFileSync(w.home.credentialsFile, 'utf8'), USER_KEYS);
  const none = await runInProcess(['sync', '--all'], w.env);
  assert.equal(none.code, 0, none.stderr);
  assert.match(none.stderr, /no credentials-style profiles/);
});

test('sync never writes keys for a profile it does not manage, and refuses bad arguments untouched', async (t) => {
  const w = await world(t);
  const cases: [string[], RegExp][] = [
    [
      ['sync', 'keep'],
      /does not manage keys for "keep"[\s\S]*hint: make it a credentials-style profile first/,
    ],
    [['sync'], /name the profiles to refresh, or pass --all/],
    [['sync', 'keep', '--all'], /profile names or --all, not both/],
  ];
  for (const [args, message] of cases) {
    const r = await runInProcess(args, w.env);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(fs.readFileSync(w.home.credentialsFile, 'utf8'), USER_KEYS);
  }
  const config = fs.readFileSync(w.home.configFile, 'utf8');
  const taken = await runInProcess(
    ['configure', 'keep', '--account', '111111111111', '--role', 'ReadOnlyAccess', '--style', 'credentials'],
    w.env,
  );
  assert.equal(taken.code, 1, taken.stderr);
  assert.match(taken.stderr, /\[keep\] in .* was not written by rolehop; refusing to replace its keys/);
  assert.equal(fs.readFileSync(w.home.credentialsFile, 'utf8'), USER_KEYS);
  assert.equal(fs.readFileSync(w.home.configFile, 'utf8'), config);
});

test('signed out: configure --style credentials and sync fail with exit 3 and change no file', async (t) => {
  const w = await world(t);
  const ok = await runInProcess(
    [
      'configure',
      'legacy',
      '--account',
      '111111111111',
      '--role',
      'ReadOnlyAccess',
      '--style',
      'credentials',
    ],
    w.env,
  );
  assert.equal(ok.code, 0, ok.stderr);
  await w.sandbox.admin.revokeTokens();
  const files = () => [w.home.configFile, w.home.credentialsFile].map((f) => fs.readFileSync(f, 'utf8'));
  const before = files();
  // The real binary's exit code for sync (the other runs here are in process).
  const sync = await runCli(['sync', 'legacy', '--min-ttl', '2h'], { env: w.env });
  assert.equal(sync.code, 3, sync.stderr);
  assert.match(sync.stderr, /legacy: .*[\s\S]*rolehop login --sso-session dev/);
  const another = await runInProcess(
    ['configure', 'other', '--account', '222222222222', '--role', 'ReadOnlyAccess', '--style', 'credentials'],
    w.env,
  );
  assert.equal(another.code, 3, another.stderr);
  assert.deepEqual(files(), before);
});

test('populate --style credentials writes keys for every role, sync --all refreshes them, and --prune removes the vanished ones', async (t) => {
  if (!requires(t, 'awscli')) return;
  const w = await world(t);
  const dry = await runInProcess(['populate', '--style', 'credentials', '--dry-run'], w.env);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stderr, /would write short-term keys for 11 profiles/);
  assert.equal(fs.readFileSync(w.home.credentialsFile, 'utf8'), USER_KEYS);

  const r = await runInProcess(['populate', '--style', 'credentials', '--region', 'us-east-1'], w.env);
  assert.equal(r.code, 0, r.stderr);
  let creds = fs.readFileSync(w.home.credentialsFile, 'utf8');
  assert.ok(creds.startsWith(USER_KEYS));
  assert.equal(
    (creds.match(/^# rolehop:begin credentials \S+ sso-session=dev account=\d{12} role=\w+$/gm) ?? []).length,
    11,
  );
  assert.match(
    fs.readFileSync(w.home.configFile, 'utf8'),
    /\[profile prod\.ReadOnlyAccess\]\nregion = us-east-1\n/,
  );
  const who = await runProcess(
    'aws',
    ['sts', 'get-caller-identity', '--profile', 'prod.ReadOnlyAccess', '--output', 'text'],
    {
      env: w.env,
    },
  );
  assert.equal(who.code, 0, who.stderr);
  assert.match(who.stdout, /111111111111\s+arn:aws:sts::111111111111:assumed-role\/ReadOnlyAccess\//);

  const old = keyOf(creds, 'dev\\.PowerUserAccess');
  const sync = await runInProcess(['sync', '--all', '--min-ttl', '2h'], w.env);
  assert.equal(sync.code, 0, sync.stderr);
  assert.equal((sync.stderr.match(/: new keys written/g) ?? []).length, 11);
  creds = fs.readFileSync(w.home.credentialsFile, 'utf8');
  assert.notEqual(keyOf(creds, 'dev\\.PowerUserAccess'), old);

  w.sandbox.directory!.assignments.get('alice')!.delete('444444444444');
  const pruned = await runInProcess(
    ['populate', '--style', 'credentials', '--region', 'us-east-1', '--prune'],
    w.env,
  );
  assert.equal(pruned.code, 0, pruned.stderr);
  creds = fs.readFileSync(w.home.credentialsFile, 'utf8');
  assert.doesNotMatch(creds, /security\.ReadOnlyAccess/);
  assert.doesNotMatch(fs.readFileSync(w.home.configFile, 'utf8'), /security\.ReadOnlyAccess/);
  assert.equal((creds.match(/^# rolehop:begin credentials /gm) ?? []).length, 10);
  assert.ok(creds.startsWith(USER_KEYS));
});
