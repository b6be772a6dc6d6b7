import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { agentStateFile } from '../../src/cli/agent-client.ts';
import { readAgentState } from '../../src/server/agent-state.ts';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { exportsOf, get, stopAgentAfter } from '../harness/agent.ts';
import { runCli, runProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { signIn, tokenCacheEntry } from '../harness/sandbox.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';
import { writeFile } from '../harness/temp-home.ts';
import { startCli, waitFor } from '../sso/fixtures/browser-spy.ts';

// The per-user agent through the built CLI: env --agent starts it, each target has its own token,
// status and stop, and a killed agent comes back on the same port with the old tokens still good.

const PROFILES = `
[profile app]
sso_session = dev
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = eu-west-1

[profile reader]
sso_session = dev
sso_account_id = 222222222222
sso_role_name = ReadOnlyAccess
`;

test('env --agent: a target per call with its own token, 403 across targets, status, stop, and a restart that heals old tokens', async (t) => {
  const w = await signedInWorld(t);
  fs.appendFileSync(w.home.configFile, PROFILES);
  stopAgentAfter(t, w.env);
  // No AWS_REGION in this shell: the profile's region is exported.
  const { AWS_REGION: _, ...base } = w.env;
  const env = { ...base, SHELL: '/bin/bash' };

  const a = await runCli(['env', 'app', '--agent'], { env });
  assert.equal(a.code, 0, a.stderr);
  const va = exportsOf(a.stdout);
  assert.match(va.AWS_CONTAINER_CREDENTIALS_FULL_URI!, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]+$/);
  assert.equal(va.AWS_REGION, 'eu-west-1');
  assert.equal(va.ROLEHOP_TARGET, 'app');
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
    assert.match(a.stdout, new RegExp(`^unset ${name};$`, 'm'));
  }
  const b = await runCli(['env', '--account', '222222222222', '--role', 'ReadOnlyAccess', '--agent'], {
    env,
  });
  assert.equal(b.code, 0, b.stderr);
  const vb = exportsOf(b.stdout);
  assert.equal(vb.ROLEHOP_TARGET, '--sso-session dev --account 222222222222 --role ReadOnlyAccess');

  const urlA = va.AWS_CONTAINER_CREDENTIALS_FULL_URI!;
  const urlB = vb.AWS_CONTAINER_CREDENTIALS_FULL_URI!;
  assert.equal(new URL(urlA).port, new URL(urlB).port, 'one agent serves both');
  const own = await get(urlA, { Authorization: va.AWS_CONTAINER_AUTHORIZATION_TOKEN! });
  assert.equal(own.status, 200, own.body);
  const credsA = JSON.parse(own.body);
  assert.deepEqual(Object.keys(credsA), ['AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration']);
  const ownB = await get(urlB, { Authorization: vb.AWS_CONTAINER_AUTHORIZATION_TOKEN! });
  assert.equal(ownB.status, 200);
  assert.notEqual(JSON.parse(ownB.body).AccessKeyId, credsA.AccessKeyId);
  // One shell's token for the other's target.
  const cross = await get(urlB, { Authorization: va.AWS_CONTAINER_AUTHORIZATION_TOKEN! });
  assert.equal(cross.status, 403);
  assert.equal((await get(urlA, {})).status, 401);
  assert.equal(
    (await get(urlA, { Authorization: va.AWS_CONTAINER_AUTHORIZATION_TOKEN!, Host: 'rebind.example' }))
      .status,
    403,
  );
  const port = new URL(urlA).port;
  assert.equal((await get(`http://127.0.0.1:${port}/_agent/status`, { Authorization: 'guess' })).status, 403);

  // The state: 0600 in a 0700 folder, hashes only.
  const file = agentStateFile(w.env);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  const stateText = fs.readFileSync(file, 'utf8');
  for (const secret of [
    va.AWS_CONTAINER_AUTHORIZATION_TOKEN!,
    vb.AWS_CONTAINER_AUTHORIZATION_TOKEN!,
    credsA.SecretAccessKey,
  ]) {
    assert.equal(stateText.includes(secret), false, 'a token or key reached the state file');
  }

  const status = await runCli(['agent', 'status', '--json'], { env: w.env });
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout);
  assert.equal(s.running, true);
  assert.deepEqual(
    s.targets.map((x: { label: string }) => x.label),
    ['app', '222222222222/ReadOnlyAccess'],
  );
  assert.ok(s.targets[0].lastFetch.ok);
  assert.match(s.targets[0].lastFetch.expiration, /^\d{4}-/);
  const text = await runCli(['agent', 'status'], { env: w.env });
  assert.match(text.stdout, /^ {2}app +\S+ {2}last fetch .* ago, expires in \d+m$/m);

  // Killed: status says how to fix it; the next env --agent restarts it on the same port and the
  // first shell's token works again without a re-export.
  const pid = readAgentState(file)!.pid;
  process.kill(pid, 'SIGKILL');
  await delay(200);
  const dead = await runCli(['agent', 'status'], { env: w.env });
  assert.equal(dead.code, 1);
  assert.match(dead.stdout, /not running/);
  assert.match(dead.stderr, /hint: run 'rolehop agent start'/);
  const again = await runCli(['env', 'reader', '--agent'], { env });
  assert.equal(again.code, 0, again.stderr);
  assert.notEqual(readAgentState(file)!.pid, pid);
  const healed = await get(urlA, { Authorization: va.AWS_CONTAINER_AUTHORIZATION_TOKEN! });
  assert.equal(healed.status, 200, healed.body);

  const stop = await runCli(['agent', 'stop'], { env: w.env });
  assert.equal(stop.code, 0, stop.stderr);
  await assert.rejects(get(urlA, { Authorization: va.AWS_CONTAINER_AUTHORIZATION_TOKEN! }), /ECONNREFUSED/);
});

