import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runPlan } from '../../src/creds/run-plan.ts';
import { splitCommandLine } from '../../src/creds/split-command.ts';
import { ConfigError } from '../../src/util/errors.ts';
import { tempHome } from '../harness/temp-home.ts';
import { baseDeps } from './helpers.ts';

test('credential_process lines split like POSIX shlex, without a shell', () => {
  assert.deepEqual(splitCommandLine('aws-vault  export --format=json prod'), [
    'aws-vault',
    'export',
    '--format=json',
    'prod',
  ]);
  assert.deepEqual(splitCommandLine(`'/opt/my tools/get' "a \\"b\\" c" d\\ e '' $HOME`), [
    '/opt/my tools/get',
    'a "b" c',
    'd e',
    '',
    '$HOME',
  ]);
  assert.deepEqual(splitCommandLine('x "it\'s" \'say "hi"\''), ['x', "it's", 'say "hi"']);
  assert.deepEqual(splitCommandLine('   '), []);
  assert.throws(() => splitCommandLine('get "unterminated'), /unterminated " quote/);
});

/** A credential_process script in the temp home that prints `output` and exits with `code`. */
function script(home: string, name: string, body: string): string {
  const file = path.join(home, `${name}.mjs`);
  fs.writeFileSync(file, body);
  return `"${process.execPath}" "${file}"`;
}

test('credential_process output is parsed as Version 1 JSON; arguments and env reach the process', async (t) => {
  const home = tempHome(t);
  const command = script(
    home.home,
    'ok',
    `process.stdout.write(JSON.stringify({Version: 1, AccessKeyId: 'AKIAEXAMPLE' + Buffer.from(process.argv[2]).toString('hex').toUpperCase(), SecretAccessKey: process.env.PROC_SECRET, SessionToken: 'tok-value-123456', Expiration: '2030-01-02T03:04:05Z'}));`,
  );
  const creds = await runPlan(
    { source: { kind: 'process', command: `${command} "ARG 1"` }, hops: [] },
    baseDeps({ ...home.env, PROC_SECRET: 'process-secret-value' }),
  );
  assert.deepEqual(creds, {
    accessKeyId: 'AKIAEXAMPLE4152472031', // hex of the argument "ARG 1"
    secretAccessKey: 'process-secret-value',
    sessionToken: 'tok-value-123456',
    expiration: new Date('2030-01-02T03:04:05Z'),
  });
});

test('credential_process failures say what went wrong without echoing its output', async (t) => {
  const home = tempHome(t);
  const leaked = 'SECRET-THAT-MUST-NOT-LEAK';
  const cases: [string, RegExp][] = [
    [
      script(home.home, 'fail', `console.error('token expired, run sso login'); process.exit(3);`),
      /exited with status 3: token expired, run sso login/,
    ],
    [
      script(home.home, 'notjson', `process.stdout.write('${leaked} not json');`),
      /did not print JSON on stdout/,
    ],
    [
      script(
        home.home,
        'v2',
        `process.stdout.write(JSON.stringify({Version: 2, AccessKeyId: 'A', SecretAccessKey: '${leaked}'}));`,
      ),
      /printed Version 2; only Version 1/,
    ],
    [
      script(
        home.home,
        'nokey',
        `process.stdout.write(JSON.stringify({Version: 1, SecretAccessKey: '${leaked}'}));`,
      ),
      /printed no AccessKeyId or SecretAccessKey/,
    ],
    [
      script(
        home.home,
        'badexp',
        `process.stdout.write(JSON.stringify({Version: 1, AccessKeyId: 'A', SecretAccessKey: '${leaked}', Expiration: 'soon'}));`,
      ),
      /invalid Expiration/,
    ],
    ['/nonexistent/credential-helper --flag', /could not run "\/nonexistent\/credential-helper" \(ENOENT\)/],
    ['helper "open', /unterminated " quote/],
  ];
  for (const [command, message] of cases) {
    await assert.rejects(
      runPlan({ source: { kind: 'process', command, profile: 'dev' }, hops: [] }, baseDeps(home.env)),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, String(error));
        assert.match(error.message, message);
        assert.ok(!error.message.includes(leaked), 'output is not echoed');
        return true;
      },
    );
  }
});
