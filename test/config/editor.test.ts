import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigDocument } from '../../src/config/document.ts';
import { ConfigEditor, type SectionRef, updateConfigFile } from '../../src/config/editor.ts';
import { type FileKind, parseConfigText } from '../../src/config/parse.ts';
import { ConfigError } from '../../src/util/errors.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

const profile = (name: string): SectionRef => ({ kind: 'profile', name });

/** Runs edits in memory, with the same read-back check as a real write. */
function edited(text: string, edit: (doc: ConfigEditor) => void, kind: FileKind = 'config'): string {
  const editor = new ConfigEditor(ConfigDocument.parse(text), kind);
  edit(editor);
  editor.verify(ConfigDocument.parse(text));
  return editor.document.toString();
}

test('set replaces only the value line and keeps everything else', () => {
  const text =
    '# mine\n[profile dev]\nregion=us-east-1   ; old\noutput = json\n\n# next\n[profile prod]\nregion = x\n';
  assert.equal(
    edited(text, (d) => d.set(profile('dev'), 'region', 'eu-west-1')),
    '# mine\n[profile dev]\nregion = eu-west-1\noutput = json\n\n# next\n[profile prod]\nregion = x\n',
  );
});

test('setting a value it already has changes no byte, even with odd spacing', () => {
  const text = '[profile dev]\n  \nregion=eu-west-1 \t\n';
  assert.equal(
    edited(text, (d) => d.set(profile('dev'), 'region', 'eu-west-1')),
    text,
  );
  // REGION is region to botocore but another key to the JS SDK: no edit next to it.
  assert.throws(
    () => edited('[profile dev]\nREGION=eu-west-1\n', (d) => d.set(profile('dev'), 'region', 'eu-west-1')),
    /:2: botocore reads this key in lower case/,
  );
});

test('a new key goes after the last property, before comments that belong to the next section', () => {
  const text = '[profile dev]\nregion = x\n\n# about prod\n[profile prod]\n';
  assert.equal(
    edited(text, (d) => d.set(profile('dev'), 'output', 'json')),
    '[profile dev]\nregion = x\noutput = json\n\n# about prod\n[profile prod]\n',
  );
});

test('a new section is appended after a blank line; the config default is [default]', () => {
  assert.equal(
    edited('[profile a]\nx = 1\n', (d) => d.set(profile('default'), 'region', 'r')),
    '[profile a]\nx = 1\n\n[default]\nregion = r\n',
  );
  assert.equal(
    edited('', (d) => d.set(profile('dev'), 'region', 'r')),
    '[profile dev]\nregion = r\n',
  );
  assert.equal(
    edited('', (d) => d.set(profile('dev'), 'aws_access_key_id', 'AKIA'), 'credentials'),
    '[dev]\naws_access_key_id = AKIA\n',
  );
  assert.equal(
    edited('', (d) => d.set({ kind: 'sso-session', name: 'org' }, 'sso_region', 'us-east-1')),
    '[sso-session org]\nsso_region = us-east-1\n',
  );
});

test('[profile default] is edited when present, as readers prefer it', () => {
  const text = '[default]\nregion = a\n[profile default]\nregion = b\n';
  assert.equal(
    edited(text, (d) => d.set(profile('default'), 'region', 'c')),
    '[default]\nregion = a\n[profile default]\nregion = c\n',
  );
});

test('CRLF files stay CRLF and a missing final newline stays missing', () => {
  assert.equal(
    edited('[profile a]\r\nx = 1', (d) => d.set(profile('b'), 'y', '2')),
    '[profile a]\r\nx = 1\r\n\r\n[profile b]\r\ny = 2',
  );
  assert.equal(
    edited('[profile a]\r\nx = 1\r\n', (d) => d.set(profile('a'), 'y', '2')),
    '[profile a]\r\nx = 1\r\ny = 2\r\n',
  );
});

test('sub-properties: add, replace, and remove the parent with its last one', () => {
  let text = '[profile a]\nregion = r\n';
  text = edited(text, (d) => d.set(profile('a'), 's3.addressing_style', 'path'));
  assert.equal(text, '[profile a]\nregion = r\ns3 =\n  addressing_style = path\n');
  text = edited(text, (d) => d.set(profile('a'), 's3.use_accelerate_endpoint', 'true'));
  text = edited(text, (d) => d.set(profile('a'), 's3.addressing_style', 'virtual'));
  assert.equal(
    text,
    '[profile a]\nregion = r\ns3 =\n  addressing_style = virtual\n  use_accelerate_endpoint = true\n',
  );
  assert.deepEqual(JSON.parse(JSON.stringify(parseConfigText(text, 'config').profiles.a)), {
    region: 'r',
    s3: { addressing_style: 'virtual', use_accelerate_endpoint: 'true' },
  });
  text = edited(text, (d) => d.unset(profile('a'), 's3.addressing_style'));
  text = edited(text, (d) => d.unset(profile('a'), 's3.use_accelerate_endpoint'));
  assert.equal(text, '[profile a]\nregion = r\n');
});