test('sign-in expired: the agent answers 503 SignInRequired, which botocore shows; a new sign-in heals the same shell; exec --agent', async (t) => {
  if (!requires(t, 'botocore')) return;
  const w = await signedInWorld(t);
  fs.appendFileSync(w.home.configFile, PROFILES);
  stopAgentAfter(t, w.env);
  await w.sandbox.admin.setLifetimes({ roleCredentialSeconds: 3 });
  const r = await runCli(['env', 'app', '--agent', '--format', 'bash'], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  const v = exportsOf(r.stdout);
  const url = v.AWS_CONTAINER_CREDENTIALS_FULL_URI!;
  const token = v.AWS_CONTAINER_AUTHORIZATION_TOKEN!;
  await w.sandbox.admin.revokeTokens();
  await delay(3_500);
  const refused = await get(url, { Authorization: token });
  assert.equal(refused.status, 503, refused.body);
  const body = JSON.parse(refused.body);
  assert.equal(body.Code, 'SignInRequired');
  assert.match(body.Message, /rolehop login --sso-session dev/);
  const py = await runProcess(
    'python3',
    [
      '-c',
      'import botocore.session as s; print(s.get_session().get_credentials().get_frozen_credentials().access_key)',
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: w.env.HOME,
        AWS_CONTAINER_CREDENTIALS_FULL_URI: url,
        AWS_CONTAINER_AUTHORIZATION_TOKEN: token,
      },
    },
  );
  assert.notEqual(py.code, 0);
  assert.match(py.stderr, /rolehop login --sso-session dev/);
  // The JS SDK says only "Could not load credentials from any providers"; status names the fix.
  const status = await runCli(['agent', 'status'], { env: w.env });
  assert.match(
    status.stdout,
    /^ {2}app +\S+ {2}last fetch .* FAILED: .*hint: run rolehop login --sso-session dev$/m,
  );
  // What `rolehop login` does: a new token in the SSO cache. The shell's endpoint works again.
  const tokens = await signIn(w.sandbox);
  writeFile(
    tokenCachePath(w.env, { name: 'dev', startUrl: w.sandbox.startUrl }),
    JSON.stringify(tokenCacheEntry(w.sandbox, tokens)),
  );
  const healed = await get(url, { Authorization: token });
  assert.equal(healed.status, 200, healed.body);

  const exec = await runCli(
    [
      'exec',
      'reader',
      '--agent',
      '--',
      process.execPath,
      '-e',
      'console.log(process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI, process.env.AWS_ACCESS_KEY_ID ?? "no-keys")',
    ],
    { env: { ...w.env, AWS_ACCESS_KEY_ID: 'AKIASTATICNOTUSED000' } },
  );
  assert.equal(exec.code, 0, exec.stderr);
  assert.match(exec.stdout, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]+ no-keys\n$/);
});

test('a foreground `rolehop agent` is reused by env --agent, refuses a second one, logs without secrets, and exits when idle', async (t) => {
  const w = await signedInWorld(t);
  fs.appendFileSync(w.home.configFile, PROFILES);
  stopAgentAfter(t, w.env);
  // Idle long enough that a slow sign-in fetch by env --agent on a loaded machine cannot outlast it.
  const fg = startCli(t, ['agent', '--idle', '15s', '--debug'], w.env);
  await waitFor(() => /serving 0 target\(s\) on http/.test(fg.stderr()), 'the agent to listen');
  const second = await runCli(['agent'], { env: w.env });
  assert.equal(second.code, 1);
  assert.match(second.stderr, /a rolehop agent is already running \(pid \d+/);
  const r = await runCli(['env', 'app', '--agent', '--format', 'bash'], { env: w.env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readAgentState(agentStateFile(w.env))!.pid, fg.child.pid, 'the foreground agent serves it');
  const v = exportsOf(r.stdout);
  const creds = await get(v.AWS_CONTAINER_CREDENTIALS_FULL_URI!, {
    Authorization: v.AWS_CONTAINER_AUTHORIZATION_TOKEN!,
  });
  assert.equal(creds.status, 200);
  const done = await fg.done;
  assert.equal(done.code, 0);
  assert.match(done.stderr, /new target app/);
  assert.match(done.stderr, /no requests for 15s; exiting/);
  for (const secret of [v.AWS_CONTAINER_AUTHORIZATION_TOKEN!, JSON.parse(creds.body).SecretAccessKey]) {
    assert.equal(done.stderr.includes(secret), false, 'a secret reached the log');
  }
});
