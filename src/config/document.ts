// A lossless, line-based view of an AWS config or credentials file: every raw line is kept with its
// own line ending, so `toString()` gives back the exact input, whatever it holds. Each line is also
// classified by what botocore and the JS SDK both read there (readers.ts), in the terms of the
// cross-SDK profile-file grammar (aws-protocols.md §5), so the semantic view and the editor share one
// reading of the file. A line the two readers read differently is `disputed`: rolehop neither reads
// it as a setting nor edits near it.

import {
  type BotocoreLine,
  type BotocoreState,
  botocoreStep,
  hasOneSidedSpace,
  indentOf,
  isJsSpace,
  isSpace,
  type JsLine,
  type JsState,
  jsStep,
  nextCommentMark,
  trimBoth,
  trimmedSlice,
} from './readers.ts';

export type LineEnding = '\n' | '\r\n' | '';

export type LineInfo =
  | { type: 'blank' }
  | { type: 'comment' }
  /**
   * `header`: botocore's section name (between the `[` and the last `]`), `js`: the JS SDK's;
   * `prefix` and `name`: botocore's name split in two words, as the spec does.
   */
  | { type: 'section'; header: string; js: string; prefix: string | undefined; name: string }
  /**
   * `key` as written (trimmed, case kept); `value` with a trailing ` # comment` removed; `disputed`:
   * why rolehop will not edit next to it though both readers read a setting (a key not in lower case).
   */
  | { type: 'property'; key: string; value: string; disputed?: string }
  /** An indented `key = value` under a property whose own value is empty. */
  | { type: 'sub-property'; key: string; value: string }
  /** An indented line that continues the previous property's value. */
  | { type: 'continuation'; value: string }
  /** `header` marks a broken section header: it still ends the section above it. */
  | { type: 'invalid'; message: string; header?: boolean }
  /**
   * botocore and the JS SDK read this line differently. `header`: at least one of them starts a new
   * section here (so it ends the block above); `headers`: the section name each one reads, if any.
   */
  | { type: 'disputed'; message: string; header: boolean; headers: DisputedHeaders };

export interface DisputedHeaders {
  botocore?: string | undefined;
  js?: string | undefined;
}

export interface DocLine {
  /** The line without its ending. */
  text: string;
  eol: LineEnding;
  info: LineInfo;
}

/** A section header and the lines up to the next header; the preamble has `header === -1`. */
export interface SectionBlock {
  /** Index of the header line, or -1 for lines before the first header. */
  header: number;
  /** Index one past the last line of the block. */
  end: number;
  info: Extract<LineInfo, { type: 'section' }> | undefined;
}

/**
 * Drops a comment from a line (the spec's `prepare_line`): `#` or `;` starts a comment anywhere in a
 * section header, but after a property value only when whitespace comes before it (`v#c` keeps it).
 */
export function stripComment(line: string, needsWhitespace: boolean): string {
  const text = trimBoth(line);
  // From one `#` or `;` to the next (indexOf), not character by character: a warm call reads the
  // config files with code the JIT has not seen, where the loop per character was the reader's
  // largest cost.
  for (let at = nextCommentMark(text, 0); at >= 0; at = nextCommentMark(text, at + 1)) {
    if (!needsWhitespace || (at > 0 && isSpace(text.charCodeAt(at - 1)))) return trimmedSlice(text, 0, at);
  }
  return text;
}

/** Splits `key = value`; undefined key means no `=`, empty key means `= value`. */
function splitProperty(line: string): { key: string; value: string } | { error: 'no-equals' | 'no-name' } {
  const text = stripComment(line, true);
  const eq = text.indexOf('=');
  if (eq < 0) return { error: 'no-equals' };
  const key = trimmedSlice(text, 0, eq);
  if (key === '') return { error: 'no-name' };
  return { key, value: trimmedSlice(text, eq + 1, text.length) };
}

