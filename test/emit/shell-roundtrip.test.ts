// Property tests: hostile values go through the real shells' eval (and dotenv/JSON readers) and
// come back exactly, and a command hidden in a value never runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { type EnvFormat, formatEnv, parseDotenv } from '../../src/emit/index.ts';
import { requires } from '../harness/requires.ts';
import { expected, hostileArbitraries } from './hostile-values.ts';

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
