// Lossless edits of one AWS config or credentials file. An edit changes only the lines it must;
// `updateConfigFile` runs a batch of edits under the cross-process lock on a fresh read, re-reads
// the result and compares it with what the edits meant (so a file we cannot represent safely is
// never written), then writes atomically, and not at all when the bytes are unchanged.

import { writeFileAtomic } from '../util/atomic-file.ts';
import { ConfigError } from '../util/errors.ts';
import { type LockOptions, withLock } from '../util/lock.ts';
import { ConfigDocument, type DocLine, type LineInfo, type SectionBlock, startsBlock } from './document.ts';
import { readConfigFile } from './load.ts';
import { type Properties, type PropertyValue, sectionsOfKind } from './model.ts';
import {
  defaultOrderDispute,
  disputedRefs,
  duplicateSections,
  type FileKind,
  headerMeaning,
  isValidIdentifier,
  own,
  put,
  type SectionRef,
  viewOfDocument,
} from './parse.ts';
import { indentOf } from './readers.ts';

export type { FileKind, SectionRef };

/** Keys that hold secrets: masked when listed, never echoed in messages. */
export const SECRET_KEYS = new Set(['aws_secret_access_key', 'aws_session_token', 'aws_access_key_id']);

/** `[default]`, `[profile NAME]`, `[sso-session NAME]`, `[services NAME]`, or `[NAME]` in credentials. */
export function headerFor(ref: SectionRef, kind: FileKind): string {
  if (kind === 'credentials') return `[${ref.name}]`;
  if (ref.kind === 'profile' && ref.name === 'default') return '[default]';
  return `[${ref.kind} ${ref.name}]`;
}

/** `s3.addressing_style` → parent `s3`, sub `addressing_style`; keys are written in lower case. */
export function splitKey(key: string): { parent: string; sub: string | undefined } {
  const dot = key.indexOf('.');
  const parent = (dot < 0 ? key : key.slice(0, dot)).toLowerCase();
  const sub = dot < 0 ? undefined : key.slice(dot + 1).toLowerCase();
  if (
    !isValidIdentifier(parent) ||
    parent.includes('.') ||
    (sub !== undefined && !/^[A-Za-z0-9_-]+$/.test(sub))
  ) {
    throw new ConfigError(`"${key}" is not a valid key`, {
      hint: 'keys use letters, digits, _ and -, with one dot for a sub-property (s3.addressing_style)',
    });
  }
  return { parent, sub };
}

