// rolehop's reading of each file against botocore's (python3, preinstalled; one process for all
// files, test/harness/sdk-readers.ts) on a generated corpus of valid files; then the known places
// where the cross-SDK spec and botocore disagree on values, each pinned so a change shows up; then
// edits, read back by botocore and the JS SDK (issue 16 §6).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigDocument } from '../../src/config/document.ts';
import { ConfigEditor } from '../../src/config/editor.ts';
import { profileNamesOutside, replaceManagedBlock } from '../../src/config/managed-blocks.ts';
import { parseConfigText } from '../../src/config/parse.ts';
import { ConfigError } from '../../src/util/errors.ts';
import { requires } from '../harness/requires.ts';
import {
  BotocoreReader,
  type FileKind,
  jsReading,
  type Reading,
  unexpectedChanges,
} from '../harness/sdk-readers.ts';
import { tempHome } from '../harness/temp-home.ts';

/** rolehop's reading of one file in the readers' flat shape (test/harness/sdk-readers.ts). */
function rolehopReading(text: string, kind: FileKind): Reading {
  const view = parseConfigText(text, kind);
  const sections: Record<string, Record<string, string>> = {};
  const groups = { profile: view.profiles, 'sso-session': view.ssoSessions, services: view.services };
  for (const [prefix, group] of Object.entries(groups)) {
    for (const [n, props] of Object.entries(group)) {
      const flat: Record<string, string> = {};
      for (const [k, v] of Object.entries(props)) {
        if (typeof v === 'string') flat[k] = v;
        else for (const [sk, sv] of Object.entries(v)) flat[`${k}.${sk}`] = sv;
      }
      sections[`${prefix} ${n}`] = flat;
    }
  }
  return { sections };
}

const name = fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/);
const key = fc.stringMatching(/^[a-z][a-z0-9_]{0,11}$/);
const value = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9:/._@+-]{1,20}$/),
  fc.constantFrom(
    'arn:aws:iam::111122223333:role/Deploy',
    'val=ue',
    'v#adjacent',
    'a b  c',
    'https://x.awsapps.com/start',
    '100%',
  ),
);
const separator = fc.constantFrom(' = ', '=', ' =', '= ', '\t=\t', '  =  ');
const property = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(key, separator, value).map(([k, s, v]) => ({ k, lines: [`${k}${s}${v}`] })),
  },
  {
    weight: 1,
    arbitrary: fc
      // A continuation holding "=" is a setting of its own to the JS SDK: disputed, pinned below.
      .tuple(
        key,
        value,
        fc.array(
          value.filter((v) => !v.includes('=')),
          { minLength: 1, maxLength: 3 },
        ),
        fc.constantFrom('  ', '\t', '    '),
      )
      .map(([k, v, more, indent]) => ({ k, lines: [`${k} = ${v}`, ...more.map((m) => indent + m)] })),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(key, fc.uniqueArray(fc.tuple(key, value), { minLength: 1, maxLength: 3, selector: ([k]) => k }))
      .map(([k, subs]) => ({ k, lines: [`${k} =`, ...subs.map(([sk, sv]) => `  ${sk} = ${sv}`)] })),
  },
);
const filler = fc.constantFrom([], [], [''], ['# a comment'], ['; another'], ['', '# spaced']);
const body = fc
  .tuple(fc.uniqueArray(property, { maxLength: 5, selector: (p) => p.k }), fc.array(filler, { maxLength: 5 }))
  .map(([props, fills]) => props.flatMap((p, i) => [...p.lines, ...(fills[i] ?? [])]));
const configFile = fc
  .tuple(
    fc.boolean(),
    fc.uniqueArray(fc.tuple(fc.constantFrom('profile', 'sso-session', 'services'), name, body), {
      maxLength: 6,
      selector: ([kind, n]) => `${kind} ${n}`,
    }),
    body,
    fc.constantFrom('\n', '\r\n'),
    filler,
  )
  .map(([withDefault, sections, defaultBody, eol, head]) =>
    [
      ...head,
      ...(withDefault ? ['[default]', ...defaultBody] : []),
      ...sections.flatMap(([kind, n, lines]) => [`[${kind} ${n}]`, ...lines]),
    ].join(eol),
  );
const credentialsFile = fc
  .uniqueArray(fc.tuple(fc.oneof(name, fc.constant('default')), body), { maxLength: 4, selector: ([n]) => n })
  .map((sections) => sections.flatMap(([n, lines]) => [`[${n}]`, ...lines]).join('\n'));