/** The section name rules of the spec: a prefix word, then the name, both trimmed. */
export function parseHeader(inner: string): { prefix: string | undefined; name: string } {
  const text = trimBoth(inner);
  let space = 0; // the first of JavaScript's \s, as the spec's /\s/ (readers.ts says why no regex)
  while (space < text.length && !isJsSpace(text.charCodeAt(space))) space++;
  if (space === text.length) return { prefix: undefined, name: text };
  return { prefix: text.slice(0, space), name: trimmedSlice(text, space + 1, text.length) };
}

/**
 * Calls `visit` with each line of `text` and its ending: lines end at `\n`, keeping `\r\n` or
 * `\n` (a lone `\r` stays inside the line). A visitor, not an array: a big file's lines are read
 * as they are found, with no list of them to collect.
 */
function eachLine(text: string, visit: (text: string, eol: LineEnding) => void): void {
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      visit(text.slice(start), '');
      return;
    }
    if (nl > start && text.charCodeAt(nl - 1) === 13) visit(text.slice(start, nl - 1), '\r\n');
    else visit(text.slice(start, nl), '\n');
    start = nl + 1;
  }
}

/**
 * Both readers' states between lines: what an indented line continues, which section we are in.
 * Reading advances one in place (readers.ts says why); lineStates keeps copies, never mutated.
 */
interface ParserState {
  botocore: BotocoreState;
  js: JsState;
}
const initialState = (): ParserState => ({
  botocore: { section: false, option: undefined, nested: false, indent: 0 },
  js: { section: false, sub: undefined },
});
const copyState = ({ botocore, js }: ParserState): ParserState => ({
  botocore: { ...botocore },
  js: { ...js },
});
const sameState = (a: ParserState, b: ParserState): boolean =>
  a.botocore.section === b.botocore.section &&
  a.botocore.option === b.botocore.option &&
  a.botocore.nested === b.botocore.nested &&
  a.botocore.indent === b.botocore.indent &&
  a.js.section === b.js.section &&
  a.js.sub === b.js.sub;

/** The state each line was read in and the state after it, for incremental re-reads. */
const lineStates = new WeakMap<DocLine, StatePair>();
type StatePair = readonly [before: ParserState, after: ParserState];

/**
 * Few distinct pairs occur (a state holds a key name and an indent), so lines share one pair
 * object each: a file of 36,000 lines then keeps ~1 MB of states instead of ~8 MB. Cleared when
 * it grows past the limit (a file of many distinct keys), which only costs sharing.
 */
const sharedPairs = new Map<string, StatePair>();
const SHARED_PAIRS_LIMIT = 4096;

/** Names are length-prefixed, so no text in them can make two states one key. */
const nameKey = (name: string | undefined): string => (name === undefined ? '-' : `${name.length}:${name}`);
const stateKey = ({ botocore: b, js }: ParserState): string =>
  `${+b.section}${+b.nested}${b.indent}|${nameKey(b.option)}|${+js.section}${nameKey(js.sub)}`;

function statePair(before: ParserState, after: ParserState): StatePair {
  // Built by hand: JSON.stringify of the four objects was a tenth of reading a small file.
  const key = stateKey(before) + stateKey(after);
  let pair = sharedPairs.get(key);
  if (!pair) {
    if (sharedPairs.size >= SHARED_PAIRS_LIMIT) sharedPairs.clear();
    pair = [before, after];
    sharedPairs.set(key, pair);
  }
  return pair;
}

/** A line the two readers read differently: never a setting to rolehop, and edits near it are refused. */
const disputed = (message: string, header: boolean, headers: DisputedHeaders = {}): LineInfo => ({
  type: 'disputed',
  message,
  header,
  headers,
});

/** configparser splits lines at a lone CR too (universal newlines); parseIni does not. */
function botocoreSteps(text: string, state: BotocoreState): BotocoreLine {
  if (!text.includes('\r')) return botocoreStep(text, state);
  const pieces = text.replace(/\r+$/, '').split('\r');
  let line: BotocoreLine = { type: 'skip' };
  let header: string | undefined;
  for (const piece of pieces) {
    line = botocoreStep(piece, state);
    if (line.type === 'header') header ??= line.header;
  }
  if (pieces.length > 1 && header !== undefined) return { type: 'header', header };
  return line;
}

