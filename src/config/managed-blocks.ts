// Regions of a config or credentials file that rolehop owns, between two comment lines:
//
//   # rolehop:begin populate my-org
//   # Managed by rolehop: everything up to rolehop:end is rewritten; edit outside it.
//   [profile …]
//   # rolehop:end populate my-org
//
// Comments keep every reader indifferent to them; the lines around a block are never touched, and a
// block is rewritten whole, so a re-run with the same input produces the same bytes.

import { ConfigError } from '../util/errors.ts';
import type { ConfigDocument } from './document.ts';
import { disputedRefs, type FileKind, headerMeaning, type SectionRef } from './parse.ts';

const BEGIN = '# rolehop:begin ';
const END = '# rolehop:end ';
const ID = /^[A-Za-z0-9_.@+:/%-]+( [A-Za-z0-9_.@+:/%-]+)?$/;

export interface ManagedBlock {
  /** e.g. `populate my-org`, `configure prod-deploy`, `credentials legacy`. */
  id: string;
  /** `key=value` words after the id on the begin line. */
  attrs: Record<string, string>;
  /** Line index of the begin marker. */
  begin: number;
  /** Line index of the end marker. */
  end: number;
}

export function checkBlockId(id: string): void {
  if (!ID.test(id)) throw new ConfigError(`"${id}" cannot name a rolehop block`);
}

function parseBegin(text: string): { id: string; attrs: Record<string, string> } | undefined {
  if (!text.startsWith(BEGIN)) return undefined;
  const words = text.slice(BEGIN.length).trim().split(/\s+/);
  const idWords = words.filter((w) => !w.includes('='));
  const attrs: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq > 0) Object.defineProperty(attrs, w.slice(0, eq), { value: w.slice(eq + 1), enumerable: true });
  }
  return { id: idWords.join(' '), attrs };
}

/** Every managed block in file order; a begin without its end (or nested blocks) is refused. */
export function findManagedBlocks(doc: ConfigDocument, label = 'the file'): ManagedBlock[] {
  const blocks: ManagedBlock[] = [];
  let open: { id: string; attrs: Record<string, string>; begin: number } | undefined;
  doc.lines.forEach((line, i) => {
    const text = line.text.trimEnd();
    const begin = parseBegin(text);
    if (begin) {
      if (open) throw brokenBlock(label, open.id, open.begin);
      open = { ...begin, begin: i };
      return;
    }
    if (text.startsWith(END)) {
      const id = text.slice(END.length).trim();
      if (!open || open.id !== id) throw brokenBlock(label, id, i);
      blocks.push({ ...open, end: i });
      open = undefined;
    }
  });
  if (open) throw brokenBlock(label, open.id, open.begin);
  return blocks;
}

function brokenBlock(label: string, id: string, line: number): ConfigError {
  return new ConfigError(
    `${label} has a broken rolehop block "${id}" near line ${line + 1} (its begin and end markers do not pair up)`,
    {
      hint: `restore the "# rolehop:begin ${id}" / "# rolehop:end ${id}" lines, or delete the whole block, then retry`,
    },
  );
}

export interface SectionSpec {
  ref: SectionRef;
  /** `[key, value]` in the order written. */
  entries: [string, string][];
  /** Comment lines (without `# `) written above the header. */
  comments?: string[];
}

export interface BlockContent {
  id: string;
  attrs?: Record<string, string>;
  sections: SectionSpec[];
}

function header(ref: SectionRef, kind: FileKind): string {
  if (kind === 'credentials') return `[${ref.name}]`;
  if (ref.kind === 'profile' && ref.name === 'default') return '[default]';
  return `[${ref.kind} ${ref.name}]`;
}

