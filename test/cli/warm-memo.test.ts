import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type TestContext, test } from 'node:test';
import type { AnswerShape } from '../../src/cli/warm-answer.ts';
import { memoOf, readMemo, recordingEnv } from '../../src/cli/warm-memo.ts';
import { configPaths, rolehopCacheDir } from '../../src/config/paths.ts';
import { writePrivateFile } from '../../src/util/private-file-write.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// The warm memo answers only while every input of the resolution it holds is as it was; these check
// each input on its own (test/cli/warm-path.test.ts runs it end to end).

test('the recording environment keeps each variable read, unset ones too, and notices a listing', () => {
  const recorded = recordingEnv({ HOME: '/home/u', AWS_REGION: 'eu-west-1' });
  assert.equal(recorded.env.HOME, '/home/u');
  assert.equal(recorded.env.AWS_PROFILE, undefined);
  assert.equal('AWS_REGION' in recorded.env, true);
  assert.equal(Object.hasOwn(recorded.env, 'AWS_DEFAULT_REGION'), false);
  assert.deepEqual(
    [...recorded.reads],
    [
      ['HOME', '/home/u'],
      ['AWS_PROFILE', undefined],
      ['AWS_REGION', 'eu-west-1'],
      ['AWS_DEFAULT_REGION', undefined],
    ],
  );
  assert.equal(recorded.listed, false);
  assert.deepEqual(Object.keys(recorded.env), ['HOME', 'AWS_REGION']);
  assert.equal(recorded.listed, true);
});

const CONFIG = '[profile app]\nregion = us-east-1\n';
const shape: AnswerShape = { label: 'app', region: 'us-east-1', target: 'app' };
const step = { key: '["sso","dev"]', description: 'sso session dev' };

/** A HOME whose memo for profile "app" was kept from reading `reads` of its environment. */
function keptMemo(t: TestContext, reads = ['AWS_CONFIG_FILE', 'AWS_REGION']) {
  const h = tempHome(t);
  writeFile(h.configFile, CONFIG);
  const recorded = recordingEnv(h.env);
  for (const name of reads) void recorded.env[name];
  const { configFile, credentialsFile } = configPaths(h.env);
  const files = [configFile, credentialsFile].map((file) => ({
    path: file,
    ...(fs.existsSync(file) ? { bytes: fs.readFileSync(file) } : {}),
  }));
  const memo = memoOf({ profile: 'app' }, recorded, files, step, shape, h.env);
  assert.ok(memo);
  writePrivateFile(memo.file, memo.text, memo.home, { durable: false });
  return { ...h, memoFile: memo.file };
}

test('a kept memo answers while its inputs are as they were, and holds what an answer takes', (t) => {
  const h = keptMemo(t);
  const memo = readMemo(h.env, { profile: 'app' });
  assert.ok(memo);
  assert.equal(memo.key, step.key);
  assert.equal(memo.label, 'app');
  assert.equal(memo.region, 'us-east-1');
  assert.equal(fs.statSync(h.memoFile).mode & 0o777, 0o600);
  assert.equal(path.dirname(h.memoFile), rolehopCacheDir(h.env));
  // Another selection has its own memo (none here).
  assert.equal(readMemo(h.env, { profile: 'other' }), undefined);
  assert.equal(readMemo(h.env, { account: 'app' }), undefined);
});

test('a memo does not answer once a file it was read from changed, even to the same size, or appeared', (t) => {
  const h = keptMemo(t);
  writeFile(h.configFile, CONFIG.replace('us-east-1', 'eu-west-1'));
  assert.equal(readMemo(h.env, { profile: 'app' }), undefined);
  writeFile(h.configFile, CONFIG);
  assert.ok(readMemo(h.env, { profile: 'app' }));
  writeFile(h.credentialsFile, '');
  assert.equal(readMemo(h.env, { profile: 'app' }), undefined, 'an empty credentials file where none was');
  fs.rmSync(h.credentialsFile);
  fs.rmSync(h.configFile);
  fs.mkdirSync(h.configFile);
  assert.equal(readMemo(h.env, { profile: 'app' }), undefined, 'a folder where the config was');
});

test('a memo does not answer once a variable the resolution read changed, was set or was unset', (t) => {
  const h = keptMemo(t);
  assert.ok(
    readMemo({ ...h.env, AWS_PROFILE: 'not-read' }, { profile: 'app' }),
    'a variable it did not read',
  );
  assert.equal(readMemo({ ...h.env, AWS_REGION: 'eu-west-1' }, { profile: 'app' }), undefined);
  const { AWS_CONFIG_FILE: _read, ...withoutConfigFile } = h.env;
  assert.equal(readMemo(withoutConfigFile, { profile: 'app' }), undefined);
});

test("a memo that is damaged, another build's or user's, or a link is not trusted", (t) => {
  const h = keptMemo(t);
  const text = fs.readFileSync(h.memoFile, 'utf8');
  const edited = (edit: (memo: Record<string, unknown>) => void) => {
    const memo = JSON.parse(text);
    edit(memo);
    fs.writeFileSync(h.memoFile, JSON.stringify(memo));
    return readMemo(h.env, { profile: 'app' });
  };
  assert.ok(edited(() => {}));
  const edits: Array<[string, (memo: Record<string, unknown>) => void]> = [
    ['another build', (m) => Object.assign(m, { resolver: 'another-build' })],
    ["another user's", (m) => Object.assign(m, { uid: Number(m.uid) + 1 })],
    ['another selection', (m) => Object.assign(m, { selection: '["other",null,null,null]' })],
    ['a value not a string', (m) => Object.assign(m, { env: [['AWS_REGION', 5]] })],
    ['no key', (m) => delete m.key],
  ];
  for (const [what, edit] of edits) assert.equal(edited(edit), undefined, what);
  fs.writeFileSync(h.memoFile, `${text.slice(0, 40)}`);
  assert.equal(readMemo(h.env, { profile: 'app' }), undefined, 'cut short');
  const real = `${h.memoFile}.real`;
  fs.writeFileSync(real, text, { mode: 0o600 });
  fs.rmSync(h.memoFile);
  fs.symlinkSync(real, h.memoFile);
  assert.equal(readMemo(h.env, { profile: 'app' }), undefined, 'a link');
});

test('nothing is kept when the resolution listed the environment', (t) => {
  const h = tempHome(t);
  const recorded = recordingEnv(h.env);
  void { ...recorded.env };
  assert.equal(memoOf({ profile: 'app' }, recorded, [], step, shape, h.env), undefined);
});
