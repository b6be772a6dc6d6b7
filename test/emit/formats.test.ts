import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Credentials,
  containerCredentialsJson,
  containerEnvAssignments,
  credentialProcessJson,
  defaultShellFormat,
  ENV_FORMATS,
  formatAssignments,
  formatEnv,
  parseEnvFormat,
  quoteForCmd,
  quoteForFish,
  quoteForPosix,
  quoteForPwsh,
} from '../../src/emit/index.ts';
import { RolehopError, UsageError } from '../../src/util/errors.ts';

const creds: Credentials = {
  accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLE+token/with==',
  expiration: new Date('2026-01-02T03:04:05.678Z'),
};

test('POSIX quoting closes, escapes and reopens single quotes', () => {
  assert.equal(quoteForPosix(''), "''");
  assert.equal(quoteForPosix("it's"), `'it'\\''s'`);
  assert.equal(quoteForPosix('$(x) `y` \\ !'), "'$(x) `y` \\ !'");
});

test('fish quoting escapes only backslash and single quote', () => {
  assert.equal(quoteForFish("a'b\\c$d"), "'a\\'b\\\\c$d'");
});

test('PowerShell quoting doubles every kind of single quote and keeps line breaks outside quotes', () => {
  assert.equal(quoteForPwsh("it's $x `n"), "'it''s $x `n'");
  assert.equal(
    quoteForPwsh('a\u2018b\u2019c\u201ad\u201be'),
    "'a\u2018\u2018b\u2019\u2019c\u201a\u201ad\u201b\u201be'",
  );
  assert.equal(quoteForPwsh("x\r\n'"), "('x' + [char]13 + [char]10 + '''')");
  assert.equal(quoteForPwsh('\n'), '([char]10)');
  // Every emitted line is complete on its own, so line-by-line Invoke-Expression cannot split a value.
  const text = formatEnv('pwsh', { ...creds, secretAccessKey: "a\nRemove-Item -Recurse ~ #'" });
  for (const line of text.trimEnd().split('\n'))
    assert.match(line, /^(\$Env:AWS_\w+ = .*|Remove-Item Env:\w+ .*)$/);
  assert.match(
    text,
    /^\$Env:AWS_SECRET_ACCESS_KEY = \('a' \+ \[char\]10 \+ 'Remove-Item -Recurse ~ #'''\)$/m,
  );
});

test('cmd output uses set "NAME=value" and refuses values cmd would interpret', () => {
  const text = formatEnv('cmd', creds, { region: 'eu-west-1' });
  assert.equal(
    text,
    [
      'set "AWS_PROFILE="',
      'set "AWS_CONTAINER_CREDENTIALS_FULL_URI="',
      'set "AWS_CONTAINER_AUTHORIZATION_TOKEN="',
      'set "AWS_ACCESS_KEY_ID=ASIAEXAMPLEEXAMPLE01"',
      'set "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
      'set "AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEXAMPLE+token/with=="',
      'set "AWS_CREDENTIAL_EXPIRATION=2026-01-02T03:04:05Z"',
      'set "AWS_REGION=eu-west-1"',
      'set "AWS_DEFAULT_REGION=eu-west-1"',
      '',
    ].join('\r\n'),
  );
  for (const bad of ['"', '%', '!', '^', '&', '|', '<', '>', '\n', '\r', '\t', 'é']) {
    const secret = `secretvalue${bad}tail`;
    assert.throws(
      () => formatEnv('cmd', { ...creds, secretAccessKey: secret }),
      (e: unknown) =>
        e instanceof RolehopError &&
        /^AWS_SECRET_ACCESS_KEY contains .+ which cmd\.exe cannot hold safely/.test(e.message) &&
        /--format pwsh/.test(e.hint ?? '') &&
        !e.message.includes('secretvalue'),
    );
  }
  assert.equal(quoteForCmd('plain-value/+='), 'plain-value/+=');
});

