import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, test } from 'node:test';
import { rolehopBin, runInProcess, runProcess } from '../harness/cli.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { CONFIGURE_LEGACY_KEYS, modesUnder, signedIn } from './harness.ts';

// Every file rolehop creates is 0600 and every folder 0700, whatever the umask; a credentials file
// others can read draws a warning from doctor and from the command that writes it.

describe('permissions', { concurrency: true }, () => {
  test('login → configure → credentials → every command: files 0600, folders 0700 under a 022 umask', async (t) => {
    const w = await sandboxWorld(t, { autoApprove: true });
    fs.rmSync(w.home.awsDir, { recursive: true, force: true });
    // A permissive umask, so the modes come from rolehop and not from the test's environment.
    const sh = (args: string[], input = '') =>
      runProcess('/bin/sh', ['-c', 'umask 022; exec "$0" "$@"', process.execPath, rolehopBin, ...args], {
        env: w.env,
        input,
      });
    const steps: [string[], string?][] = [
      [
        [
          'login',
          '--start-url',
          w.sandbox.startUrl,
          '--sso-region',
          w.sandbox.region,
          '--sso-session',
          'dev',
          '--device-code',
          '--no-browser',
        ],
      ],
      [
        [
          'configure',
          'prod',
          '--sso-session',
          'dev',
          '--account',
          '111111111111',
          '--role',
          'AdministratorAccess',
        ],
      ],
      [CONFIGURE_LEGACY_KEYS],
      [
        ['config', 'set', '--profile', 'ci', 'aws_secret_access_key', '-'],
        'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      ],
      [['credential-process', 'prod']],
      [['env', 'prod']],
      [['ls']],
      [['status']],
      [['exec', 'prod', '--', 'true']],
    ];
    for (const [args, input] of steps) {
      const r = await sh(args, input);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    const entries = modesUnder(w.home.home);
    for (const want of ['.aws/config', '.aws/credentials', '.aws/sso/cache', '.cache/rolehop']) {
      assert.ok(
        entries.some((e) => e.path === want || e.path.startsWith(`${want}/`)),
        `${want} was created`,
      );
    }
    assert.ok(
      entries.filter((e) => e.path.startsWith('.aws/sso/cache/')).length >= 2,
      'token and registration',
    );
    for (const e of entries) {
      assert.equal(e.mode, e.dir ? 0o700 : 0o600, `${e.path} is ${e.mode.toString(8)}`);
    }
  });

  test('a world-readable credentials file draws a warning from doctor and from the writer', async (t) => {
    const home = tempHome(t);
    writeFile(home.configFile, '[profile ci]\nregion = us-east-1\n');
    writeFile(
      home.credentialsFile,
      '[ci]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n',
      0o644,
    );
    const doctor = await runInProcess(['doctor'], home.env);
    assert.match(doctor.stdout + doctor.stderr, /credentials.*readable by other users \(mode 644\)/i);
    assert.match(doctor.stdout + doctor.stderr, /chmod 600/);
    const set = await runInProcess(
      ['config', 'set', '--profile', 'ci', 'aws_secret_access_key', '-'],
      home.env,
      { input: 'bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI/K7MDENG2' },
    );
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stderr, /warning: .*credentials.* readable by other users.*\n?.*chmod 600/i);
    assert.doesNotMatch(set.stderr, /bPxRfiCY/);
  });

  test('configure --style credentials into a world-readable credentials file warns too', async (t) => {
    const w = await signedIn(t);
    writeFile(w.home.credentialsFile, '[other]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n', 0o644);
    const r = await runInProcess(CONFIGURE_LEGACY_KEYS, w.env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /warning: the credentials file .* is readable by other users \(mode 644\); fix with: chmod 600/,
    );
  });
});
