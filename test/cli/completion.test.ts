import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import { runInProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { rolehopOnPath } from '../harness/signed-in-world.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { terminal } from '../harness/tmux.ts';

const CONFIG = `[default]
region = eu-west-1
[profile prod-deploy]
role_arn = arn:aws:iam::111122223333:role/Deploy
source_profile = default
[sso-session my-org]
sso_start_url = https://my-org.awsapps.com/start
sso_region = eu-west-1
`;

/**
 * A shell in a detached tmux session with `rolehop` on PATH, typed into like a person would. The
 * harness's 30 s wait: zsh's compinit alone took over 10 s on a loaded CI machine.
 */
function tmuxShell(t: TestContext, shell: readonly string[], env: Record<string, string>) {
  return terminal(t, rolehopOnPath(env), { shell, width: 200 });
}

test('completion scripts parse in bash, zsh and fish', async (t) => {
  const { env } = tempHome(t);
  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    await t.test(shell, async (t) => {
      if (!requires(t, shell)) return;
      const r = await runInProcess(['completion', shell], env);
      assert.equal(r.code, 0);
      const script = path.join(env.HOME!, `completion.${shell}`);
      fs.writeFileSync(script, r.stdout);
      execFileSync(shell, ['-n', script]);
    });
  }
  const bad = await runInProcess(['completion', 'tcsh'], env);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bash, zsh or fish/);
});

test('__complete lists profile and sso-session names from the user files, and stays quiet on a broken file', async (t) => {
  const home = tempHome(t);
  writeFile(home.configFile, CONFIG);
  const profiles = await runInProcess(['__complete', 'profiles'], home.env);
  assert.equal(profiles.stdout, 'default\nprod-deploy\n');
  const sessions = await runInProcess(['__complete', 'sso-sessions'], home.env);
  assert.equal(sessions.stdout, 'my-org\n');
  writeFile(home.configFile, '[profile x\n=garbage\n');
  const broken = await runInProcess(['__complete', 'profiles'], home.env);
  assert.equal(broken.code, 0);
  assert.equal(broken.stderr, '');
});

test('bash completes a profile name typed in a terminal', async (t) => {
  if (!requires(t, 'tmux', 'bash')) return;
  const home = tempHome(t);
  writeFile(home.configFile, CONFIG);
  const term = tmuxShell(t, ['bash', '--norc', '--noprofile'], home.env);
  term.send('source <(rolehop completion bash) && echo loaded', 'Enter');
  await term.waitFor(/^loaded\n\$/m);
  term.send('rolehop exp', 'Tab');
  await term.waitFor(/^\$ rolehop explain\s*$/m);
  term.send('prod-d', 'Tab');
  await term.waitFor(/rolehop explain prod-deploy/);
});

test('zsh completes a profile name typed in a terminal', async (t) => {
  if (!requires(t, 'tmux', 'zsh')) return;
  const home = tempHome(t);
  writeFile(home.configFile, CONFIG);
  const term = tmuxShell(t, ['zsh', '-f'], home.env);
  term.send(
    'autoload -U compinit && compinit -u && source <(rolehop completion zsh) && echo loaded',
    'Enter',
  );
  await term.waitFor(/^loaded\n\$/m);
  term.send('rolehop env --profile prod-d', 'Tab');
  await term.waitFor(/rolehop env --profile prod-deploy/);
  term.send('C-u');
  term.send('rolehop login --sso-session m', 'Tab');
  await term.waitFor(/rolehop login --sso-session my-org/);
});

test('every shell completes the setup command and its flags', async () => {
  const { bashScript, fishScript, zshScript } = await import('../../src/cli/cmd/completion.ts');
  for (const [shell, script] of [
    ['bash', bashScript()],
    ['zsh', zshScript()],
    ['fish', fishScript()],
  ] as const) {
    assert.match(script, /\bsetup\b/, shell);
    assert.match(script, /start-url/, shell);
  }
  assert.match(bashScript(), /^ {4}setup\) opts="[^"]*--start-url[^"]*--sso-region/m);
});