test('services sections hold per-service sub-properties', () => {
  const text = edited('', (d) =>
    d.set({ kind: 'services', name: 'local' }, 'sts.endpoint_url', 'http://127.0.0.1:1'),
  );
  assert.equal(text, '[services local]\nsts =\n  endpoint_url = http://127.0.0.1:1\n');
});

test('unset removes every definition of the key and its continuation lines', () => {
  const text = '[profile a]\nx = 1\nlong = one\n  two\n# kept\nx = 2\ny = 3\n';
  assert.equal(
    edited(text, (d) => d.unset(profile('a'), 'x')),
    '[profile a]\nlong = one\n  two\n# kept\ny = 3\n',
  );
  assert.equal(
    edited(text, (d) => d.unset(profile('a'), 'long')),
    '[profile a]\nx = 1\n# kept\nx = 2\ny = 3\n',
  );
  assert.equal(
    edited(text, (d) => assert.equal(d.unset(profile('a'), 'absent'), false)),
    text,
  );
});

test('removeSection removes the block, keeps comments above the next one, and leaves no double blank', () => {
  const text = '[profile a]\nx = 1\n\n[profile b]\ny = 2\n# about c\n[profile c]\nz = 3\n';
  assert.equal(
    edited(text, (d) => d.removeSection(profile('b'))),
    '[profile a]\nx = 1\n\n# about c\n[profile c]\nz = 3\n',
  );
  assert.equal(
    edited(text, (d) => d.removeSection(profile('c'))),
    '[profile a]\nx = 1\n\n[profile b]\ny = 2\n# about c\n',
  );
});

test('sections can be inserted at a position, e.g. inside a managed block', () => {
  const text = '[profile mine]\nx = 1\n\n# rolehop:begin org\n# rolehop:end org\n';
  const out = edited(text, (d) => {
    const end = d.findLine((t) => t.startsWith('# rolehop:end'));
    d.addSection(
      profile('acct.Admin'),
      [
        ['sso_session', 'org'],
        ['sso_account_id', '111122223333'],
      ],
      { at: end },
    );
  });
  assert.equal(
    out,
    '[profile mine]\nx = 1\n\n# rolehop:begin org\n[profile acct.Admin]\nsso_session = org\nsso_account_id = 111122223333\n# rolehop:end org\n',
  );
});

test('unsafe edits are refused with a clear ConfigError', () => {
  const dup = '[profile a]\nx = 1\n[profile a]\ny = 2\n';
  assert.throws(
    () => edited(dup, (d) => d.set(profile('a'), 'x', '3')),
    (e: Error) => {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /appears 2 times \(lines 1, 3\)/);
      return true;
    },
  );
  for (const value of ['a\nb', 'a # b', ' padded', '#x', 'v ;c']) {
    assert.throws(
      () => edited('', (d) => d.set(profile('a'), 'x', value)),
      ConfigError,
      JSON.stringify(value),
    );
  }
  assert.throws(() => edited('', (d) => d.set(profile('bad name'), 'x', '1')), /not a valid profile name/);
  assert.throws(() => edited('', (d) => d.set(profile('a'), 'bad key', '1')), /not a valid key/);
  assert.throws(
    () => edited('[profile a]\ns3 = x\n', (d) => d.set(profile('a'), 's3.k', 'v')),
    /has a plain value/,
  );
  assert.throws(
    () => edited('', (d) => d.set({ kind: 'sso-session', name: 's' }, 'x', '1'), 'credentials'),
    /config file/,
  );
});

test('profile names such as __proto__ are plain names', () => {
  const out = edited('', (d) => d.set(profile('__proto__'), 'region', 'r'));
  assert.equal(out, '[profile __proto__]\nregion = r\n');
  const view = parseConfigText(out, 'config');
  assert.equal(Object.getPrototypeOf({}).region, undefined);
  assert.equal(Object.hasOwn(view.profiles, '__proto__'), true);
});