/** The lines of a block, markers included (no line endings). */
export function renderBlock(content: BlockContent, kind: FileKind): string[] {
  checkBlockId(content.id);
  const attrs = Object.entries(content.attrs ?? {})
    .map(([k, v]) => {
      if (!/^[a-z_-]+$/.test(k) || !/^\S+$/.test(v)) throw new ConfigError(`bad block attribute ${k}`);
      return ` ${k}=${v}`;
    })
    .join('');
  const lines = [
    `${BEGIN}${content.id}${attrs}`,
    '# Managed by rolehop: everything up to rolehop:end is rewritten; edit outside it.',
  ];
  content.sections.forEach((section, i) => {
    if (i > 0) lines.push('');
    for (const c of section.comments ?? []) lines.push(`# ${c}`);
    lines.push(header(section.ref, kind));
    for (const [key, value] of section.entries) {
      if (/[\r\n]/.test(value) || value !== value.trim() || /^[#;]|[ \t][#;]/.test(value)) {
        throw new ConfigError(
          `the value for ${key} in ${header(section.ref, kind)} cannot be written safely`,
          {
            hint: 'AWS config files have no quoting; choose a value without line breaks, edge spaces or " #"',
          },
        );
      }
      lines.push(`${key} = ${value}`);
    }
  });
  lines.push(`${END}${content.id}`);
  return lines;
}

/** The raw line edits a block needs (ConfigEditor has them; they mark the edit as raw). */
export interface LineEditor {
  readonly document: ConfigDocument;
  insertLines(at: number, texts: string[]): void;
  removeLines(start: number, end: number): void;
}

/**
 * Puts `content` in place of the block with the same id (or at the end of the file, after a blank
 * line); removes the block instead when it has no sections and `removeWhenEmpty` is set.
 */
export function replaceManagedBlock(
  editor: LineEditor,
  kind: FileKind,
  content: BlockContent,
  options: { removeWhenEmpty?: boolean; label?: string } = {},
): void {
  const doc = editor.document;
  const existing = findManagedBlocks(doc, options.label).find((b) => b.id === content.id);
  const remove = options.removeWhenEmpty === true && content.sections.length === 0;
  if (existing) {
    if (remove) {
      let end = existing.end + 1;
      let start = existing.begin;
      // Take one neighbouring blank line along, so removals do not pile up empty lines.
      if (doc.lines[end]?.info.type === 'blank') end++;
      else if (start > 0 && doc.lines[start - 1]!.info.type === 'blank') start--;
      editor.removeLines(start, end);
      return;
    }
    const fresh = renderBlock(content, kind);
    const old = doc.lines.slice(existing.begin, existing.end + 1).map((l) => l.text);
    if (old.length === fresh.length && old.every((t, i) => t === fresh[i])) return;
    editor.removeLines(existing.begin, existing.end + 1);
    editor.insertLines(existing.begin, fresh);
    return;
  }
  if (remove) return;
  const lines = doc.lines;
  const last = lines[lines.length - 1];
  const gap = last && last.info.type !== 'blank' ? [''] : [];
  editor.insertLines(lines.length, [...gap, ...renderBlock(content, kind)]);
}

/** Profile names defined anywhere but inside block `blockId` (they are taken: never reuse them). */
export function profileNamesOutside(doc: ConfigDocument, kind: FileKind, blockId: string): Set<string> {
  const own = findManagedBlocks(doc).find((b) => b.id === blockId);
  const names = new Set<string>();
  for (const block of doc.sections()) {
    if (!block.info) continue;
    if (own && block.header > own.begin && block.header < own.end) continue;
    const meaning = headerMeaning(block.info, kind);
    if ('section' in meaning && meaning.section.kind === 'profile') names.add(meaning.section.name);
    // A name botocore or the JS SDK reads here is taken too: a second section would shadow it.
    if ('disputed' in meaning) for (const r of meaning.refs) if (r.kind === 'profile') names.add(r.name);
  }
  doc.lines.forEach((line, i) => {
    if (line.info.type !== 'disputed' || !line.info.header) return;
    if (own && i > own.begin && i < own.end) return;
    for (const r of disputedRefs(line.info.headers, kind)) if (r.kind === 'profile') names.add(r.name);
  });
  return names;
}
