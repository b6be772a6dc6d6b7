// Issue 16 §6: files botocore reads fine that rolehop used to read differently, so its edits added a
// second key or section next to one it could not see (exit 0, then botocore refused the whole file).
// Each shape is edited through updateConfigFile on a real file; after an edit both botocore and the
// JS SDK must read the edited key as intended and everything else as before, and lines outside the
// edit stay byte-identical. Where the two readers disagree, the edit is refused naming the line.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { type ConfigEditor, updateConfigFile } from '../../src/config/editor.ts';
import type { SectionRef } from '../../src/config/parse.ts';
import { ConfigError } from '../../src/util/errors.ts';
import { runInProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import {
  BotocoreReader,
  type FileKind,
  jsReading,
  type Reading,
  unexpectedChanges,
} from '../harness/sdk-readers.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

const p = (name: string): SectionRef => ({ kind: 'profile', name });
const s = (name: string): SectionRef => ({ kind: 'sso-session', name });

interface Shape {
  name: string;
  kind?: FileKind;
  text: string;
  ref: SectionRef;
  key: string;
  /** undefined: unset. */
  value: string | undefined;
  /** 1-based line the refusal names; undefined: the edit must succeed. */
  refuses?: number;
  /** Lines the edited file must still hold. */
  keeps?: string[];
}

const shapes: Shape[] = [
  {
    name: 'tab-indented key right after a header',
    text: '[profile a]\n\tregion = us-east-1\noutput = json\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
  },
  {
    name: 'indented key after a comment',
    text: '[profile a]\n# note\n  region = us-east-1\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
  },
  {
    name: 'indented key after a blank line',
    text: '[profile a]\n\n  region = us-east-1\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
  },
  {
    name: 'a whole indented section (replace)',
    text: '  [profile a]\n  region = us-east-1\n  output = json\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
  },
  {
    name: 'a whole indented section (add)',
    text: '  [profile a]\n  region = us-east-1\n  output = json\n',
    ref: p('a'),
    key: 'cli_pager',
    value: 'less',
  },
  {
    name: 'an indented s3 = parent (replace a sub-key)',
    text: '[profile a]\n  s3 =\n    addressing_style = path\n',
    ref: p('a'),
    key: 's3.addressing_style',
    value: 'virtual',
  },
  {
    name: 'an indented s3 = parent (add a sub-key)',
    text: '[profile a]\n  s3 =\n    addressing_style = path\n',
    ref: p('a'),
    key: 's3.use_accelerate_endpoint',
    value: 'true',
  },
  {
    name: 'an indented header right after a header',
    text: '[profile a]\n  [profile b]\nregion = us-east-1\n',
    ref: p('b'),
    key: 'region',
    value: 'eu-west-1',
  },
  {
    name: 'region: us-west-2 (":" delimiter), set',
    text: '[profile a]\nregion: us-west-2\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
    refuses: 2,
  },
  {
    name: 'region: us-west-2, set another key',
    text: '[profile a]\nregion: us-west-2\n',
    ref: p('a'),
    key: 'output',
    value: 'json',
    refuses: 2,
  },
  {
    name: 'region: us-west-2, unset (a key rolehop cannot see)',
    text: '[profile a]\nregion: us-west-2\n',
    ref: p('a'),
    key: 'region',
    value: undefined,
    refuses: 2,
  },
  {
    name: 'a no-break space before =',
    text: '[profile a]\nregion\u00a0= us-east-1\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
  },
  {
    name: 'a header followed by text',
    text: '[profile a] text\nregion = us-east-1\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
    refuses: 1,
  },
  {
    name: 'a header followed by text, edit of the section above',
    text: '[profile z]\nk = v\n[profile a] text\nregion = us-east-1\n',
    ref: p('z'),
    key: 'region',
    value: 'eu-west-1',
    refuses: 3,
  },
  {
    name: 'a header with a trailing no-break space',
    text: '[profile a]\u00a0\nregion = us-east-1\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
  },
  {
    name: 'a header ended by a lone CR',
    text: '[profile z]\nk = v\n[profile a]\rregion = us-east-1\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
    refuses: 3,
  },
  {
    name: 'a header ended by CR CR LF',
    text: '[profile a]\r\r\nregion = us-east-1\r\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
  },
  {
    name: 'sso-session: tab-indented key',
    text: '[sso-session s]\n\tsso_region = us-east-1\nsso_start_url = https://x.awsapps.com/start\n',
    ref: s('s'),
    key: 'sso_region',
    value: 'eu-west-1',
  },
  {
    name: 'sso-session: ":" delimiter',
    text: '[sso-session s]\nsso_start_url: https://x.awsapps.com/start\nsso_region = us-east-1\n',
    ref: s('s'),
    key: 'sso_start_url',
    value: 'https://y.awsapps.com/start',
    refuses: 2,
  },
  {
    name: 'credentials: tab-indented key',
    kind: 'credentials',
    text: '[a]\n\taws_access_key_id = AKIAOLD\naws_secret_access_key = secret\n[b]\naws_access_key_id = AKIAB\n',
    ref: p('a'),
    key: 'aws_access_key_id',
    value: 'AKIANEW',
  },
  {
    name: 'credentials: header followed by text',
    kind: 'credentials',
    text: '[a] x\naws_access_key_id = AKIAOLD\n',
    ref: p('a'),
    key: 'aws_access_key_id',
    value: 'AKIANEW',
    refuses: 1,
  },
  {
    name: '[profile default] before [default]',
    text: '[profile default]\nregion = a\n[default]\nregion = b\n',
    ref: p('default'),
    key: 'region',
    value: 'c',
    refuses: 3,
  },
  {
    name: '[ profile x ] is no profile to either reader',
    text: '[ profile x ]\nregion = a\n',
    ref: p('x'),
    key: 'region',
    value: 'b',
  },
  {
    name: '[ default ] is no profile to either reader',
    text: '[ default ]\nregion = a\n',
    ref: p('default'),
    key: 'region',
    value: 'b',
  },
  {
    name: '[profile "quoted"] is profile quoted to both',
    text: '[profile "quoted"]\nregion = a\noutput = json\n',
    ref: p('quoted'),
    key: 'region',
    value: 'b',
  },
  {
    name: '[profiles prod] is profile prod to botocore only',
    text: '[profiles prod]\nregion = a\n',
    ref: p('prod'),
    key: 'region',
    value: 'b',
    refuses: 1,
  },
  {
    name: 'an indented comment inside an s3 = block keeps later sub-keys visible',
    text: '[profile a]\ns3 =\n  addressing_style = path\n  # note\n  use_accelerate_endpoint = true\n',
    ref: p('a'),
    key: 's3.use_accelerate_endpoint',
    value: 'false',
  },
  {
    name: 'an indented ; comment under a key is kept when the key is edited',
    text: '[profile a]\nregion = us-east-1\n  ; why this region\noutput = json\n',
    ref: p('a'),
    key: 'region',
    value: 'eu-west-1',
    keeps: ['  ; why this region'],
  },
];

const sectionId = (ref: SectionRef) => `${ref.kind} ${ref.name}`;

test('each shape from the issue: edited as both readers read it, or refused naming the line', async (t) => {
  if (!requires(t, 'botocore')) return;
  const home = tempHome(t);
  const botocore = new BotocoreReader();
  t.after(() => botocore.close());
  for (const [i, shape] of shapes.entries()) {
    await t.test(shape.name, () => checkShape(i, shape));
  }
  async function checkShape(i: number, shape: Shape) {
    const kind = shape.kind ?? 'config';
    const file = path.join(home.home, `shape-${i}`);
    writeFile(file, shape.text);
    const edit = (doc: ConfigEditor) => {
      if (shape.value === undefined) doc.unset(shape.ref, shape.key);
      else doc.set(shape.ref, shape.key, shape.value);
    };
    if (shape.refuses !== undefined) {
      await assert.rejects(
        updateConfigFile(file, kind, edit),
        (e: unknown) => e instanceof ConfigError && e.message.includes(`${file}:${shape.refuses}: `),
        shape.name,
      );
      assert.equal(fs.readFileSync(file, 'utf8'), shape.text, `${shape.name}: file unchanged`);
      return;
    }
    await updateConfigFile(file, kind, edit);
    const after = fs.readFileSync(file, 'utf8');
    assert.notEqual(after, shape.text, shape.name);
    const afterFile = `${file}.after`;
    fs.copyFileSync(file, afterFile);
    fs.writeFileSync(file, shape.text);
    const [bBefore, bAfter] = await botocore.read([
      [file, kind],
      [afterFile, kind],
    ]);
    const readings: [string, Reading, Reading][] = [
      ['botocore', bBefore!, bAfter!],
      ['JS SDK', await jsReading(file, kind), await jsReading(afterFile, kind)],
    ];
    const key = shape.key;
    for (const [reader, before, now] of readings) {
      assert.deepEqual(
        unexpectedChanges(before, now, sectionId(shape.ref), { [key]: shape.value }),
        [],
        `${shape.name} (${reader}):\n${shape.text}---\n${after}`,
      );
    }
    for (const line of shape.keeps ?? [])
      assert.ok(after.split('\n').includes(line), `${shape.name}: keeps ${line}`);
  }
});

test('config unset of a key rolehop cannot see exits 1 naming the line; the file is unchanged', async (t) => {
  const home = tempHome(t);
  const text = '[profile a]\nregion: us-west-2\n';
  writeFile(home.configFile, text);
  const r = await runInProcess(['config', 'unset', '--profile', 'a', 'region'], home.env);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /config:2: botocore reads ':'/);
  assert.match(r.stderr, /hint: /);
  assert.equal(fs.readFileSync(home.configFile, 'utf8'), text);
});

test('login names the ":"-style line of an sso-session instead of suggesting a config set', async (t) => {
  const home = tempHome(t);
  writeFile(
    home.configFile,
    '[sso-session org]\nsso_start_url: https://x.awsapps.com/start\nsso_region = us-east-1\n',
  );
  const r = await runInProcess(['login', '--sso-session', 'org', '--no-browser'], home.env, {
    signal: AbortSignal.timeout(20_000),
  });
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /config:2: botocore reads ':'/);
  assert.doesNotMatch(r.stderr, /config set/);
});