/** Refuses values that would not read back as written (no quoting exists in these files). */
export function checkValue(key: string, value: string): void {
  const problem = /[\r\n]/.test(value)
    ? 'contains a line break'
    : /^[ \t]|[ \t]$/.test(value)
      ? 'starts or ends with whitespace, which readers trim'
      : /^[#;]|[ \t][#;]/.test(value)
        ? 'has " #" or " ;", which readers take as the start of a comment'
        : undefined;
  if (problem) {
    throw new ConfigError(`the value for ${key} ${problem}`, {
      hint: 'AWS config files have no quoting; choose a value without it',
    });
  }
}

function checkRef(ref: SectionRef, kind: FileKind): void {
  if (!isValidIdentifier(ref.name)) {
    throw new ConfigError(`"${ref.name}" is not a valid ${ref.kind} name`, {
      hint: 'names use letters, digits and - _ / . % @ : +',
    });
  }
  if (kind === 'credentials' && ref.kind !== 'profile') {
    throw new ConfigError(
      `[${ref.kind} ${ref.name}] sections belong in the config file, not the credentials file`,
    );
  }
}

/** The leading spaces and tabs of a line. */
const indentText = (text: string): string => text.slice(0, indentOf(text));

/** `key = value`, or `key =` for an empty value (no trailing blank). */
const propertyLine = (key: string, value: string): string =>
  value === '' ? `${key} =` : `${key} = ${value}`;

/** A cheap first test: a header can only name a section whose name its text holds, ending there. */
function mayName(info: LineInfo, name: string): boolean {
  if (info.type === 'section') return holdsName(info.header, name) || holdsName(info.js, name);
  if (info.type !== 'disputed' || !info.header) return false;
  return holdsName(info.headers.botocore ?? '', name) || holdsName(info.headers.js ?? '', name);
}

function holdsName(text: string, name: string): boolean {
  if (/["'\\]/.test(text)) return true; // botocore's shlex joins quoted and escaped parts
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const after = text[at + name.length];
    if (after === undefined || !isValidIdentifier(after)) return true;
  }
  return false;
}

/** Why botocore and the JS SDK read this line differently, if they do. */
const disputeOf = (line: DocLine): string | undefined =>
  line.info.type === 'disputed'
    ? line.info.message
    : line.info.type === 'property'
      ? line.info.disputed
      : undefined;

const isContent = (line: DocLine): boolean => line.info.type !== 'blank' && line.info.type !== 'comment';

/** A property line and the continuation/sub-property lines that belong to it. */
interface PropertyBlock {
  start: number;
  /** One past the last line of the property (blank and comment lines inside it included). */
  end: number;
  key: string;
  value: string;
}

function propertiesIn(lines: DocLine[], block: SectionBlock): PropertyBlock[] {
  const out: PropertyBlock[] = [];
  let current: PropertyBlock | undefined;
  for (let i = block.header + 1; i < block.end; i++) {
    const info = lines[i]!.info;
    if (info.type === 'property') {
      current = { start: i, end: i + 1, key: info.key.toLowerCase(), value: info.value };
      out.push(current);
    } else if (current && (info.type === 'continuation' || info.type === 'sub-property')) {
      current.end = i + 1;
    } else if (info.type !== 'blank' && info.type !== 'comment') {
      current = undefined;
    }
  }
  return out;
}

type Intent =
  | { op: 'set'; ref: SectionRef; parent: string; sub: string | undefined; value: string }
  | { op: 'unset'; ref: SectionRef; parent: string; sub: string | undefined }
  | { op: 'add'; ref: SectionRef; entries: [string, string][] }
  | { op: 'remove'; ref: SectionRef };

export class ConfigEditor {
  readonly kind: FileKind;
  readonly document: ConfigDocument;
  private readonly intents: Intent[] = [];
  /** Raw line edits whose meaning we cannot predict: the read-back check then only looks for new errors. */
  private rawEdits = false;

  /** Names the file in messages (its path). */
  private readonly label: string;

  /** An edit method recorded something for `verify` to check (an intent or a raw content edit). */
  get edited(): boolean {
    return this.intents.length > 0 || this.rawEdits;
  }

  constructor(document: ConfigDocument, kind: FileKind, label: string = `the ${kind} file`) {
    this.document = document;
    this.kind = kind;
    this.label = label;
  }

  /**
   * Refuses to edit `ref` where botocore and the JS SDK read nearby lines differently: an edit there
   * could add a second key or section next to one rolehop cannot see, and botocore would then refuse
   * the whole file. Names the first such line.
   */
  private refuseIfDisputed(ref: SectionRef, what: string): void {
    const lines = this.document.lines;
    const near: { index: number; why: string }[] = [];
    for (const block of this.blocksFor(ref, true)) {
      for (let i = block.header + 1; i < block.end; i++) {
        const why = disputeOf(lines[i]!);
        if (why) near.push({ index: i, why });
      }
      const next = lines[block.end]?.info;
      if (
        next?.type === 'disputed' &&
        (next.headers.botocore === undefined || next.headers.js === undefined)
      ) {
        near.push({ index: block.end, why: next.message });
      }
    }
    lines.forEach((line, i) => {
      const info = line.info;
      if (!mayName(info, ref.name)) return;
      const meaning = info.type === 'section' ? headerMeaning(info, this.kind) : undefined;
      const refs =
        info.type === 'disputed' && info.header
          ? disputedRefs(info.headers, this.kind)
          : meaning && 'disputed' in meaning
            ? meaning.refs
            : [];
      if (refs.some((r) => r.kind === ref.kind && r.name === ref.name)) {
        near.push({
          index: i,
          why: meaning && 'disputed' in meaning ? meaning.disputed : (info as { message: string }).message,
        });
      }
    });
    if (ref.kind === 'profile' && ref.name === 'default') {
      const pair = defaultOrderDispute(lines, this.kind);
      if (pair) {
        near.push({
          index: pair[1] - 1,
          why: `[default] comes after [profile default] (line ${pair[0]}): botocore reads [default], the JS SDK [profile default]`,
        });
      }
    }
    if (near.length === 0) return;
    const first = near.sort((a, b) => a.index - b.index)[0]!;
    throw new ConfigError(
      `cannot ${what} in ${headerFor(ref, this.kind)}: ${this.label}:${first.index + 1}: ${first.why}`,
      {
        hint: `edit line ${first.index + 1} by hand so botocore and the AWS SDK for JavaScript read it the same way (sections as [profile NAME], settings as key = value starting in the first column), then retry`,
      },
    );
  }

  /** The section blocks that make up `ref` (for the config default: `[profile default]` wins). */
  private blocksFor(ref: SectionRef, includeShadowed = false): SectionBlock[] {
    // Scans header lines only (their meaning is cached): populate calls this thousands of times.
    const lines = this.document.lines;
    const matching: { block: SectionBlock; unprefixed: boolean }[] = [];
    for (let i = 0; i < lines.length; i++) {
      const info = lines[i]!.info;
      if (info.type !== 'section' || !mayName(info, ref.name)) continue;
      const meaning = headerMeaning(info, this.kind);
      if (!('section' in meaning) || meaning.section.kind !== ref.kind || meaning.section.name !== ref.name)
        continue;
      let end = i + 1;
      while (end < lines.length && !startsBlock(lines[end]!.info)) end++;
      matching.push({ block: { header: i, end, info }, unprefixed: meaning.unprefixedDefault });
    }
    if (!includeShadowed && matching.some((m) => !m.unprefixed) && matching.some((m) => m.unprefixed)) {
      return matching.filter((m) => !m.unprefixed).map((m) => m.block);
    }
    return matching.map((m) => m.block);
  }

  private singleBlock(ref: SectionRef, key: string): SectionBlock | undefined {
    const blocks = this.blocksFor(ref);
    if (blocks.length > 1) {
      const lines = blocks.map((b) => b.header + 1).join(', ');
      throw new ConfigError(
        `cannot edit ${key} in ${headerFor(ref, this.kind)}: the section appears ${blocks.length} times (lines ${lines})`,
        { hint: 'botocore refuses files with duplicate sections; merge them into one by hand, then retry' },
      );
    }
    return blocks[0];
  }

  hasSection(ref: SectionRef): boolean {
    return this.blocksFor(ref).length > 0;
  }

  /** The value in this file only (the last definition wins, as readers do). */
  get(ref: SectionRef, key: string): PropertyValue | undefined {
    const { parent, sub } = splitKey(key);
    const view = viewOfDocument(this.document, this.kind);
    const bucket = sectionsOfKind(view, ref.kind);
    const value = own(own(bucket, ref.name) ?? {}, parent);
    if (sub === undefined) return value;
    return typeof value === 'object' ? own(value, sub) : undefined;
  }

  /** Sets `key` (or `parent.sub`) in the section, creating the section at the end when missing. */
  set(ref: SectionRef, key: string, value: string): void {
    checkRef(ref, this.kind);
    const { parent, sub } = splitKey(key);
    checkValue(key, value);
    this.refuseIfDisputed(ref, `set ${key}`);
    this.intents.push({ op: 'set', ref, parent, sub, value });
    const block = this.singleBlock(ref, key);
    if (!block) {
      this.appendSection(
        ref,
        sub === undefined ? [propertyLine(parent, value)] : [`${parent} =`, `  ${propertyLine(sub, value)}`],
      );
      return;
    }
    const lines = this.document.lines;
    const existing = propertiesIn(lines, block).filter((p) => p.key === parent);
    const last = existing[existing.length - 1];
    if (sub === undefined) {
      if (last) {
        const single = last.end === last.start + 1 || !lines.slice(last.start + 1, last.end).some(isContent);
        if (single && last.value === value) return;
        this.replaceProperty(last, propertyLine(parent, value));
      } else {
        this.insertInBlock(block, [propertyLine(parent, value)]);
      }
      return;
    }
    if (!last) {
      this.insertInBlock(block, [`${parent} =`, `  ${propertyLine(sub, value)}`]);
      return;
    }
    if (last.value !== '') {
      throw new ConfigError(
        `cannot set ${key}: ${parent} in ${headerFor(ref, this.kind)} has a plain value`,
        {
          hint: `unset ${parent} first, then set its sub-properties`,
        },
      );
    }
    // Sub-properties sit deeper than their parent, or botocore reads them as settings of their own.
    let indent = `${indentText(lines[last.start]!.text)}  `;
    let lastSub = last.start;
    for (let i = last.start + 1; i < last.end; i++) {
      const info = lines[i]!.info;
      if (info.type !== 'sub-property') continue;
      indent = indentText(lines[i]!.text);
      lastSub = i;
    }
    for (let i = last.end - 1; i > last.start; i--) {
      const info = lines[i]!.info;
      if (info.type === 'sub-property' && info.key.toLowerCase() === sub) {
        if (info.value === value && info.key === sub) return;
        this.document.splice(i, i + 1, [`${indent}${propertyLine(sub, value)}`]);
        return;
      }
    }
    this.document.splice(lastSub + 1, lastSub + 1, [`${indent}${propertyLine(sub, value)}`]);
  }

  /** Removes `key` (every definition of it in the section) or one sub-property; false when absent. */
  unset(ref: SectionRef, key: string): boolean {
    checkRef(ref, this.kind);
    const { parent, sub } = splitKey(key);
    this.refuseIfDisputed(ref, `unset ${key}`);
    const blocks = this.blocksFor(ref);
    const holders = blocks.filter((b) => propertiesIn(this.document.lines, b).some((p) => p.key === parent));
    if (holders.length === 0) return false;
    const block = this.singleBlock(ref, key)!;
    this.intents.push({ op: 'unset', ref, parent, sub });
    const props = propertiesIn(this.document.lines, block).filter((p) => p.key === parent);
    if (sub === undefined) {
      for (const p of props.reverse()) this.document.splice(p.start, p.end, this.commentsIn(p));
      return true;
    }
    const last = props[props.length - 1]!;
    const lines = this.document.lines;
    const subs: number[] = [];
    let others = 0;
    for (let i = last.start + 1; i < last.end; i++) {
      const info = lines[i]!.info;
      if (info.type !== 'sub-property') continue;
      if (info.key.toLowerCase() === sub) subs.push(i);
      else others++;
    }
    if (subs.length === 0) return false;
    if (others === 0) {
      this.document.splice(last.start, last.end, this.commentsIn(last));
    } else {
      for (const i of subs.reverse()) this.document.splice(i, i + 1, []);
    }
    return true;
  }

  /**
   * Adds a section with these entries (`[key, value]`, dotted keys for sub-properties). By default
   * it goes at the end after a blank line; `at` puts it before that line index instead (managed
   * blocks). Fails when the section exists.
   */
  addSection(ref: SectionRef, entries: [string, string][] = [], options: { at?: number } = {}): void {
    checkRef(ref, this.kind);
    this.refuseIfDisputed(ref, 'add the section');
    if (this.blocksFor(ref, true).length > 0) {
      throw new ConfigError(`${headerFor(ref, this.kind)} already exists`);
    }
    const body: string[] = [];
    const subs = new Map<string, string[]>();
    for (const [key, value] of entries) {
      const { parent, sub } = splitKey(key);
      checkValue(key, value);
      if (sub === undefined) {
        body.push(propertyLine(parent, value));
        continue;
      }
      if (!subs.has(parent)) {
        subs.set(parent, []);
        body.push(`${parent} =`);
      }
      subs.get(parent)!.push(`  ${propertyLine(sub, value)}`);
    }
    const lines = body.flatMap((line) => {
      const parent = line.endsWith(' =') ? line.slice(0, -2) : undefined;
      return parent !== undefined && subs.has(parent) ? [line, ...subs.get(parent)!] : [line];
    });
    this.intents.push({ op: 'add', ref, entries });
    if (options.at === undefined) {
      this.appendSection(ref, lines);
      return;
    }
    const at = options.at;
    const next = this.document.lines[at];
    if (next && /^[ \t]/.test(next.text) && next.info.type !== 'blank') {
      throw new ConfigError(
        `cannot insert ${headerFor(ref, this.kind)} before an indented line (line ${at + 1})`,
      );
    }
    this.document.splice(at, at, [headerFor(ref, this.kind), ...lines]);
  }

  /** Removes every block of the section (duplicates too); comments above it stay. */
  removeSection(ref: SectionRef): boolean {
    this.refuseIfDisputed(ref, 'remove the section');
    const blocks = this.blocksFor(ref, true);
    if (blocks.length === 0) return false;
    this.intents.push({ op: 'remove', ref });
    for (const block of blocks.reverse()) {
      const lines = this.document.lines;
      let end = block.header + 1;
      for (let i = block.header + 1; i < block.end; i++) if (isContent(lines[i]!)) end = i + 1;
      // Drop one blank line too, so removing sections does not pile up empty lines.
      const blankBefore = block.header > 0 && lines[block.header - 1]!.info.type === 'blank';
      const blankAfter = end < lines.length && lines[end]!.info.type === 'blank';
      if (blankAfter) end++;
      const start = !blankAfter && blankBefore && end >= lines.length ? block.header - 1 : block.header;
      this.document.splice(start, end, []);
    }
    return true;
  }

  /** Inserts raw lines (comments, blanks) at a line index, e.g. rolehop:begin/end markers. */
  insertLines(at: number, texts: string[]): void {
    for (const t of texts) {
      if (/[\r\n]/.test(t)) throw new ConfigError('a line to insert contains a line break');
      if (t.trim() !== '' && !/^[#;]/.test(t)) this.rawEdits = true;
    }
    this.document.splice(at, at, texts);
  }

  /** Removes lines [start, end), e.g. a whole managed block. */
  removeLines(start: number, end: number): void {
    if (this.document.lines.slice(start, end).some(isContent)) this.rawEdits = true;
    this.document.splice(start, end, []);
  }

  /** Index of the first line whose text satisfies `test`, or -1. */
  findLine(test: (text: string) => boolean, from = 0): number {
    for (let i = from; i < this.document.lines.length; i++) if (test(this.document.lines[i]!.text)) return i;
    return -1;
  }

  /**
   * Replaces a property and its continuation lines with one line at the property's own indent (a
   * shallower line could turn the lines below into settings for botocore); comments inside it stay.
   */
  private replaceProperty(block: PropertyBlock, line: string): void {
    const indent = indentText(this.document.lines[block.start]!.text);
    this.document.splice(block.start, block.end, [indent + line, ...this.commentsIn(block)]);
  }

  /** Comment lines inside a property's lines: an edit of the property keeps them. */
  private commentsIn(block: PropertyBlock): string[] {
    return this.document.lines
      .slice(block.start + 1, block.end)
      .filter((l) => l.info.type === 'comment')
      .map((l) => l.text);
  }

  private appendSection(ref: SectionRef, body: string[]): void {
    const lines = this.document.lines;
    const last = lines[lines.length - 1];
    const gap = last && last.info.type !== 'blank' ? [''] : [];
    this.document.splice(lines.length, lines.length, [...gap, headerFor(ref, this.kind), ...body]);
  }

  /** New lines go after the section's last non-comment line, so comments above the next header stay there. */
  private insertInBlock(block: SectionBlock, texts: string[]): void {
    let at = block.header + 1;
    for (let i = block.header + 1; i < block.end; i++) if (isContent(this.document.lines[i]!)) at = i + 1;
    this.document.splice(at, at, texts);
  }

  /**
   * Re-reads the edited document and checks it means exactly the original plus the intended
   * changes; throws (so nothing is written) when the file would be read differently.
   */
  verify(before: ConfigDocument): void {
    const was = viewOfDocument(before, this.kind);
    const now = viewOfDocument(this.document, this.kind);
    const errors = (v: typeof was) => v.issues.filter((i) => i.severity === 'error').length;
    const fail = (why: string) => {
      throw new ConfigError(`refusing to write the ${this.kind} file: ${why}`, {
        hint: 'the file is unchanged; run `rolehop doctor` to find the lines that confuse readers, fix them, retry',
      });
    };
    if (errors(now) > errors(was)) fail('the edit would add a line readers cannot parse');
    const disputed = (d: ConfigDocument) => d.lines.filter((l) => disputeOf(l) !== undefined);
    const disputedBefore = new Set(disputed(before).map((l) => l.text));
    const fresh = this.document.lines.findIndex(
      (l) => disputeOf(l) !== undefined && !disputedBefore.has(l.text),
    );
    if (disputed(this.document).length > disputed(before).length || fresh >= 0) {
      const line = this.document.lines[fresh];
      fail(
        line
          ? `after the edit, line ${fresh + 1} would be read differently by botocore and the JS SDK (${disputeOf(line)})`
          : 'botocore and the JS SDK would read an edited line differently',
      );
    }
    if (
      duplicateSections(this.document, this.kind).length > duplicateSections(before, this.kind).length ||
      repeatedBotocoreHeaders(this.document) > repeatedBotocoreHeaders(before)
    ) {
      fail('the edit would duplicate a section');
    }
    if (this.rawEdits) return;
    const expected = structuredClone({
      profiles: was.profiles,
      ssoSessions: was.ssoSessions,
      services: was.services,
    });
    for (const intent of this.intents) {
      const bucket = sectionsOfKind(expected, intent.ref.kind);
      const name = intent.ref.name;
      if (intent.op === 'remove') {
        delete bucket[name];
        continue;
      }
      if (intent.op === 'add') {
        const props: Properties = {};
        for (const [key, value] of intent.entries) applySet(props, splitKey(key), value);
        put(bucket, name, props);
        continue;
      }
      if (!Object.hasOwn(bucket, name)) put(bucket, name, {});
      const props = own(bucket, name)!;
      if (intent.op === 'set') applySet(props, intent, intent.value);
      else applyUnset(props, intent);
    }
    const actual = { profiles: now.profiles, ssoSessions: now.ssoSessions, services: now.services };
    if (canonical(actual) !== canonical(expected)) fail('the result would not read back as intended');
  }
}

/** Headers botocore reads more than once (it then refuses the file), disputed ones included. */
function repeatedBotocoreHeaders(doc: ConfigDocument): number {
  const seen = new Set<string>();
  let repeats = 0;
  for (const { info } of doc.lines) {
    const header =
      info.type === 'section' ? info.header : info.type === 'disputed' ? info.headers.botocore : undefined;
    if (header === undefined) continue;
    if (seen.has(header)) repeats++;
    seen.add(header);
  }
  return repeats;
}

function applySet(props: Properties, key: { parent: string; sub: string | undefined }, value: string): void {
  if (key.sub === undefined) {
    put(props, key.parent, value);
    return;
  }
  const current = own(props, key.parent);
  const map = typeof current === 'object' ? current : {};
  for (const k of Object.keys(map)) if (k.toLowerCase() === key.sub) delete map[k];
  put(map, key.sub, value);
  put(props, key.parent, map);
}

function applyUnset(props: Properties, key: { parent: string; sub: string | undefined }): void {
  if (key.sub === undefined) {
    delete props[key.parent];
    return;
  }
  const current = own(props, key.parent);
  if (typeof current !== 'object') return;
  for (const k of Object.keys(current)) if (k.toLowerCase() === key.sub) delete current[k];
  if (Object.keys(current).length === 0) delete props[key.parent];
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export interface UpdateResult {
  changed: boolean;
  before: string;
  after: string;
}

export interface UpdateOptions extends LockOptions {
  /** Compute the result without writing. */
  dryRun?: boolean;
}

/**
 * Applies `edit` to the file under its cross-process lock, on a read made inside the lock. New
 * files are 0600 in a 0700 folder; an existing file keeps its mode; unchanged bytes mean no write.
 */
export async function updateConfigFile(
  path: string,
  kind: FileKind,
  edit: (doc: ConfigEditor) => void | Promise<void>,
  options: UpdateOptions = {},
): Promise<UpdateResult> {
  return withLock(
    path,
    async () => {
      const file = readConfigFile(path, kind);
      if (!file.utf8) {
        throw new ConfigError(`${path} is not valid UTF-8; rolehop will not rewrite it`, {
          hint: 'convert the file to UTF-8, then retry',
        });
      }
      const editor = new ConfigEditor(ConfigDocument.parse(file.text), kind, path);
      await edit(editor);
      const after = editor.document.toString();
      // Same bytes and nothing recorded: the re-read would equal the read, so there is nothing to
      // verify. Otherwise the original is parsed only now, so two copies of a big file never live
      // through the edit (populate's second run leaves an 860 KB file unchanged).
      if (after !== file.text || editor.edited) editor.verify(ConfigDocument.parse(file.text));
      if (after === file.text) return { changed: false, before: file.text, after };
      if (!options.dryRun) writeFileAtomic(path, after, { dotfile: true });
      return { changed: true, before: file.text, after };
    },
    options,
  );
}
