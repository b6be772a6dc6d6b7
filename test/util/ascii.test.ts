import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { encodeTargetWords } from '../../src/cli/target-words.ts';
import { parseHeader } from '../../src/config/document.ts';
import {
  EXTERNAL_ID,
  IAM_NAME_CHARACTERS,
  isAccountId,
  MFA_CODE,
  MFA_SERIAL,
  readRoleArn,
  SESSION_NAME,
  SOURCE_IDENTITY,
} from '../../src/config/hop-rules.ts';
import { isValidIdentifier } from '../../src/config/parse.ts';
import {
  hasOneSidedSpace,
  isJsSpace,
  jsCommentStart,
  jsPrefixed,
  pySectionHeader,
  trimBoth,
} from '../../src/config/readers.ts';
import { checkCredentialValues, checkRegionName } from '../../src/creds/value-alphabets.ts';
import { defaultShellFormat } from '../../src/emit/env-format.ts';
import { isPrintableAscii, keepOnly, onlyOf } from '../../src/util/ascii.ts';
import { rolehopBin } from '../harness/cli.ts';

// The warm path's checks are written without regular expressions (util/ascii.ts says why); each must
// answer exactly as the expression it replaced, kept here as the oracle: for every UTF-16 unit alone,
// and for random strings of the characters that matter to it and of the ones around them.

const launcher: { buildHash(tail: string): string | undefined; commandOf(arg: unknown): string } =
  createRequire(import.meta.url)(rolehopBin);

const EVERY_UNIT = Array.from({ length: 0x10000 }, (_, code) => String.fromCharCode(code));

/** Characters near every class here: ASCII, the spaces the two config readers disagree on, others. */
const ALPHABET = [
  ...Array.from({ length: 0x80 }, (_, code) => String.fromCharCode(code)),
  '\x85',
  '\xa0',
  '\u1680',
  '\u2000',
  '\u2028',
  '\u3000',
  '\ufeff',
  'é',
  'İ',
  '\ud83d',
  '\ude00',
];

function randomStrings(count: number, pieces: readonly string[], maxLength: number): string[] {
  let seed = 20261202;
  const next = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n; // the high bits: an LCG's low bits repeat soon
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: next(maxLength + 1) }, () => pieces[next(pieces.length)]!).join(''),
  );
}

/** Strings mostly of `chars`, some with one of anything: the edges of a class and of its lengths. */
function samplesFor(chars: string, maxLength: number): string[] {
  return [
    ...EVERY_UNIT,
    ...randomStrings(3000, [...chars], maxLength),
    ...randomStrings(3000, [...chars, ...chars, ...ALPHABET], maxLength),
  ];
}

const words = (s: string) => JSON.stringify(s);