/** A line botocore cannot parse (it then refuses the whole file), with the spec's message. */
function invalidFor(text: string, b: Before): LineInfo {
  if (trimBoth(text).startsWith('[')) {
    return { type: 'invalid', message: "Profile definition must end with ']'", header: true };
  }
  if (!b.botocoreSection) return { type: 'invalid', message: 'Expected a profile definition' };
  if (indentOf(text) > 0 && b.botocoreOption === undefined) {
    return { type: 'invalid', message: 'Expected a property definition, found continuation' };
  }
  const prop = splitProperty(text);
  if ('error' in prop && prop.error === 'no-name')
    return { type: 'invalid', message: 'Property did not have a name' };
  return { type: 'invalid', message: "Expected an '=' sign defining a property" };
}

// Lines without data share one meaning: every object a big file's lines keep is copied by each
// collection while it is read.
const BLANK: LineInfo = Object.freeze({ type: 'blank' });
const COMMENT: LineInfo = Object.freeze({ type: 'comment' });

/** What the meaning of a line needs from the states it was read in. */
interface Before {
  botocoreSection: boolean;
  botocoreOption: string | undefined;
  jsSection: boolean;
  jsSub: string | undefined;
}

/** What `text` means, read in `state`; advances `state` past it. */
function classifyOne(text: string, state: ParserState): LineInfo {
  const before: Before = {
    botocoreSection: state.botocore.section,
    botocoreOption: state.botocore.option,
    jsSection: state.js.section,
    jsSub: state.js.sub,
  };
  return meaningOf(text, botocoreSteps(text, state.botocore), jsStep(text, state.js), before);
}

/** The line both readers read as `b` and `j`, as one meaning (or the dispute between them). */
function meaningOf(text: string, b: BotocoreLine, j: JsLine, before: Before): LineInfo {
  if (text.includes('\r') && /\r[^\r]/.test(text)) {
    return disputed('a lone carriage return (CR) ends the line for botocore but not for the JS SDK', true, {
      botocore: b.type === 'header' ? b.header : undefined,
      js: j.type === 'header' ? j.inner : undefined,
    });
  }
  if (hasOneSidedSpace(text)) {
    return disputed(
      'holds a character only one of botocore and the JS SDK reads as a space (U+FEFF, U+0085 or a control)',
      trimBoth(text).startsWith('['),
    );
  }
  if (b.type === 'skip') return trimBoth(text) === '' ? BLANK : COMMENT;
  if (b.type === 'header' && j.type === 'header') {
    const { prefix, name } = parseHeader(b.header);
    return { type: 'section', header: b.header, js: j.inner, prefix, name };
  }
  if (b.type === 'header') {
    return disputed('botocore reads a section header here, the JS SDK does not (text after the "]"?)', true, {
      botocore: b.header,
    });
  }
  if (j.type === 'header') {
    return disputed(
      b.type === 'continuation'
        ? 'the JS SDK reads a section header here, botocore reads the indented line as part of the value above'
        : 'the JS SDK reads a section header here, botocore does not',
      true,
      { js: j.inner },
    );
  }
  if (b.type === 'error') return invalidFor(text, before);
  const prop = splitProperty(text);
  if (b.type === 'option') {
    if (b.delimiter === ':') {
      return disputed(
        "botocore reads ':' as the separator of a setting here, the JS SDK only reads '='",
        false,
      );
    }
    if (j.type === 'skip' && !before.jsSection && 'key' in prop)
      return { type: 'property', key: prop.key, value: prop.value };
    if (j.type === 'skip' || !('key' in prop)) {
      return disputed(
        'botocore reads a setting here, the JS SDK does not (a " #" or " ;" before the "="?)',
        false,
      );
    }
    if (j.key.toLowerCase() !== b.key) {
      return disputed('botocore and the JS SDK read a different key name on this line', false);
    }
    if (j.type === 'key' && j.sub !== undefined) {
      return disputed(
        `the JS SDK reads this indented line as a sub-setting of "${j.sub}", botocore as a setting of its own`,
        false,
      );
    }
    if (j.key !== b.key) {
      // botocore lower-cases keys, the JS SDK keeps them: read as botocore and the spec do, but an
      // edit would change which setting the JS SDK sees.
      return {
        type: 'property',
        key: prop.key,
        value: prop.value,
        disputed:
          'botocore reads this key in lower case, the JS SDK as written: they name different settings',
      };
    }
    return { type: 'property', key: prop.key, value: prop.value };
  }
  // b.type === 'continuation'
  if (j.type === 'skip') {
    if (!b.nested) return { type: 'continuation', value: trimBoth(text) };
    const sub = splitProperty(text);
    if ('error' in sub) {
      const message =
        sub.error === 'no-name'
          ? 'Sub-property did not have a name'
          : "Expected an '=' sign defining a sub-property";
      return { type: 'invalid', message };
    }
    if (!before.jsSection) return { type: 'sub-property', key: sub.key, value: sub.value };
    return disputed('botocore reads a sub-setting here, the JS SDK does not', false);
  }
  const underParent = b.nested && before.jsSub?.toLowerCase() === b.of && 'key' in prop;
  if (j.type === 'key' && j.sub !== undefined && j.sub.toLowerCase() === b.of && underParent) {
    return { type: 'sub-property', key: prop.key, value: prop.value };
  }
  // `  name =`: botocore stores an empty sub-property, the JS SDK nothing; both agree on the rest
  // only while no line follows at that depth, which the next line's own reading checks.
  if (j.type === 'parent' && underParent) return { type: 'sub-property', key: prop.key, value: prop.value };
  return disputed(
    `botocore reads this indented line as part of "${b.of}" above, the JS SDK as a ${j.type === 'parent' ? 'new parent' : 'setting'} of its own`,
    false,
  );
}