// Lines outside the edited section never change, for any file the editor accepts.
test('edit locality holds for generated files (property)', () => {
  const name = fc.constantFrom('a', 'b', 'default', 'c');
  const line = fc.oneof(
    fc.constantFrom('# c', '; c', '', '  ', 'junk line', 'x = 1', 'Region = r', ' -cont', 's3 =', '  k = v'),
    name.map((n) => `[profile ${n}]`),
    fc.constantFrom('[default]', '[sso-session a]', '[b]', '[profile a'),
  );
  const file = fc
    .tuple(fc.array(line, { maxLength: 25 }), fc.constantFrom('\n', '\r\n'))
    .map(([ls, eol]) => ls.join(eol));
  const op = fc.tuple(
    name,
    fc.constantFrom('region', 'x', 's3.k', 'output'),
    fc.option(fc.constantFrom('v1', 'r')),
  );
  fc.assert(
    fc.property(file, op, (text, [n, key, value]) => {
      const ref = profile(n);
      const editor = new ConfigEditor(ConfigDocument.parse(text), 'config');
      const before = ConfigDocument.parse(text);
      const blocks = before
        .sections()
        .filter(
          (b) =>
            b.info &&
            b.info.name === n &&
            (b.info.prefix === 'profile' || (n === 'default' && b.info.prefix === undefined)),
        );
      try {
        if (value === null) editor.unset(ref, key);
        else editor.set(ref, key, value);
        editor.verify(before);
      } catch (error) {
        assert.ok(error instanceof ConfigError, String(error));
        return;
      }
      const after = editor.document.toString();
      if (after === text) return;
      if (blocks.length === 0) {
        // New section at the end: the old text is a prefix (give or take a final newline).
        assert.ok(
          after.startsWith(text.replace(/\r?\n?$/, '')),
          `${JSON.stringify(text)} -> ${JSON.stringify(after)}`,
        );
        return;
      }
      const touched = blocks.length === 1 ? blocks[0]! : blocks.find((b) => b.info?.prefix === 'profile')!;
      const head = before.lines
        .slice(0, touched.header + 1)
        .map((l) => l.text + l.eol)
        .join('');
      const tail = before.lines
        .slice(touched.end)
        .map((l) => l.text + l.eol)
        .join('');
      // Removing a section's last lines gives the header the file's missing final newline.
      const headText = touched.end === before.lines.length ? head.replace(/\r?\n$/, '') : head;
      assert.ok(
        after.startsWith(headText) && after.endsWith(tail),
        `${JSON.stringify(text)} -> ${JSON.stringify(after)}`,
      );
    }),
    { numRuns: 1500 },
  );
});

test('a new file is 0600 in a new 0700 folder', async (t) => {
  const home = tempHome(t);
  const result = await updateConfigFile(home.configFile, 'config', (d) => d.set(profile('a'), 'region', 'r'));
  assert.equal(result.changed, true);
  assert.equal(fs.statSync(home.configFile).mode & 0o777, 0o600);
  assert.equal(fs.statSync(home.awsDir).mode & 0o777, 0o700);
  assert.equal(fs.readFileSync(home.configFile, 'utf8'), '[profile a]\nregion = r\n');
});

test('an existing file keeps its mode', async (t) => {
  const home = tempHome(t);
  writeFile(home.configFile, '[profile a]\n', 0o640);
  fs.chmodSync(home.configFile, 0o640);
  await updateConfigFile(home.configFile, 'config', (d) => d.set(profile('a'), 'region', 'r'));
  assert.equal(fs.statSync(home.configFile).mode & 0o777, 0o640);
});

test('no write at all when nothing changes (same inode, same mtime)', async (t) => {
  const home = tempHome(t);
  writeFile(home.configFile, '[profile a]\nregion = r\n');
  const past = new Date(Date.now() - 3_600_000);
  fs.utimesSync(home.configFile, past, past);
  const before = fs.statSync(home.configFile);
  const result = await updateConfigFile(home.configFile, 'config', (d) => {
    d.set(profile('a'), 'region', 'r');
    d.unset(profile('a'), 'output');
  });
  assert.equal(result.changed, false);
  const after = fs.statSync(home.configFile);
  assert.equal(after.mtimeMs, before.mtimeMs);
  assert.equal(after.ino, before.ino);
  assert.deepEqual(fs.readdirSync(home.awsDir).sort(), ['config']);
});

