import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigDocument } from '../../src/config/document.ts';

// Pieces that stress the grammar: brackets, prefixes, separators, comment marks, every line ending.
const fragments = [
  '[',
  ']',
  'profile',
  'sso-session',
  'services',
  'default',
  ' ',
  '\t',
  '=',
  '#',
  ';',
  'foo',
  'region',
  'us-east-1',
  '\n',
  '\r\n',
  '\r',
  '\uFEFF',
  'é',
  '😀',
  '\u0000',
  '  name = value',
];
const adversarial = fc.array(fc.constantFrom(...fragments), { maxLength: 60 }).map((parts) => parts.join(''));
const lineShaped = fc
  .array(
    fc.tuple(
      fc.oneof(
        fc.constantFrom(
          '[profile a]',
          '[default]',
          '[sso-session s]',
          '[services x]',
          '[a b c',
          'k = v',
          ' sub = 1',
        ),
        fc.constantFrom('# c', '; c', '', ' \t', 'key value', '= v', '  -cont', 'x = y # z', 'x=y#z'),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
      ),
      fc.constantFrom('\n', '\r\n', '', '\r'),
    ),
    { maxLength: 30 },
  )
  .map((lines) => lines.map(([t, e]) => t + e).join(''));

test('any string serializes back identically (round trip)', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), adversarial, lineShaped), (text) => {
      assert.equal(ConfigDocument.parse(text).toString(), text);
    }),
    { numRuns: 3000 },
  );
});

test('round trip holds after reclassifying', () => {
  fc.assert(
    fc.property(lineShaped, (text) => {
      const doc = ConfigDocument.parse(text);
      doc.reclassify();
      assert.equal(doc.toString(), text);
    }),
    { numRuns: 500 },
  );
});

test('fixed adversarial inputs round trip', () => {
  for (const text of [
    '',
    '\n',
    '\r\n',
    '\uFEFF',
    '\uFEFF[default]\r\nregion = x',
    '[profile a]\r\nx = 1\n[profile b]\ry = 2',
    'no header = here\n\n\n',
    '[profile a]\n  \t\n\tcontinued\n',
    '[profile a]\nx = 1\n[profile a]\nx = 2\n',
    '[weird section type]\nk = v',
    '\t\t[profile indented]\n',
    'x'.repeat(10_000),
  ]) {
    assert.equal(ConfigDocument.parse(text).toString(), text);
  }
});

test('lines are classified with their parsed fields', () => {
  const doc = ConfigDocument.parse(
    '# top\n[profile dev] ; note\nregion = eu-west-1 # c\nname = v#c\ns3 =\n  addressing_style = path\n\nbad line\n[broken\n',
  );
  assert.deepEqual(
    doc.lines.map((l) => l.info),
    [
      { type: 'comment' },
      { type: 'section', header: 'profile dev', js: 'profile dev', prefix: 'profile', name: 'dev' },
      { type: 'property', key: 'region', value: 'eu-west-1' },
      { type: 'property', key: 'name', value: 'v#c' },
      { type: 'property', key: 's3', value: '' },
      { type: 'sub-property', key: 'addressing_style', value: 'path' },
      { type: 'blank' },
      { type: 'invalid', message: "Expected an '=' sign defining a property" },
      { type: 'invalid', message: "Profile definition must end with ']'", header: true },
    ],
  );
});

test('line endings are kept per line and the first one sets the style for new lines', () => {
  const doc = ConfigDocument.parse('[a]\r\nx = 1\ny = 2');
  assert.deepEqual(
    doc.lines.map((l) => l.eol),
    ['\r\n', '\n', ''],
  );
  assert.equal(doc.eol, '\r\n');
  assert.equal(ConfigDocument.parse('[a]').eol, '\n');
});

test('a BOM is kept on output and not part of the first header', () => {
  const doc = ConfigDocument.parse('\uFEFF[profile a]\n');
  assert.equal(doc.bom, true);
  assert.equal(doc.lines[0]!.info.type, 'section');
  assert.equal(doc.toString(), '\uFEFF[profile a]\n');
});

test('a broken header ends the section above it', () => {
  const doc = ConfigDocument.parse('[profile a]\nx = 1\n[profile b\ny = 2\n');
  const blocks = doc.sections();
  assert.deepEqual(
    blocks.map((b) => [b.header, b.end, b.info?.name]),
    [
      [-1, 0, undefined],
      [0, 2, 'a'],
      [2, 4, undefined],
    ],
  );
});

// Lines whose reading depends on the ones above (sections, indents, sub-sections).
const piece = fc.constantFrom(
  '[profile a]',
  '[b',
  'x = 1',
  's3 =',
  '  k = v',
  '  cont',
  '# c',
  '',
  'junk',
  '[default]',
  // Indent levels and the JS SDK's sub-section are state too.
  '    k = v',
  '\tregion = x',
  '  s3 =',
  'a: b',
  '[profile a] x',
);

