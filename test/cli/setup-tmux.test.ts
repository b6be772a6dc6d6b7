import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runInProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { rolehopOnPath, snapshot } from '../harness/signed-in-world.ts';
import { terminal } from '../harness/tmux.ts';

// `rolehop setup` as a new user meets it: a real terminal (tmux), questions answered by typing,
// a sign-in against the sandbox (device code, auto-approved), the picker, and a profile that works.

async function world(t: Parameters<typeof sandboxWorld>[0]) {
  const w = await sandboxWorld(t, { autoApprove: true, lifetimes: { deviceIntervalSeconds: 1 } });
  // Over SSH with no display: login takes the device-code flow, as it would for a real user there.
  const env: Record<string, string> = { ...rolehopOnPath(w.env), SSH_CONNECTION: '10.0.0.1 22 10.0.0.2 22' };
  for (const name of ['BROWSER', 'DISPLAY', 'WAYLAND_DISPLAY']) delete env[name];
  return { w, env };
}

test('setup asks for the start URL and region (again after a typo), signs in, picks, names, writes, and prints the command to try', async (t) => {
  if (!requires(t, 'tmux', 'bash')) return;
  const { w, env } = await world(t);
  const term = terminal(t, env);
  term.send('rolehop setup; echo "exit=$?"', 'Enter');
  await term.waitFor(/SSO start URL:\s*$/m);
  term.send('-l', w.sandbox.startUrl);
  term.send('Enter');
  await term.waitFor(/SSO region:\s*$/m);
  term.send('mars', 'Enter');
  await term.waitFor(/the SSO region "mars" is not an AWS region name[^\n]*\nSSO region:\s*$/m);
  term.send('-l', w.sandbox.region);
  term.send('Enter');
  await term.waitFor(/account and role:/);
  term.send('-l', 'staging power');
  await term.waitFor(/❯ staging +222222222222 +PowerUserAccess/);
  term.send('Enter');
  await term.waitFor(new RegExp(`Default region for the profile \\[${w.sandbox.region}\\]:\\s*$`, 'm'));
  term.send('Enter');
  await term.waitFor(/Profile name \[staging\.PowerUserAccess\]:\s*$/m);
  term.send('Enter');
  await term.waitFor(/Profile style: sso .*\[sso\]:\s*$/m);
  term.send('Enter');
  const done = await term.waitFor(/exit=\d+/);
  assert.match(done, /exit=0/);
  // Named after the portal's host, as login names a first sign-in.
  const session = new URL(w.sandbox.startUrl).hostname.split('.')[0]!;
  assert.match(done, new RegExp(`Signed in to sso-session ${session};`));
  assert.match(done, /Selected staging \(222222222222\) PowerUserAccess/);
  assert.match(done, /^ {2}aws s3 ls --profile staging\.PowerUserAccess$/m);
  assert.equal((await w.sandbox.admin.counts()).StartDeviceAuthorization, 1);

  const config = fs.readFileSync(w.home.configFile, 'utf8');
  assert.match(config, new RegExp(`^\\[sso-session ${session}\\]\nsso_start_url = `, 'm'));
  assert.match(
    config,
    /\[profile staging\.PowerUserAccess\]\nsso_session = \S+\nsso_account_id = 222222222222\nsso_role_name = PowerUserAccess\nregion = /,
  );
  // The profile works: credentials come out of it without another sign-in.
  term.send('clear; rolehop env staging.PowerUserAccess > "$HOME/out.sh"; echo "exit=$?"', 'Enter');
  await term.waitFor(/exit=0/);
  assert.match(fs.readFileSync(path.join(w.home.home, 'out.sh'), 'utf8'), /AWS_ACCESS_KEY_ID='ASIA\w+'/);
});

test('setup with every answer as a flag asks nothing; a second run reuses the sign-in', async (t) => {
  if (!requires(t, 'tmux', 'bash')) return;
  const { w, env } = await world(t);
  const term = terminal(t, env);
  // A bad flag is refused before any question or sign-in.
  term.send('rolehop setup --sso-region mars --style sso; echo "exit=$?"', 'Enter');
  const refused = await term.waitFor(/exit=\d+/);
  assert.match(refused, /exit=2/);
  assert.match(refused, /--sso-region "mars" is not an AWS region name/);
  assert.doesNotMatch(refused, /SSO start URL/);
  term.send('clear', 'Enter');
  const args = `--start-url ${w.sandbox.startUrl} --sso-region ${w.sandbox.region} --sso-session org --account dev --role AdministratorAccess --region eu-west-1`;
  term.send(`rolehop setup dev-admin ${args} --style process; echo "exit=$?"`, 'Enter');
  const first = await term.waitFor(/exit=\d+/);
  assert.match(first, /exit=0/);
  assert.doesNotMatch(first, /\]:\s*$/m, 'no question was asked');
  assert.match(first, /aws s3 ls --profile dev-admin/);
  const config = fs.readFileSync(w.home.configFile, 'utf8');
  assert.match(
    config,
    /\[profile dev-admin\]\ncredential_process = .*credential-process .*--account 333333333333/,
  );
  assert.match(config, /region = eu-west-1/);

  term.send('clear', 'Enter');
  term.send(`rolehop setup dev-admin2 ${args} --style sso; echo "exit=$?"`, 'Enter');
  const second = await term.waitFor(/exit=\d+/);
  assert.match(second, /exit=0/);
  assert.match(second, /Already signed in to sso-session org\./);
  assert.equal((await w.sandbox.admin.counts()).StartDeviceAuthorization, 1);
});

test('setup without a terminal is a usage error naming the commands for scripts, and changes nothing', async (t) => {
  const { w } = await world(t);
  const before = snapshot(w.home.home);
  const r = await runInProcess(
    ['setup', '--start-url', w.sandbox.startUrl, '--sso-region', w.sandbox.region],
    w.env,
  );
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /setup asks questions and needs a terminal/);
  assert.match(r.stderr, /hint: in scripts: rolehop login --start-url URL .* then rolehop configure NAME /);
  assert.deepEqual(snapshot(w.home.home), before);
});