test('rolehop reads a generated corpus of valid files exactly as botocore does', async (t) => {
  if (!requires(t, 'botocore')) return;
  const home = tempHome(t);
  const botocore = new BotocoreReader();
  t.after(() => botocore.close());
  const cases = fc.sample(fc.tuple(configFile, credentialsFile), { numRuns: 150, seed: 20260101 });
  const files = cases.flatMap(([config, credentials], i): [string, FileKind, string][] => [
    [path.join(home.home, `config-${i}`), 'config', config],
    [path.join(home.home, `credentials-${i}`), 'credentials', credentials],
  ]);
  for (const [file, , text] of files) fs.writeFileSync(file, text);
  const expected = await botocore.read(files.map(([file, kind]) => [file, kind]));
  files.forEach(([, kind, text], i) => {
    assert.deepEqual(rolehopReading(text, kind), expected[i], `case ${i >> 1} (${kind}):\n${text}`);
    assert.deepEqual(parseConfigText(text, kind).warnings, [], `case ${i >> 1} (${kind})`);
  });
});

/** Where the spec (and the JS SDK) and botocore part ways on values; rolehop answers as the spec does. */
const differences: { why: string; config: string; rolehop: unknown; botocore: unknown }[] = [
  {
    why: 'inline comments: the spec strips " # c" after a value; botocore keeps it in the value',
    config: '[profile a]\nregion = eu-west-1 # Ireland\n',
    rolehop: { 'profile a': { region: 'eu-west-1' } },
    botocore: { 'profile a': { region: 'eu-west-1 # Ireland' } },
  },
  {
    why: '[profile default] wins over [default] in the spec and the JS SDK; botocore takes whichever comes last (rolehop refuses to edit either)',
    config: '[profile default]\nregion = a\n[default]\nregion = b\n',
    rolehop: { 'profile default': { region: 'a' } },
    botocore: { 'profile default': { region: 'b' } },
  },
  {
    why: 'an indented "k = v" after a value: botocore continues the value, the JS SDK reads a key; rolehop neither',
    config: '[profile a]\nregion = r\n  output = json\n',
    rolehop: { 'profile a': { region: 'r' } },
    botocore: { 'profile a': { region: 'r\noutput = json' } },
  },
  {
    why: 'duplicate sections merge in the spec; botocore refuses the whole file (doctor reports them)',
    config: '[profile a]\nx = 1\n[profile a]\ny = 2\n',
    rolehop: { 'profile a': { x: '1', y: '2' } },
    botocore: { error: 'ConfigParseError' },
  },
  {
    why: 'a line without "=" is skipped with a warning by rolehop; botocore refuses the whole file',
    config: '[profile a]\nx = 1\njunk\n',
    rolehop: { 'profile a': { x: '1' } },
    botocore: { error: 'ConfigParseError' },
  },
];

test('known differences between the spec (followed) and botocore, pinned', async (t) => {
  if (!requires(t, 'botocore')) return;
  const home = tempHome(t);
  const botocore = new BotocoreReader();
  t.after(() => botocore.close());
  const files = differences.map((d, i): [string, FileKind] => {
    const c = path.join(home.home, `diff-${i}`);
    fs.writeFileSync(c, d.config);
    return [c, 'config'];
  });
  const boto = await botocore.read(files);
  differences.forEach((d, i) => {
    assert.deepEqual(rolehopReading(d.config, 'config'), { sections: d.rolehop }, d.why);
    const b = boto[i]!;
    assert.deepEqual('error' in b ? b : b.sections, d.botocore, d.why);
  });
});

// ---- Edits: issue 16 §6. Files built from the shapes botocore and the JS SDK read differently
// from the spec (indented keys and headers, `:`, no-break spaces, text or CR after a header, quoted
// and odd section names, comments inside values); after every set / unset / configure-style block
// that rolehop does not refuse, both readers must still parse the file, read the edited keys as
// intended and everything else exactly as before, and lines outside the edit stay byte-identical.

type Ref = { kind: 'profile' | 'sso-session' | 'services'; name: string };
type Op =
  | { op: 'set'; ref: Ref; key: string; value: string }
  | { op: 'unset'; ref: Ref; key: string }
  | { op: 'configure'; ref: Ref; entries: [string, string][] };

const EDIT_SEED = 160_616;
const EDIT_RUNS = 2500;

const sectionName = fc.constantFrom('a', 'b', 'default', 'prod');
const editKey = fc.constantFrom('region', 'output', 'role_arn', 'sso_region', 'cli_pager');
const editValue = fc.constantFrom('us-east-1', 'json', 'v1', 'arn:aws:iam::111122223333:role/R');