test('after any splice, every line reads as in a fresh parse of the result (incremental re-read)', () => {
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 20 }),
      fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.array(piece, { maxLength: 4 })), { maxLength: 6 }),
      fc.boolean(),
      (initial, edits, readOnly) => {
        // A document only read keeps no line states: it reads as a parse does, and an edit re-reads it.
        const doc = readOnly
          ? ConfigDocument.read(initial.join('\n'))
          : ConfigDocument.parse(initial.join('\n'));
        assert.deepEqual(doc.lines, ConfigDocument.parse(initial.join('\n')).lines);
        for (const [at, count, texts] of edits) {
          const start = doc.lines.length === 0 ? 0 : at % (doc.lines.length + 1);
          doc.splice(start, Math.min(doc.lines.length, start + count), texts);
          const fresh = ConfigDocument.parse(doc.toString());
          assert.deepEqual(
            doc.lines.map((l) => l.info),
            fresh.lines.map((l) => l.info),
          );
        }
      },
    ),
    { numRuns: 1000 },
  );
});

test('lines read as a file of their own mean what a parse of their joined texts reads', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ unit: 'binary', maxLength: 200 }),
        adversarial,
        lineShaped,
        fc.array(piece, { maxLength: 30 }).map((p) => p.join('\n')),
      ),
      fc.nat(),
      fc.nat(),
      (text, a, b) => {
        const doc = ConfigDocument.parse(text);
        const [start, end] = [a % (doc.lines.length + 1), b % (doc.lines.length + 1)].sort((x, y) => x - y);
        const joined = doc.lines
          .slice(start, end)
          .map((l) => l.text)
          .join('\n');
        const alone = doc.linesAsFile(start!, end!);
        assert.deepEqual(
          alone.lines.map((l) => [l.text, l.info]),
          ConfigDocument.parse(joined).lines.map((l) => [l.text, l.info]),
        );
        // Shared lines must carry their reading along: an edit of the excerpt re-reads correctly.
        alone.splice(0, Math.min(1, alone.lines.length), ['[profile z]']);
        assert.deepEqual(
          alone.lines.map((l) => l.info),
          ConfigDocument.parse(alone.toString()).lines.map((l) => l.info),
        );
      },
    ),
    { numRuns: 3000 },
  );
});

test('each line is read as botocore and the JS SDK both read it, or marked disputed', () => {
  const typeOf = (text: string, line: number) => ConfigDocument.parse(text).lines[line - 1]!.info.type;
  const cases: [text: string, line: number, type: string][] = [
    ['[profile a]\n\tregion = x\n', 2, 'property'], // indented right after a header: a key to both
    ['[profile a]\n# c\n  region = x\n', 3, 'property'],
    ['[profile a]\n\n  region = x\n', 3, 'property'],
    ['[profile a]\n  [profile b]\n', 2, 'section'],
    ['[profile a]\nregion\u00a0= x\n', 2, 'property'],
    ['[profile a]\u00a0\n', 1, 'section'],
    ['[profile a]\r\r\nregion = x\n', 1, 'section'],
    ['[profile a]\nregion = x\n  # note\n', 3, 'comment'], // botocore: comment; JS: comment
    ['[profile a]\ns3 =\n  # c\n  addressing_style = path\n', 4, 'sub-property'],
    ['[profile a]\nregion = x\n  more\n', 3, 'continuation'],
    ['[profile a]\nregion: x\n', 2, 'disputed'], // botocore: key; JS: nothing
    ['[profile a]\nregion = x\n  output = json\n', 3, 'disputed'], // botocore: value; JS: key
    ['[profile a]\nregion = x\n  [profile b]\n', 3, 'disputed'], // botocore: value; JS: header
    ['[profile a] text\n', 1, 'disputed'], // botocore: header; JS: not
    ['[profile a]# c\n', 1, 'disputed'],
    ['[profile a]\rregion = x\n', 1, 'disputed'], // a lone CR ends a line for botocore only
    ['[profile a]\n  s3 =\n    x = 1\n  region = y\n', 4, 'disputed'], // JS: s3.region
    ['[profile a]\ns3 =\n  x =\n  y = 1\n', 4, 'disputed'], // JS: x.y
    ['[profile a]\nregion\ufeff= x\n', 2, 'disputed'], // U+FEFF is a space to JS only
    ['[profile a]\njunk\n', 2, 'invalid'], // botocore refuses the file; JS skips the line
  ];
  for (const [text, line, type] of cases) assert.equal(typeOf(text, line), type, JSON.stringify(text));
});