function classifiedLine(text: string, eol: LineEnding, state: ParserState, keepStates = true): DocLine {
  const before = keepStates ? copyState(state) : undefined;
  const line: DocLine = { text, eol, info: classifyOne(text, state) };
  if (before) lineStates.set(line, statePair(before, copyState(state)));
  return line;
}

/**
 * Reads `lines` again in place from `from` on, starting in `state` (advanced as it goes), and
 * stops at the first line that was read in that same state before: from there on nothing can change.
 */
function rereadUntilSettled(lines: DocLine[], from: number, state: ParserState): void {
  for (let i = from; i < lines.length; i++) {
    const old = lines[i]!;
    const known = lineStates.get(old);
    if (known && sameState(known[0], state)) return;
    lines[i] = classifiedLine(old.text, old.eol, state);
  }
}

/**
 * Classifies lines in order: whether an indented line continues a value, lists sub-properties or is
 * a setting of its own depends on what came before, for each reader.
 */
export function classifyLines(lines: { text: string; eol: LineEnding }[]): DocLine[] {
  const state = initialState();
  return lines.map(({ text, eol }) => classifiedLine(text, eol, state));
}

/** A header, or a broken or disputed one: each ends the section above. */
export const startsBlock = (info: LineInfo): boolean =>
  info.type === 'section' || ((info.type === 'invalid' || info.type === 'disputed') && info.header === true);

export class ConfigDocument {
  /** The file started with a UTF-8 byte order mark (kept on output). */
  bom: boolean;
  lines: DocLine[];

  constructor(bom: boolean, lines: DocLine[]) {
    this.bom = bom;
    this.lines = lines;
  }

  /** The document of `text`, to edit: each line keeps the states it was read in (lineStates). */
  static parse(text: string, keepStates = true): ConfigDocument {
    const bom = text.startsWith('\uFEFF');
    const state = initialState();
    const lines: DocLine[] = [];
    eachLine(bom ? text.slice(1) : text, (line, eol) =>
      lines.push(classifiedLine(line, eol, state, keepStates)),
    );
    return new ConfigDocument(bom, lines);
  }

  /**
   * The document of `text`, only to read (the view every command reads): no line states, which were
   * a quarter of reading a big file (a 6,000-profile config: 36,000 WeakMap entries, and the
   * collector's work on them). Edited after all, it re-reads every line once first (splice).
   */
  static read(text: string): ConfigDocument {
    return ConfigDocument.parse(text, false);
  }