/** `[inner]` and its odd spellings; the ones with a prefix split it as `prefix name`. */
const headerLine = (inner: string) => {
  const [prefix, name] = inner.includes(' ') ? inner.split(' ') : [undefined, inner];
  const shapes = [
    `  [${inner}]`,
    `\t[${inner}]`,
    `[${inner}]\u00a0`,
    `[${inner}] ; note`,
    `[${inner}] text`,
    `[${inner}]# c`,
    `[ ${inner} ]`,
    `[${inner}]\r`,
    `[${inner}]\rcli_pager = x`,
    ...(prefix
      ? [`[${prefix} "${name}"]`, `[${prefix}s ${name}]`, `[${prefix}  ${name}]`, `[${prefix}\t${name}]`]
      : []),
  ];
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant(`[${inner}]`) },
    { weight: 4, arbitrary: fc.constantFrom(...shapes) },
  );
};

const entryLines = (k: string, v: string) =>
  fc.oneof(
    { weight: 8, arbitrary: fc.constant([`${k} = ${v}`]) },
    {
      weight: 8,
      arbitrary: fc.constantFrom(
        [`${k}=${v}`],
        [`\t${k} = ${v}`],
        [`  ${k} = ${v}`],
        [`${k}: ${v}`],
        [`${k}\u00a0= ${v}`],
        [`${k} = ${v} # c`],
        [`${k.toUpperCase()} = ${v}`],
        [`${k} = ${v}`, '  more'],
        [`${k} = ${v}`, '  y9 = z'],
        [`${k} = ${v}`, '  ; note'],
        [`${k} =`, '  addressing_style = path', '  # c', '  use_accelerate_endpoint = true'],
        [`  ${k} =`, '    addressing_style = path'],
      ),
    },
  );
const fillerLines = fc.constantFrom<string[]>([], [], [''], ['# c'], ['  # c'], ['; c']);
const sectionBody = fc
  .uniqueArray(fc.tuple(fc.constantFrom('region', 'output', 'role_arn', 's3', 'sso_region'), editValue), {
    maxLength: 4,
    selector: ([k]) => k,
  })
  .chain((entries) =>
    fc
      .tuple(...entries.map(([k, v]) => fc.tuple(entryLines(k, v), fillerLines)))
      .map((parts) => parts.flatMap(([lines, filler]) => [...lines, ...filler])),
  );

const configSection = fc
  .tuple(fc.constantFrom('profile', 'profile', 'sso-session', 'services'), sectionName)
  .chain(([kind, n]) =>
    fc.tuple(
      // The default profile as [default] or [profile default], in either order across sections.
      (kind === 'profile' && n === 'default'
        ? fc.constantFrom('default', 'profile default')
        : fc.constant(`${kind} ${n}`)
      ).chain(headerLine),
      sectionBody,
    ),
  );
const credentialsSection = sectionName.chain((n) => fc.tuple(headerLine(n), sectionBody));

const editedFile = fc.constantFrom<FileKind>('config', 'config', 'credentials').chain((kind) =>
  fc.record({
    kind: fc.constant(kind),
    text: fc
      .tuple(
        fc.array(kind === 'config' ? configSection : credentialsSection, { minLength: 1, maxLength: 4 }),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
      )
      .map(
        ([sections, eol, finalEol]) =>
          sections.flatMap(([header, body]) => [header, ...body]).join(eol) + (finalEol ? eol : ''),
      ),
    op: fc.oneof(
      fc.record({
        op: fc.constant('set' as const),
        ref: refFor(kind),
        key: fc.oneof(editKey, fc.constantFrom('s3.addressing_style', 's3.use_accelerate_endpoint')),
        value: editValue,
      }),
      fc.record({
        op: fc.constant('unset' as const),
        ref: refFor(kind),
        key: fc.oneof(editKey, fc.constantFrom('s3', 's3.addressing_style')),
      }),
      fc.record({
        op: fc.constant('configure' as const),
        ref: sectionName.map((name): Ref => ({ kind: 'profile', name })),
        entries: fc.constant<[string, string][]>(
          kind === 'config'
            ? [
                ['sso_session', 'org'],
                ['sso_account_id', '111122223333'],
                ['sso_role_name', 'Admin'],
              ]
            : [
                ['aws_access_key_id', 'AKIAEXAMPLE'],
                ['aws_secret_access_key', 'secret'],
              ],
        ),
      }),
    ) as fc.Arbitrary<Op>,
  }),
);

function refFor(kind: FileKind): fc.Arbitrary<Ref> {
  const kinds =
    kind === 'config' ? (['profile', 'profile', 'sso-session', 'services'] as const) : (['profile'] as const);
  return fc.tuple(fc.constantFrom(...kinds), sectionName).map(([k, name]) => ({ kind: k, name }));
}

/** Lines with their endings. */
const rawLines = (text: string) => text.split(/(?<=\n)/);

