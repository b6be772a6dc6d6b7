import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { requires } from '../harness/requires.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { rolehopOnPath, signedInWorld } from '../harness/signed-in-world.ts';
import { devSession } from '../harness/sso-session.ts';
import { writeFile } from '../harness/temp-home.ts';
import { terminal } from '../harness/tmux.ts';

// The picker as a person meets it: a real terminal (tmux), keys typed, the screen read back.

test('the picker filters as you type, moves with arrows and picks with Enter; Esc cancels with 130; MFA codes are asked there; Ctrl-C reaches the exec child once', async (t) => {
  if (!requires(t, 'tmux', 'bash')) return;
  const w = await signedInWorld(t);
  const term = terminal(t, rolehopOnPath(w.env));
  term.send('rolehop whoami; echo "exit=$?"', 'Enter');
  await term.waitFor(/account and role:/);
  await term.waitFor(/❯ dev +333333333333 +AdministratorAccess/);
  term.send('-l', 'staging');
  const filtered = await term.waitFor(/3\/\d+ +↑↓ move/);
  assert.doesNotMatch(filtered, /333333333333/, 'other accounts are filtered out');
  term.send('Down');
  await term.waitFor(/❯ staging +222222222222 +PowerUserAccess/);
  term.send('Enter');
  const done = await term.waitFor(/exit=0/);
  assert.match(done, /Selected staging \(222222222222\) PowerUserAccess/);
  assert.match(done, /Arn: +arn:aws:sts::222222222222:assumed-role\/PowerUserAccess\//);

  term.send('clear; rolehop env; echo "exit=$?"', 'Enter');
  await term.waitFor(/account and role:/);
  term.send('Escape');
  const cancelled = await term.waitFor(/exit=130/);
  assert.match(cancelled, /cancelled: nothing was selected/);
  assert.doesNotMatch(cancelled, /AWS_ACCESS_KEY_ID/);

  // An MFA hop asks for the code on the terminal (stderr), not on stdout.
  term.send(
    'clear; rolehop env --account prod --role AdministratorAccess --assume arn:aws:iam::222222222222:role/Deploy --mfa-serial arn:aws:iam::111111111111:mfa/alice > "$HOME/out.sh"; echo "exit=$?"',
    'Enter',
  );
  await term.waitFor(/MFA code for arn:aws:iam::111111111111:mfa\/alice:\s*$/m);
  term.send('123456', 'Enter');
  await term.waitFor(/exit=0/);
  assert.match(
    fs.readFileSync(path.join(w.home.home, 'out.sh'), 'utf8'),
    /^export AWS_ACCESS_KEY_ID='ASIA\w+';$/m,
  );

  // Ctrl-C in a terminal reaches the child once (terraform treats a second one as "force").
  const child =
    "let n = 0; process.on('SIGINT', () => { n++; console.log('SIGINT ' + n); setTimeout(() => process.exit(n), 500) }); console.log('ready'); setInterval(() => {}, 1000)";
  term.send('clear', 'Enter');
  term.send(
    '-l',
    `rolehop exec --account prod --role ReadOnlyAccess -- "${process.execPath}" -e "${child}"; echo "exit=$?"`,
  );
  term.send('Enter');
  await term.waitFor(/^ready$/m);
  term.send('C-c');
  const interrupted = await term.waitFor(/exit=\d+/);
  assert.match(interrupted, /exit=1$/m, 'one SIGINT, and the exit code passed through');
  assert.doesNotMatch(interrupted, /SIGINT 2/);
});

test('on a terminal, a command that needs a sign-in starts one (device code over SSH) and carries on', async (t) => {
  if (!requires(t, 'tmux', 'bash')) return;
  const w = await sandboxWorld(t, { autoApprove: true, lifetimes: { deviceIntervalSeconds: 1 } });
  writeFile(w.home.configFile, `${devSession(w.sandbox)}`);
  const env: Record<string, string> = { ...rolehopOnPath(w.env), SSH_CONNECTION: '10.0.0.1 22 10.0.0.2 22' };
  delete env.BROWSER;
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const term = terminal(t, env);
  term.send('rolehop whoami --account prod --role ReadOnlyAccess; echo "exit=$?"', 'Enter');
  const done = await term.waitFor(/exit=\d+/);
  assert.match(done, /exit=0/);
  assert.match(done, /Arn: +arn:aws:sts::111111111111:assumed-role\/ReadOnlyAccess\//);
  assert.equal((await w.sandbox.admin.counts()).StartDeviceAuthorization, 1);
});
