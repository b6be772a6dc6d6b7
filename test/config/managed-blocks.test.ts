import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigDocument } from '../../src/config/document.ts';
import { ConfigEditor } from '../../src/config/editor.ts';
import {
  type BlockContent,
  findManagedBlocks,
  profileNamesOutside,
  replaceManagedBlock,
} from '../../src/config/managed-blocks.ts';
import { parseConfigText } from '../../src/config/parse.ts';

const block = (id: string, names: string[]): BlockContent => ({
  id,
  sections: names.map((name) => ({ ref: { kind: 'profile', name }, entries: [['region', 'eu-west-1']] })),
});

function edit(text: string, content: BlockContent, removeWhenEmpty = false): string {
  const editor = new ConfigEditor(ConfigDocument.parse(text), 'config');
  replaceManagedBlock(editor, 'config', content, { removeWhenEmpty });
  return editor.document.toString();
}

const USER = '# mine\n[profile a]   ; keep this comment\nregion=us-east-1\n\n\n[profile z]\noutput = json';

test('a new block goes at the end after a blank line; the user text before it is kept byte for byte', () => {
  const out = edit(USER, block('populate org', ['p1', 'p2']));
  assert.ok(out.startsWith(`${USER}\n\n# rolehop:begin populate org\n`));
  assert.ok(
    out.endsWith('[profile p2]\nregion = eu-west-1\n# rolehop:end populate org'),
    'keeps the missing final newline',
  );
  assert.deepEqual(Object.keys(parseConfigText(out, 'config').profiles), ['a', 'z', 'p1', 'p2']);
});

test('replacing a block changes only its lines, an identical block changes nothing, and an empty one is removed', () => {
  const withBlock = `${edit(USER, block('populate org', ['p1']))}\n[profile after]\nregion = x\n`;
  const replaced = edit(withBlock, block('populate org', ['p1', 'p3']));
  const [before] = withBlock.split('# rolehop:begin');
  assert.ok(replaced.startsWith(before!));
  assert.ok(replaced.endsWith('# rolehop:end populate org\n[profile after]\nregion = x\n'));
  assert.match(replaced, /\[profile p3\]/);
  assert.equal(edit(replaced, block('populate org', ['p1', 'p3'])), replaced);
  const removed = edit(replaced, block('populate org', []), true);
  assert.equal(removed, `${USER}\n[profile after]\nregion = x\n`);
});

test('CRLF files stay CRLF', () => {
  const crlf = '[profile a]\r\nregion = us-east-1\r\n';
  const out = edit(crlf, block('configure b', ['b']));
  assert.doesNotMatch(out, /[^\r]\n/, 'every new line ends with CRLF');
  assert.ok(out.startsWith(crlf));
  assert.ok(out.endsWith('# rolehop:end configure b\r\n'));
});

test('names outside a block are taken; names inside it are free to reuse', () => {
  const text = edit(edit(USER, block('populate org', ['p1'])), block('configure c', ['c']));
  const doc = ConfigDocument.parse(text);
  assert.deepEqual([...profileNamesOutside(doc, 'config', 'populate org')].sort(), ['a', 'c', 'z']);
  assert.deepEqual(
    findManagedBlocks(doc).map((b) => b.id),
    ['populate org', 'configure c'],
  );
});

test('a block whose markers do not pair up is refused, with the fix', () => {
  for (const text of [
    '# rolehop:begin populate org\n[profile a]\nregion = x\n',
    '[profile a]\n# rolehop:end populate org\n',
    '# rolehop:begin populate org\n# rolehop:begin configure x\n# rolehop:end configure x\n# rolehop:end populate org\n',
  ]) {
    assert.throws(
      () => findManagedBlocks(ConfigDocument.parse(text), '~/.aws/config'),
      (e: Error & { hint?: string }) =>
        /broken rolehop block/.test(e.message) && /restore the "# rolehop:begin/.test(e.hint ?? ''),
    );
  }
});

test('values that would not read back are refused before anything is written', () => {
  assert.throws(
    () =>
      edit('', {
        id: 'configure x',
        sections: [{ ref: { kind: 'profile', name: 'x' }, entries: [['region', 'a # b']] }],
      }),
    /cannot be written safely/,
  );
});