/** The edit touched only the edited key's own lines (or appended): every other line is byte-identical. */
function outsideEditChanged(before: string, after: string, op: Op): string | undefined {
  const was = rawLines(before);
  const now = rawLines(after);
  let head = 0;
  while (head < was.length && head < now.length && was[head] === now[head]) head++;
  let tail = 0;
  while (
    tail < was.length - head &&
    tail < now.length - head &&
    was[was.length - 1 - tail] === now[now.length - 1 - tail]
  )
    tail++;
  const added = now.slice(head, now.length - tail);
  const doc = ConfigDocument.parse(before);
  const parent = op.op === 'configure' ? undefined : op.key.split('.')[0];
  for (let i = head; i < was.length - tail; i++) {
    const info = doc.lines[i]!.info;
    const own =
      (info.type === 'property' && info.key.toLowerCase() === parent) ||
      info.type === 'continuation' ||
      info.type === 'sub-property' ||
      // A line kept as it was, perhaps with a line ending added (appending after a last line).
      added.some((l) => l.startsWith(was[i]!));
    if (!own) return `line ${i + 1} changed: ${JSON.stringify(was[i])}`;
  }
  return undefined;
}

/** The flat keys an op changes in one reader's reading of the file before it. */
function changesOf(op: Op, before: Reading, section: string): Record<string, string | undefined> {
  if (op.op === 'configure') return Object.fromEntries(op.entries);
  // A plain key replaces or removes its sub-properties too.
  const keys = 'error' in before ? [] : Object.keys(before.sections[section] ?? {});
  const gone = keys.filter((k) => !op.key.includes('.') && k.startsWith(`${op.key}.`));
  const changes: Record<string, string | undefined> = Object.fromEntries(gone.map((k) => [k, undefined]));
  changes[op.key] = op.op === 'set' ? op.value : undefined;
  return changes;
}

test('after every edit rolehop makes, botocore and the JS SDK read the intended change and nothing else', async (t) => {
  if (!requires(t, 'botocore')) return;
  const home = tempHome(t);
  const botocore = new BotocoreReader();
  t.after(() => botocore.close());
  const cases = fc.sample(editedFile, { numRuns: EDIT_RUNS, seed: EDIT_SEED });
  const edits: { i: number; before: string; after: string; files: [string, string] }[] = [];
  let refused = 0;
  cases.forEach(({ kind, text, op }, i) => {
    const editor = new ConfigEditor(ConfigDocument.parse(text), kind, 'FILE');
    try {
      if (op.op === 'set') editor.set(op.ref, op.key, op.value);
      else if (op.op === 'unset') editor.unset(op.ref, op.key);
      else if (profileNamesOutside(editor.document, kind, 'diff').has(op.ref.name))
        throw new ConfigError('taken');
      else
        replaceManagedBlock(editor, kind, { id: 'diff', sections: [{ ref: op.ref, entries: op.entries }] });
      editor.verify(ConfigDocument.parse(text));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw new Error(`seed ${EDIT_SEED} case ${i}: ${String(error)}`);
      refused++;
      return;
    }
    const after = editor.document.toString();
    if (after === text) return;
    const files: [string, string] = [
      path.join(home.home, `edit-${i}-before`),
      path.join(home.home, `edit-${i}-after`),
    ];
    fs.writeFileSync(files[0], text);
    fs.writeFileSync(files[1], after);
    edits.push({ i, before: text, after, files });
  });
  const boto = await botocore.read(
    edits.flatMap(({ i, files }) => files.map((f): [string, FileKind] => [f, cases[i]!.kind])),
  );
  const failures: string[] = [];
  for (const [n, { i, before, after, files }] of edits.entries()) {
    const { kind, op } = cases[i]!;
    const section = kind === 'credentials' ? `profile ${op.ref.name}` : `${op.ref.kind} ${op.ref.name}`;
    const problems: string[] = [];
    const outside = outsideEditChanged(before, after, op);
    if (outside) problems.push(outside);
    const js: [Reading, Reading] = [await jsReading(files[0], kind), await jsReading(files[1], kind)];
    for (const [reader, was, now] of [
      ['botocore', boto[2 * n]!, boto[2 * n + 1]!],
      ['JS SDK', ...js],
    ] as [string, Reading, Reading][]) {
      for (const p of unexpectedChanges(was, now, section, changesOf(op, was, section)))
        problems.push(`${reader}: ${p}`);
    }
    if (problems.length > 0) {
      failures.push(
        `seed ${EDIT_SEED} case ${i} (${kind}, ${JSON.stringify(op)}):\n${before}\n--- after ---\n${after}\n--- ${problems.join('\n--- ')}`,
      );
    }
  }
  assert.deepEqual(failures.slice(0, 6), [], `${failures.length} of ${edits.length} edits went wrong`);
  // The corpus must exercise both paths: plenty of edits, and refusals near disputed lines.
  assert.ok(edits.length > EDIT_RUNS * 0.3, `only ${edits.length} edits of ${EDIT_RUNS}`);
  assert.ok(refused > EDIT_RUNS * 0.05, `only ${refused} refusals`);
});