  /**
   * Lines [start, end) read as a file of their own (a managed block): each line means what it means
   * in `ConfigDocument.parse` of their texts joined by `\n`; the lines keep their endings. Only the
   * first lines are read again: once a line would be read in the state it was read in here, it and
   * every line after it read the same, so they are shared, not copied (populate's 6,000 profiles).
   */
  linesAsFile(start: number, end: number): ConfigDocument {
    const lines = this.lines.slice(start, end);
    // The join would make these read differently (a BOM, a CR then taken as part of a CRLF ending).
    const joinMatters =
      lines[0]?.text.startsWith('\uFEFF') ||
      lines.some((line, i) => i < lines.length - 1 && line.text.endsWith('\r'));
    if (joinMatters) return ConfigDocument.parse(lines.map((l) => l.text).join('\n'));
    if (lines.length > 0 && lines[lines.length - 1]!.text === '') lines.pop(); // the join ends in no byte
    rereadUntilSettled(lines, 0, initialState());
    return new ConfigDocument(false, lines);
  }

  toString(): string {
    let out = this.bom ? '\uFEFF' : '';
    for (const line of this.lines) out += line.text + line.eol;
    return out;
  }

  /** The ending new lines get: the first one in the file (CRLF files stay CRLF), else `\n`. */
  get eol(): '\n' | '\r\n' {
    for (const line of this.lines) if (line.eol !== '') return line.eol;
    return '\n';
  }

  /** Re-reads every line's meaning after raw edits. */
  reclassify(): void {
    this.lines = classifyLines(this.lines);
  }

  /** Replaces lines [start, end) with raw lines (text without endings), then reclassifies. */
  splice(start: number, end: number, texts: string[]): void {
    const eol = this.eol;
    const fresh = texts.map((text) => ({ text, eol: eol as LineEnding }));
    const before = this.lines[start - 1];
    if (fresh.length > 0 && end === this.lines.length && end > start) {
      // Replacing the last line: the replacement keeps its ending (or lack of one).
      fresh[fresh.length - 1]!.eol = this.lines[end - 1]!.eol;
    } else if (fresh.length > 0 && start === this.lines.length && before && before.eol === '') {
      // Appending after a last line with no newline: give it one, keep the file's missing final one.
      before.eol = eol;
      fresh[fresh.length - 1]!.eol = '';
    }
    if (fresh.length === 0 && end === this.lines.length && start > 0 && start < end) {
      // Removing the tail: the new last line takes the removed last line's ending.
      this.lines[start - 1]!.eol = this.lines[end - 1]!.eol;
    }
    const prior = start === 0 ? initialState() : lineStates.get(this.lines[start - 1]!)?.[1];
    if (prior === undefined) {
      // A document only read (ConfigDocument.read), or lines changed from outside: read everything again.
      this.lines.splice(
        start,
        end - start,
        ...fresh.map((f) => ({ ...f, info: { type: 'blank' as const } })),
      );
      this.reclassify();
    } else {
      // Re-read from the edit on, and stop once a following line is read in the same state as
      // before: from there on nothing can change. Appends and local edits stay cheap in big files.
      const state = copyState(prior); // a kept state is shared: never advance it
      const added = fresh.map((f) => classifiedLine(f.text, f.eol, state));
      this.lines.splice(start, end - start, ...added);
      rereadUntilSettled(this.lines, start + added.length, state);
    }
    const last = this.lines[this.lines.length - 1];
    if (last && last.text === '' && last.eol === '') this.lines.pop(); // holds no byte
  }

  /**
   * Sections in file order, starting with the preamble (lines before the first header). A broken
   * header starts a block with `info` undefined, so its lines never count as the section above.
   */
  sections(): SectionBlock[] {
    const blocks: SectionBlock[] = [];
    let current: SectionBlock = { header: -1, end: 0, info: undefined };
    this.lines.forEach((line, i) => {
      const info = line.info;
      if (startsBlock(info)) {
        current.end = i;
        blocks.push(current);
        current = { header: i, end: i + 1, info: info.type === 'section' ? info : undefined };
      }
    });
    current.end = this.lines.length;
    blocks.push(current);
    return blocks;
  }
}
