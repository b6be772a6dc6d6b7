// Property tests: hostile values go through the real shells' eval (and dotenv/JSON readers) and
// come back exactly, and a command hidden in a value never runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { checkCredentialValues, checkRegionName } from '../../src/creds/value-alphabets.ts';
import { type EnvFormat, formatEnv, parseDotenv } from '../../src/emit/index.ts';
import { RolehopError } from '../../src/util/errors.ts';
import { rolehopBin, runCli, runProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { expected, hostileArbitraries, type Sample, validArbitraries } from './hostile-values.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-emit-'));
const canary = path.join(dir, 'canary');
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));

const { hostile, credsAndRegion } = hostileArbitraries(canary);

// Variables the child starts with, so the output must overwrite or clear them.
const stale = {
  AWS_PROFILE: 'stale-profile',
  AWS_SESSION_TOKEN: 'stale-token',
  AWS_CREDENTIAL_EXPIRATION: '1999-01-01T00:00:00Z',
};

function childEnv(): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ...stale,
  };
  return env;
}

function assertNoCanary(): void {
  assert.equal(fs.existsSync(canary), false, 'a command inside a value ran');
}

// Each shell evaluates many cases in one process, texts passed as arguments (argv carries any
// NUL-free bytes unchanged), with the variables reset before each case; after each eval, `env -0`
// writes what a child process would inherit to the case's own file.
const RESET_POSIX = Object.entries(stale)
  .map(([k, v]) => `export ${k}='${v}';`)
  .concat(['unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_DEFAULT_REGION;'])
  .join(' ');
const RESET_FISH = Object.entries(stale)
  .map(([k, v]) => `set -gx ${k} '${v}';`)
  .concat(['set -e AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION AWS_DEFAULT_REGION;'])
  .join(' ');
const posixLoop = (evalCmd: string) =>
  `out=$1; shift; i=0; for t; do ${RESET_POSIX} ${evalCmd} && env -0 > "$out/$i"; i=$((i+1)); done`;
const SHELLS: Array<[EnvFormat, 'bash' | 'zsh' | 'sh' | 'fish', string[]]> = [
  ['bash', 'bash', ['--norc', '--noprofile', '-c', posixLoop('eval "$t"'), 'bash']],
  // rcquotes makes '' a quote inside single quotes; the output must not depend on it.
  ['zsh', 'zsh', ['-f', '-c', `setopt rcquotes; ${posixLoop('eval "$t"')}`, 'zsh']],
  ['sh', 'sh', ['-c', posixLoop('eval "$t"'), 'sh']],
  [
    'fish',
    'fish',
    [
      '--no-config',
      '-c',
      `set out $argv[1]; set i 0; for t in $argv[2..]; ${RESET_FISH}; eval $t; env -0 > $out/$i; set i (math $i + 1); end`,
    ],
  ],
];

let batch = 0;
/** Evaluates each text in `shell`, returning the AWS_* variables each one leaves for a child. */
function evalInShell(
  shell: string,
  args: string[],
  texts: string[],
  env = childEnv(),
): Array<Record<string, string>> {
  const results: Array<Record<string, string>> = [];
  // Keep each command line well under ARG_MAX (2 MiB here).
  for (let start = 0; start < texts.length; ) {
    const chunk: string[] = [];
    let bytes = 0;
    while (
      start < texts.length &&
      (chunk.length === 0 || bytes + Buffer.byteLength(texts[start]!) < 1_000_000)
    ) {
      bytes += Buffer.byteLength(texts[start]!);
      chunk.push(texts[start++]!);
    }
    const out = path.join(dir, `batch-${batch++}`);
    fs.mkdirSync(out);
    const r = spawnSync(shell, [...args, out, ...chunk], { env, cwd: dir });
    assert.equal(r.status, 0, `${shell} failed: ${r.stderr}`);
    chunk.forEach((_, i) => {
      const vars: Record<string, string> = {};
      const file = path.join(out, String(i));
      assert.ok(fs.existsSync(file), `${shell} did not finish case ${i}: ${r.stderr}`);
      for (const entry of fs.readFileSync(file, 'utf8').split('\0')) {
        const eq = entry.indexOf('=');
        if (entry.startsWith('AWS_')) vars[entry.slice(0, eq)] = entry.slice(eq + 1);
      }
      results.push(vars);
    });
  }
  return results;
}

test('the canary detector works: naive double quotes do run the command', (t) => {
  if (!requires(t, 'bash')) return;
  const r = spawnSync('bash', ['-c', `eval "export X=\\"$(printf '%s' '$(touch ${canary})')\\""`], {
    cwd: dir,
  });
  assert.equal(r.status, 0);
  assert.equal(fs.existsSync(canary), true);
  fs.rmSync(canary);
});