test('shell output sets every variable, unsets AWS_PROFILE, and the token when there is none', () => {
  assert.equal(
    formatEnv('bash', creds, { region: 'us-east-1' }),
    [
      'unset AWS_PROFILE;',
      // Keys replace an agent endpoint exported earlier.
      'unset AWS_CONTAINER_CREDENTIALS_FULL_URI;',
      'unset AWS_CONTAINER_AUTHORIZATION_TOKEN;',
      "export AWS_ACCESS_KEY_ID='ASIAEXAMPLEEXAMPLE01';",
      "export AWS_SECRET_ACCESS_KEY='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';",
      "export AWS_SESSION_TOKEN='IQoJb3JpZ2luX2VjEXAMPLE+token/with==';",
      "export AWS_CREDENTIAL_EXPIRATION='2026-01-02T03:04:05Z';",
      "export AWS_REGION='us-east-1';",
      "export AWS_DEFAULT_REGION='us-east-1';",
      '',
    ].join('\n'),
  );
  const noToken = formatEnv('zsh', { accessKeyId: 'AKIA1', secretAccessKey: 's' });
  assert.equal(
    noToken,
    'unset AWS_SESSION_TOKEN;\nunset AWS_CREDENTIAL_EXPIRATION;\nunset AWS_PROFILE;\n' +
      'unset AWS_CONTAINER_CREDENTIALS_FULL_URI;\nunset AWS_CONTAINER_AUTHORIZATION_TOKEN;\n' +
      "export AWS_ACCESS_KEY_ID='AKIA1';\nexport AWS_SECRET_ACCESS_KEY='s';\n",
  );
  assert.doesNotMatch(noToken, /AWS_REGION/);
  assert.match(formatEnv('fish', creds), /^set -e AWS_PROFILE; or true;$/m);
  assert.match(formatEnv('pwsh', creds), /^Remove-Item Env:AWS_PROFILE -ErrorAction SilentlyContinue$/m);
});

test('--unset prints the lines that clear every variable, and is refused for dotenv and json', () => {
  assert.equal(
    formatEnv('sh', null, { unset: true }),
    'unset AWS_ACCESS_KEY_ID;\nunset AWS_SECRET_ACCESS_KEY;\nunset AWS_SESSION_TOKEN;\n' +
      'unset AWS_CREDENTIAL_EXPIRATION;\nunset AWS_REGION;\nunset AWS_DEFAULT_REGION;\n' +
      'unset AWS_CONTAINER_CREDENTIALS_FULL_URI;\nunset AWS_CONTAINER_AUTHORIZATION_TOKEN;\nunset ROLEHOP_TARGET;\n',
  );
  assert.match(formatEnv('fish', null, { unset: true }), /^set -e AWS_DEFAULT_REGION; or true;$/m);
  assert.match(formatEnv('cmd', null, { unset: true }), /^set "AWS_REGION="\r$/m);
  assert.match(formatEnv('pwsh', null, { unset: true }), /^Remove-Item Env:AWS_SESSION_TOKEN /m);
  for (const f of ['dotenv', 'json'] as const) {
    assert.throws(
      () => formatEnv(f, creds, { unset: true }),
      (e: unknown) => e instanceof UsageError,
    );
  }
});

test('NUL in any value is refused with a message naming the variable, not the value', () => {
  for (const format of ENV_FORMATS) {
    assert.throws(
      () => formatEnv(format, { ...creds, sessionToken: 'tokenpart\0rest' }),
      (e: unknown) =>
        e instanceof RolehopError &&
        e.message === 'AWS_SESSION_TOKEN contains a NUL character, which no environment variable can hold',
    );
    assert.throws(() => formatEnv(format, creds, { region: 'eu\0' }), /AWS_REGION contains a NUL/);
  }
});

test('an invalid expiration date is an error, not "Invalid Date" in the output', () => {
  assert.throws(() => formatEnv('bash', { ...creds, expiration: new Date('nope') }), /invalid expiration/);
});