test('onlyOf, keepOnly and isPrintableAscii are the character classes they stand for', () => {
  const WORD_RE = /^[\w]+$/;
  for (const s of samplesFor('Az09_', 8)) {
    assert.equal(
      onlyOf(s, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_'),
      WORD_RE.test(s),
    );
    assert.equal(isPrintableAscii(s), /^[\x21-\x7e]*$/.test(s), words(s));
  }
  assert.equal(onlyOf('', 'a', 0), true);
  assert.equal(onlyOf('', 'a'), false);
  assert.equal(onlyOf('aaa', 'a', 1, 2), false);
  for (const s of samplesFor(IAM_NAME_CHARACTERS, 70)) {
    assert.equal(keepOnly(s, IAM_NAME_CHARACTERS), s.replace(/[^\w+=,.@-]/g, ''), words(s));
  }
});

test('the hop rules are the API models patterns', () => {
  const rules = [
    [SESSION_NAME, /^[\w+=,.@-]{2,64}$/, 66],
    [SOURCE_IDENTITY, /^[\w+=,.@-]{2,64}$/, 66],
    [EXTERNAL_ID, /^[\w+=,.@:/-]{2,1224}$/, 40],
    [MFA_SERIAL, /^[\w+=/:,.@-]{9,256}$/, 40],
    [MFA_CODE, /^\d{6}$/, 8],
  ] as const;
  for (const [rule, pattern, maxLength] of rules) {
    for (const s of samplesFor('aZ09_+=,.@-:/', maxLength))
      assert.equal(rule.accepts(s), pattern.test(s), words(s));
  }
  assert.equal(EXTERNAL_ID.accepts('a'.repeat(1224)), true);
  assert.equal(EXTERNAL_ID.accepts('a'.repeat(1225)), false);
  for (const s of samplesFor('0123456789', 14)) assert.equal(isAccountId(s), /^\d{12}$/.test(s), words(s));
});

test('readRoleArn splits an ARN as /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s did', () => {
  const ARN = /^arn:([^:]*):([^:]*):([^:]*):([^:]*):(.*)$/s;
  const pieces = ['arn', ':', 'aws', 'iam', '', '123456789012', 'role/', 'a', '/', '\n', 'x'];
  for (const arn of [...randomStrings(20_000, pieces, 12), 'arn:aws:iam::123456789012:role/a:b']) {
    const result = readRoleArn(arn);
    const m = ARN.exec(arn);
    if (!m) {
      assert.deepEqual(result, { problem: 'not an ARN (six ":"-separated fields)' }, words(arn));
      continue;
    }
    assert.notEqual(
      (result as { problem?: string }).problem,
      'not an ARN (six ":"-separated fields)',
      words(arn),
    );
    if (!('problem' in result)) {
      assert.deepEqual([result.partition, result.accountId], [m[1], m[4]]);
      assert.equal(`role${result.path}${result.roleName}`, m[5]);
    }
  }
});

test('the config line readers are the expressions the spec and the two SDKs use', () => {
  for (const s of samplesFor('[] ab#;="\'\t-.', 14)) {
    assert.equal(pySectionHeader(s), /^\[(.+)\]/s.exec(s)?.[1], words(s));
    assert.equal(jsCommentStart(s), /(^|\s)[;#]/.exec(s)?.index ?? -1, words(s));
    assert.equal(hasOneSidedSpace(s), /[\x1c-\x1f\x85\ufeff]/.test(s), words(s));
    const text = trimBoth(s);
    const space = /\s/.exec(text);
    assert.deepEqual(
      parseHeader(s),
      space
        ? { prefix: text.slice(0, space.index), name: trimBoth(text.slice(space.index + 1)) }
        : { prefix: undefined, name: text },
      words(s),
    );
  }
  const headers: string[] = [];
  for (const prefix of ['profile', 'sso-session', 'a', '', 'x y', 'é'])
    for (const gap of [' ', '\t', '\ufeff', '', '  '])
      for (const open of ['', '"', "'"])
        for (const name of ['n', 'a.b', 'a@b+c%d:e/f-g', 'a b', '', 'é'])
          for (const close of ['', '"', "'", '""', 'x']) headers.push(prefix + gap + open + name + close);
  for (const s of [...headers, ...samplesFor('profile sso-session ab"\'@+.%:/-_', 20)]) {
    const m = /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/.exec(s);
    assert.deepEqual(jsPrefixed(s), m ? [m[1], m[3]] : undefined, words(s));
    assert.equal(isValidIdentifier(s), /^[A-Za-z0-9_\-/.%@:+]+$/.test(s), words(s));
  }
  for (const s of EVERY_UNIT) assert.equal(isJsSpace(s.charCodeAt(0)), /\s/.test(s), words(s));
});

test('credential and region alphabets, target words and the shell name are as their expressions', () => {
  const creds = { secretAccessKey: 'secret', sessionToken: 'token' };
  for (const s of samplesFor('AZ09az', 130)) {
    const accepted = (() => {
      try {
        checkCredentialValues({ ...creds, accessKeyId: s }, 'a test');
        return true;
      } catch {
        return false;
      }
    })();
    assert.equal(accepted, /^[A-Z0-9]{16,128}$/.test(s), words(s));
  }
  for (const s of samplesFor('az09-', 12)) {
    assert.equal(tryRegion(s), /^[a-z0-9-]+$/.test(s), words(s));
  }
  const PLAIN = /^[A-Za-z0-9_.:/=@+,-]$/;
  for (const s of samplesFor('aZ09_.:/=@+,-', 12)) {
    let want = '';
    for (const ch of s) {
      want += PLAIN.test(ch)
        ? ch
        : [...new TextEncoder().encode(ch)]
            .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
            .join('');
    }
    assert.equal(encodeTargetWords([s]), want === '' ? '%' : want, words(s));
  }
  for (const shell of samplesFor('/\\bash.EXEzpw', 14)) {
    const base = shell
      .split(/[\\/]/)
      .pop()!
      .replace(/\.exe$/i, '')
      .toLowerCase();
    const want = ['bash', 'zsh', 'fish', 'pwsh'].includes(base)
      ? base
      : base === 'powershell'
        ? 'pwsh'
        : 'sh';
    assert.equal(defaultShellFormat({ SHELL: shell }), want, words(shell));
  }
});

function tryRegion(region: string): boolean {
  try {
    checkRegionName(region);
    return true;
  } catch {
    return false;
  }
}

test("the launcher's build hash and command name are its former expressions", () => {
  for (const s of samplesFor('rolehop-build 0123456789abcdefg \n', 40)) {
    const tail = s.length % 3 === 0 ? `//# rolehop-build ${s}` : s;
    assert.equal(launcher.buildHash(tail), /rolehop-build ([0-9a-f]+)\s*$/.exec(tail)?.[1], words(tail));
    assert.equal(launcher.commandOf(s), /^[a-z][a-z-]{0,23}$/.test(s) ? s : '-', words(s));
  }
  assert.equal(launcher.commandOf('credential-process'), 'credential-process');
  assert.equal(launcher.commandOf(undefined), '-'); // the expression read undefined as "undefined"
});