for (const [format, shell, args] of SHELLS) {
  test(`${format}: any value round-trips exactly through the real ${shell}, and nothing in it runs`, (t) => {
    if (!requires(t, shell)) return;
    const samples = fc.sample(credsAndRegion, 100);
    const got = evalInShell(
      shell,
      args,
      samples.map((s) => formatEnv(format, s, { region: s.region })),
    );
    samples.forEach((s, i) => {
      assert.deepEqual(got[i], expected(s), `case ${JSON.stringify(s)}`);
    });
    assertNoCanary();
  });

  test(`${format}: --unset output clears every variable in the real ${shell}`, (t) => {
    if (!requires(t, shell)) return;
    const env = { ...childEnv(), AWS_ACCESS_KEY_ID: 'x', AWS_REGION: 'r', AWS_DEFAULT_REGION: 'r' };
    const [left] = evalInShell(shell, args, [formatEnv(format, null, { unset: true })], env);
    assert.deepEqual(Object.keys(left!), ['AWS_PROFILE']);
  });
}

test('a 100 KB hostile value survives bash and fish', (t) => {
  if (!requires(t, 'bash', 'fish')) return;
  const big = `'"$(touch ${canary})\`\\\n`.repeat(4000).slice(0, 100_000);
  const s = { accessKeyId: 'A', secretAccessKey: big, sessionToken: 'T' };
  for (const [format, shell, args] of SHELLS.filter(([f]) => f === 'bash' || f === 'fish')) {
    assert.equal(evalInShell(shell, args, [formatEnv(format, s)])[0]!.AWS_SECRET_ACCESS_KEY, big);
  }
  assertNoCanary();
});

test('dotenv: any value reads back exactly with bash `set -a; . file` and with parseDotenv', (t) => {
  if (!requires(t, 'bash')) return;
  const samples = fc.sample(credsAndRegion, 100);
  const texts = samples.map((s) => formatEnv('dotenv', s, { region: s.region }));
  const got = evalInShell(
    'bash',
    ['--norc', '-c', posixLoop('printf %s "$t" > "$out/.env" && set -a && . "$out/.env" && set +a'), 'bash'],
    texts,
  );
  samples.forEach((s, i) => {
    // dotenv cannot unset, so stale values stay where the credentials have none.
    const want: Record<string, string> = { ...stale, ...expected(s) };
    assert.deepEqual(got[i], want, `case ${JSON.stringify(s)}`);
    assert.deepEqual(parseDotenv(texts[i]!), expected(s));
  });
  assertNoCanary();
});