test('json format is an object of the variables', () => {
  assert.deepEqual(JSON.parse(formatEnv('json', creds, { region: 'eu-west-1' })), {
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    AWS_SESSION_TOKEN: creds.sessionToken,
    AWS_CREDENTIAL_EXPIRATION: '2026-01-02T03:04:05Z',
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
  });
});

test('credential_process JSON has integer Version 1 and an expiration without milliseconds', () => {
  assert.equal(
    credentialProcessJson(creds),
    '{"Version":1,"AccessKeyId":"ASIAEXAMPLEEXAMPLE01","SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",' +
      '"SessionToken":"IQoJb3JpZ2luX2VjEXAMPLE+token/with==","Expiration":"2026-01-02T03:04:05Z"}',
  );
  assert.deepEqual(JSON.parse(credentialProcessJson({ accessKeyId: 'A', secretAccessKey: 'B' })), {
    Version: 1,
    AccessKeyId: 'A',
    SecretAccessKey: 'B',
  });
});

test('container JSON names the session token Token', () => {
  assert.deepEqual(JSON.parse(containerCredentialsJson(creds)), {
    AccessKeyId: creds.accessKeyId,
    SecretAccessKey: creds.secretAccessKey,
    Token: creds.sessionToken,
    Expiration: '2026-01-02T03:04:05Z',
  });
});

test('the default shell format follows $SHELL and falls back to sh', () => {
  assert.equal(defaultShellFormat({ SHELL: '/bin/bash' }), 'bash');
  assert.equal(defaultShellFormat({ SHELL: '/usr/local/bin/zsh' }), 'zsh');
  assert.equal(defaultShellFormat({ SHELL: '/opt/homebrew/bin/fish' }), 'fish');
  assert.equal(defaultShellFormat({ SHELL: '/usr/bin/pwsh' }), 'pwsh');
  assert.equal(defaultShellFormat({ SHELL: 'C:\\Program Files\\PowerShell\\7\\pwsh.exe' }), 'pwsh');
  assert.equal(defaultShellFormat({ SHELL: '/bin/sh' }), 'sh');
  assert.equal(defaultShellFormat({ SHELL: '/bin/dash' }), 'sh');
  assert.equal(defaultShellFormat({}), 'sh');
});

test('an unknown format is a usage error listing the valid ones', () => {
  assert.equal(parseEnvFormat('fish'), 'fish');
  assert.throws(
    () => parseEnvFormat('tcsh'),
    (e: unknown) =>
      e instanceof UsageError && /unknown output format "tcsh"/.test(e.message) && /bash, zsh/.test(e.hint!),
  );
});

test('agent exports in every format: the endpoint, its token and the region set; keys and profiles cleared; ROLEHOP_TARGET in shells only', () => {
  const endpoint = { url: 'http://127.0.0.1:4321/abc', token: 'tok-EXAMPLE-1234567890' };
  const assignments = containerEnvAssignments(endpoint, 'eu-west-1');
  for (const format of ENV_FORMATS) {
    const text = formatAssignments(format, assignments, 'prod-deploy');
    assert.match(text, /AWS_CONTAINER_CREDENTIALS_FULL_URI.*http:\/\/127\.0\.0\.1:4321\/abc/, format);
    assert.match(text, /AWS_CONTAINER_AUTHORIZATION_TOKEN.*tok-EXAMPLE-1234567890/, format);
    assert.match(text, /AWS_REGION.*eu-west-1/, format);
    const shell = format !== 'json' && format !== 'dotenv';
    assert.equal(/ROLEHOP_TARGET/.test(text), shell, format);
    for (const cleared of [
      'AWS_ACCESS_KEY_ID',
      'AWS_SESSION_TOKEN',
      'AWS_PROFILE',
      'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
    ])
      assert.equal(new RegExp(cleared).test(text), shell, `${format} ${cleared}`);
  }
  assert.deepEqual(JSON.parse(formatAssignments('json', assignments)), {
    AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.url,
    AWS_CONTAINER_AUTHORIZATION_TOKEN: endpoint.token,
    AWS_REGION: 'eu-west-1',
    AWS_DEFAULT_REGION: 'eu-west-1',
  });
});
