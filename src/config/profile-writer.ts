// Writes rolehop's managed blocks into ~/.aws/config or ~/.aws/credentials through the lossless
// editor: under the file's lock, on a fresh read, atomically, and not at all when the bytes would
// not change. Each written section is read back and compared with what was meant before writing.

import { ConfigError } from '../util/errors.ts';
import type { ConfigDocument } from './document.ts';
import { type UpdateResult, updateConfigFile } from './editor.ts';
import { type BlockContent, replaceManagedBlock } from './managed-blocks.ts';
import { sectionsOfKind } from './model.ts';
import { type FileKind, own, viewOfDocument } from './parse.ts';

export interface BlockWriteOptions {
  dryRun?: boolean;
  /** Remove blocks that end up with no sections (populate --prune, configure of nothing). */
  removeWhenEmpty?: boolean;
}

export interface FileChange extends UpdateResult {
  path: string;
  kind: FileKind;
}

/**
 * Replaces the blocks `build` returns; `build` sees the document as read under the lock, so
 * choices that depend on the file (reused profiles, taken names) are made on what is written.
 */
export async function writeManagedBlocks(
  path: string,
  kind: FileKind,
  build: (doc: ConfigDocument) => BlockContent[],
  options: BlockWriteOptions = {},
): Promise<FileChange> {
  const result = await updateConfigFile(
    path,
    kind,
    (editor) => {
      const blocks = build(editor.document);
      for (const block of blocks) {
        replaceManagedBlock(editor, kind, block, {
          label: path,
          ...(options.removeWhenEmpty ? { removeWhenEmpty: true } : {}),
        });
      }
      checkReadBack(editor.document, kind, blocks, path);
    },
    options.dryRun ? { dryRun: true } : {},
  );
  return { ...result, path, kind };
}

/** Every section we wrote must read back with exactly its entries (nothing merged into it). */
function checkReadBack(doc: ConfigDocument, kind: FileKind, blocks: BlockContent[], path: string): void {
  const view = viewOfDocument(doc, kind);
  for (const block of blocks) {
    for (const section of block.sections) {
      const bucket = sectionsOfKind(view, section.ref.kind);
      const actual = own(bucket, section.ref.name) ?? {};
      const expected = Object.fromEntries(section.entries);
      const same =
        Object.keys(actual).length === Object.keys(expected).length &&
        Object.entries(expected).every(([k, v]) => own(actual, k) === v);
      if (!same) {
        throw new ConfigError(
          `refusing to write ${path}: profile "${section.ref.name}" would not read back as written (is it also defined elsewhere in the file?)`,
          { hint: 'the file is unchanged; run `rolehop doctor` to find duplicate sections, fix them, retry' },
        );
      }
    }
  }
}