test('a refused edit leaves the file byte-identical and the whole batch unapplied', async (t) => {
  const home = tempHome(t);
  const text = '[profile a]\nx = 1\n[profile a]\ny = 2\n';
  writeFile(home.configFile, text);
  const before = fs.statSync(home.configFile);
  await assert.rejects(
    updateConfigFile(home.configFile, 'config', (d) => {
      d.set(profile('b'), 'region', 'r');
      d.set(profile('a'), 'x', '3');
    }),
    /appears 2 times/,
  );
  assert.equal(fs.readFileSync(home.configFile, 'utf8'), text);
  assert.equal(fs.statSync(home.configFile).mtimeMs, before.mtimeMs);
});

test('a file that is not UTF-8 is never rewritten', async (t) => {
  const home = tempHome(t);
  const bytes = Buffer.from([0x5b, 0x61, 0x5d, 0x0a, 0xff, 0xfe, 0x0a]);
  fs.mkdirSync(home.awsDir, { mode: 0o700 });
  fs.writeFileSync(home.configFile, bytes);
  await assert.rejects(
    updateConfigFile(home.configFile, 'config', (d) => d.set(profile('a'), 'x', '1')),
    /not valid UTF-8/,
  );
  assert.deepEqual(fs.readFileSync(home.configFile), bytes);
});

test('a symlinked config file is edited through the link', async (t) => {
  const home = tempHome(t);
  const real = path.join(home.home, 'dotfiles-config');
  writeFile(real, '[profile a]\n');
  fs.mkdirSync(home.awsDir, { recursive: true, mode: 0o700 });
  fs.symlinkSync(real, home.configFile);
  await updateConfigFile(home.configFile, 'config', (d) => d.set(profile('a'), 'region', 'r'));
  assert.equal(fs.lstatSync(home.configFile).isSymbolicLink(), true);
  assert.equal(fs.readFileSync(real, 'utf8'), '[profile a]\nregion = r\n');
});

test('the last line keeps its missing newline when replaced, and a BOM stays', () => {
  assert.equal(
    edited('[profile a]\nx = 1', (d) => d.set(profile('a'), 'x', '2')),
    '[profile a]\nx = 2',
  );
  assert.equal(
    edited('\uFEFF[profile a]\r\n', (d) => d.set(profile('a'), 'x', '2')),
    '\uFEFF[profile a]\r\nx = 2\r\n',
  );
});

test('lines readers cannot parse stay as they are while other sections are edited', () => {
  const text = '[profile a]\nthis is junk\n[broken header\nk = v\n[profile b]\nx = 1\n';
  assert.equal(
    edited(text, (d) => d.set(profile('b'), 'x', '2')),
    '[profile a]\nthis is junk\n[broken header\nk = v\n[profile b]\nx = 2\n',
  );
  assert.equal(
    edited(text, (d) => d.set(profile('a'), 'y', '1')),
    '[profile a]\nthis is junk\ny = 1\n[broken header\nk = v\n[profile b]\nx = 1\n',
  );
});

test('managed blocks: marker comments in, block removed as a whole, re-read checks still apply', () => {
  let text = '[profile mine]\nx = 1\n';
  text = edited(text, (d) => {
    const end = d.document.lines.length;
    d.insertLines(end, ['', '# rolehop:begin org', '# rolehop:end org']);
    d.addSection(profile('p1'), [['region', 'r']], { at: d.findLine((l) => l === '# rolehop:end org') });
  });
  assert.equal(
    text,
    '[profile mine]\nx = 1\n\n# rolehop:begin org\n[profile p1]\nregion = r\n# rolehop:end org\n',
  );
  text = edited(text, (d) => {
    const begin = d.findLine((l) => l === '# rolehop:begin org');
    const end = d.findLine((l) => l === '# rolehop:end org');
    d.removeLines(begin - 1, end + 1);
  });
  assert.equal(text, '[profile mine]\nx = 1\n');
  // Raw lines may not add a duplicate section or a line readers reject.
  assert.throws(() => edited(text, (d) => d.insertLines(2, ['[profile mine]'])), /would duplicate a section/);
  assert.throws(() => edited(text, (d) => d.insertLines(2, ['junk'])), /cannot parse/);
});

test('the read-back check refuses a document that no longer means what the edits said', () => {
  const text = '[profile a]\nx = 1\n[profile b]\ny = 2\n';
  assert.throws(
    () =>
      edited(text, (d) => {
        d.set(profile('a'), 'x', '3');
        d.document.splice(3, 4, ['y = 9']); // a change no edit asked for
      }),
    (e: Error) => e instanceof ConfigError && /would not read back as intended/.test(e.message),
  );
});

test('an empty value is written as "key =" without a trailing blank', () => {
  assert.equal(
    edited('[profile a]\n', (d) => d.set(profile('a'), 'output', '')),
    '[profile a]\noutput =\n',
  );
});