// python-dotenv keeps `\$` and `\``, turns CR into LF, and misreads a backslash before the closing quote.
test('dotenv: python-dotenv reads back exactly every value without $, backtick, backslash or CR', (t) => {
  if (!requires(t, 'dotenv')) return;
  const plain = hostile.map((v) => v.replace(/[$`\\\r]/g, '_'));
  const samples = fc.sample(
    fc.record({ accessKeyId: plain, secretAccessKey: plain, sessionToken: plain }),
    150,
  );
  const script = [
    'import io, json, sys',
    'from dotenv import dotenv_values',
    'out = []',
    'for text in json.load(sys.stdin):',
    '    out.append(dict(dotenv_values(stream=io.StringIO(text))))',
    'json.dump(out, sys.stdout)',
  ].join('\n');
  const texts = samples.map((s) => formatEnv('dotenv', s));
  const r = spawnSync('python3', ['-c', script], { input: JSON.stringify(texts), maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, String(r.stderr));
  const parsed = JSON.parse(r.stdout.toString()) as Array<Record<string, string>>;
  samples.forEach((s, i) => {
    assert.deepEqual(parsed[i], expected(s));
  });
});

test('json: python reads back exactly what the json format holds', (t) => {
  if (!requires(t, 'python3')) return;
  const samples = fc.sample(credsAndRegion, 200);
  const texts = samples.map((s) => formatEnv('json', s, { region: s.region }));
  const r = spawnSync(
    'python3',
    ['-c', 'import json,sys; json.dump([json.loads(t) for t in json.load(sys.stdin)], sys.stdout)'],
    {
      input: JSON.stringify(texts),
      maxBuffer: 64 << 20,
    },
  );
  assert.equal(r.status, 0, String(r.stderr));
  const parsed = JSON.parse(r.stdout.toString()) as Array<Record<string, string>>;
  samples.forEach((s, i) => {
    assert.deepEqual(parsed[i], expected(s));
  });
});

test('unquoted `eval $(rolehop env)` still sets every variable and unsets AWS_PROFILE in bash', (t) => {
  if (!requires(t, 'bash')) return;
  const s = {
    accessKeyId: 'ASIAEXAMPLEEXAMPLE01',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2Vj+token/with==',
    expiration: new Date('2026-01-02T03:04:05Z'),
    region: 'eu-west-1',
  };
  const [got] = evalInShell(
    'bash',
    ['--norc', '-c', `out=$1; shift; ${RESET_POSIX} eval $1 && env -0 > "$out/0"`, 'bash'],
    [formatEnv('bash', s, { region: s.region })],
  );
  assert.deepEqual(got, expected(s));
});

test('fish: `rolehop env | source; and cmd` runs cmd, even when nothing was set before', (t) => {
  if (!requires(t, 'fish')) return;
  for (const text of [
    formatEnv('fish', { accessKeyId: 'A', secretAccessKey: 'B' }),
    formatEnv('fish', null, { unset: true }),
  ]) {
    const r = spawnSync('fish', ['--no-config', '-c', 'cat | source; and echo ran'], {
      input: text,
      env: { PATH: process.env.PATH },
    });
    assert.equal(r.stdout.toString(), 'ran\n', String(r.stderr));
  }
});

// Unquoted, as people type it: `eval $(rolehop env)` splits the output on blanks and expands globs
// in it before eval runs it, so a `*` in a value plus a crafted file name in the current folder
// runs code in bash and dash (zsh only in sh emulation). The quoting above cannot prevent that;
// refusing every value outside its documented alphabet does.

/** Files that turn `export NAME='…*';` into `export NAME='x';touch canary;'';` when globbed. */
function plantCraftedNames(folder: string): void {
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION']) {
    fs.writeFileSync(path.join(folder, `${name}='x';touch canary;'';`), '');
  }
}
plantCraftedNames(dir);

const UNQUOTED: Array<[string, EnvFormat, string, string[]]> = [
  ['bash', 'bash', 'bash', ['--norc', '--noprofile', '-c', posixLoop('eval $t'), 'bash']],
  ['dash', 'sh', 'dash', ['-c', posixLoop('eval $t'), 'dash']],
  ['zsh', 'zsh', 'zsh', ['-f', '-c', posixLoop('eval $t'), 'zsh']],
  ['zsh in sh emulation', 'zsh', 'zsh', ['-f', '-c', `emulate sh; ${posixLoop('eval $t')}`, 'zsh']],
  [
    'fish',
    'fish',
    'fish',
    [
      '--no-config',
      '-c',
      `set out $argv[1]; set i 0; for t in $argv[2..]; ${RESET_FISH}; eval (printf '%s\\n' $t); env -0 > $out/$i; set i (math $i + 1); end`,
    ],
  ],
];

/** The check rolehop runs before printing: undefined when `s` passes, else the refusal. */
function refusalOf(s: Sample): RolehopError | undefined {
  try {
    checkCredentialValues(s, 'the test');
    if (s.region !== undefined) checkRegionName(s.region);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof RolehopError, String(error));
    return error;
  }
}

test('the canary detector works unquoted: a glob in a value plus a crafted file name runs code in bash and dash', (t) => {
  if (!requires(t, 'bash', 'dash')) return;
  const text = formatEnv('bash', { accessKeyId: 'A', secretAccessKey: 'x*' });
  for (const shell of ['bash', 'dash']) {
    spawnSync(shell, ['-c', 'eval $1', shell, text], { cwd: dir });
    assert.equal(fs.existsSync(canary), true, shell);
    fs.rmSync(canary);
  }
});

test('whatever the value check lets through round-trips unquoted in bash, dash, zsh and fish; the rest is refused naming the field, never the value', (t) => {
  if (!requires(t, 'bash', 'dash', 'zsh', 'fish')) return;
  const valid = fc.sample(validArbitraries(), 100) as Sample[];
  const hostile = fc.sample(credsAndRegion, 300) as Sample[];
  for (const s of valid) assert.equal(refusalOf(s), undefined, `refused a valid ${JSON.stringify(s)}`);
  const passed = [...valid];
  for (const s of hostile) {
    const refusal = refusalOf(s);
    if (!refusal) {
      passed.push(s);
      continue;
    }
    assert.match(refusal.message, /access key id|secret access key|session token|expiration|region/);
    for (const value of [s.accessKeyId, s.secretAccessKey, s.sessionToken, s.region]) {
      if (value && value.length >= 6) {
        assert.ok(!`${refusal.message} ${refusal.hint}`.includes(value), 'the value is not shown');
      }
    }
  }
  for (const [name, format, shell, args] of UNQUOTED) {
    const got = evalInShell(
      shell,
      args,
      passed.map((s) => formatEnv(format, s, { region: s.region })),
    );
    passed.forEach((s, i) => {
      assert.deepEqual(got[i], expected(s), `${name}: case ${JSON.stringify(s)}`);
    });
    assertNoCanary();
  }
});

test('rolehop env refuses a glob, space or $() in any field with exit 1, naming the field, before printing', async (t) => {
  if (!requires(t, 'bash', 'dash', 'zsh')) return;
  const home = tempHome(t);
  const cwd = fs.mkdtempSync(path.join(home.home, 'cwd-'));
  plantCraftedNames(cwd);
  const good = {
    AccessKeyId: 'ASIAEXAMPLEEXAMPLE01',
    SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    SessionToken: 'IQoJb3JpZ2luX2Vj+token/with==',
    Expiration: '2099-01-02T03:04:05Z',
  };
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['secret', { SecretAccessKey: 'x*' }, /the secret access key holds characters outside base64/],
    ['token', { SessionToken: 'x* $(touch canary)' }, /the session token holds characters outside base64/],
    ['key id', { AccessKeyId: 'ASIA*' }, /the access key id is not 16 to 128/],
    ['expiration', { Expiration: '+275760-09-13T00:00:00Z' }, /the expiration is not an ISO 8601 time/],
  ];
  let config = '';
  for (const [name, fields] of cases) {
    const script = path.join(home.home, `${name.replace(' ', '-')}.mjs`);
    fs.writeFileSync(
      script,
      `console.log(${JSON.stringify(JSON.stringify({ Version: 1, ...good, ...fields }))})`,
    );
    config += `[profile ${name.replace(' ', '-')}]\ncredential_process = "${process.execPath}" "${script}"\n\n`;
  }
  config += '[profile file-keys]\nregion = eu-west-1\n\n[profile good]\n';
  config += `credential_process = "${process.execPath}" "${path.join(home.home, 'good.mjs')}"\nregion = eu-west-1\n`;
  // No region of its own: the profile's region comes before AWS_REGION, and this one must reach the check.
  config += `\n[profile good-env-region]\ncredential_process = "${process.execPath}" "${path.join(home.home, 'good.mjs')}"\n`;
  fs.writeFileSync(
    path.join(home.home, 'good.mjs'),
    `console.log(${JSON.stringify(JSON.stringify({ Version: 1, ...good }))})`,
  );
  writeFile(home.configFile, config);
  writeFile(
    home.credentialsFile,
    '[file-keys]\naws_access_key_id = AKIAEXAMPLEEXAMPLE01\naws_secret_access_key = x*\n',
  );
  cases.push(['file-keys', { SecretAccessKey: 'x*' }, /the secret access key holds/]);

  const envCommand = (profile: string) =>
    `"${process.execPath}" "${rolehopBin}" env ${profile} --format bash`;
  for (const [name, fields, message] of cases) {
    const profile = name.replace(' ', '-');
    const r = await runCli(['env', profile, '--format', 'bash'], { env: home.env, cwd });
    assert.equal(r.code, 1, `${name}: ${r.stderr}`);
    assert.equal(r.stdout, '', `${name}: nothing printed`);
    assert.match(r.stderr, message, name);
    for (const value of Object.values(fields)) assert.ok(!r.stderr.includes(value), `${name}: value shown`);
    for (const shell of ['bash', 'dash']) {
      await runProcess(shell, ['-c', `eval $(${envCommand(profile)})`], { env: home.env, cwd });
      assert.equal(fs.existsSync(path.join(cwd, 'canary')), false, `${name}: code ran in ${shell}`);
    }
  }
  // The same check guards every other way out: credential_process JSON, exec's child, serve.
  for (const args of [
    ['credential-process', 'secret'],
    ['exec', 'secret', '--', process.execPath, '-e', 'console.log(process.env.AWS_SECRET_ACCESS_KEY)'],
    ['serve', 'secret', '--', process.execPath, '-e', 'console.log("served")'],
  ]) {
    const r = await runCli(args, { env: home.env, cwd });
    assert.equal(r.code, 1, `${args[0]}: ${r.stderr}`);
    assert.equal(r.stdout, '', args[0]);
    assert.match(r.stderr, /the secret access key holds characters outside base64/, args[0]);
  }
  const region = await runCli(['env', 'good-env-region', '--format', 'bash'], {
    env: { ...home.env, AWS_REGION: 'eu-*' },
    cwd,
  });
  assert.equal(region.code, 1, region.stderr);
  assert.equal(region.stdout, '');
  assert.match(region.stderr, /the region is not an AWS region name/);

  // Valid values still go through, unquoted, in every shell.
  for (const shell of ['bash', 'dash', 'zsh']) {
    const r = await runProcess(shell, ['-c', `eval $(${envCommand('good')}) && env`], { env: home.env, cwd });
    assert.match(r.stdout, /^AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI\/K7MDENG\/bPxRfiCYEXAMPLEKEY$/m, shell);
    assert.match(r.stdout, /^AWS_SESSION_TOKEN=IQoJb3JpZ2luX2Vj\+token\/with==$/m, shell);
    assert.match(r.stdout, /^AWS_REGION=eu-west-1$/m, shell);
  }
  assert.equal(fs.existsSync(path.join(cwd, 'canary')), false);
});
