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
  type JsState,
  jsStep,
  nextCommentMark,
  trimBoth,
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
    if (!needsWhitespace || (at > 0 && isSpace(text.charCodeAt(at - 1)))) return trimBoth(text.slice(0, at));
  }
  return text;
}

/** Splits `key = value`; undefined key means no `=`, empty key means `= value`. */
function splitProperty(line: string): { key: string; value: string } | { error: 'no-equals' | 'no-name' } {
  const text = stripComment(line, true);
  const eq = text.indexOf('=');
  if (eq < 0) return { error: 'no-equals' };
  const key = trimBoth(text.slice(0, eq));
  if (key === '') return { error: 'no-name' };
  return { key, value: trimBoth(text.slice(eq + 1)) };
}

/** The section name rules of the spec: a prefix word, then the name, both trimmed. */
export function parseHeader(inner: string): { prefix: string | undefined; name: string } {
  const text = trimBoth(inner);
  let space = 0; // the first of JavaScript's \s, as the spec's /\s/ (readers.ts says why no regex)
  while (space < text.length && !isJsSpace(text.charCodeAt(space))) space++;
  if (space === text.length) return { prefix: undefined, name: text };
  return { prefix: text.slice(0, space), name: trimBoth(text.slice(space + 1)) };
}

/** Splits text into lines on `\n`, keeping `\r\n` or `\n` (a lone `\r` stays inside the line). */
export function splitLines(text: string): { text: string; eol: LineEnding }[] {
  const lines: { text: string; eol: LineEnding }[] = [];
  let start = 0;
  while (start < text.length) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) {
      lines.push({ text: text.slice(start), eol: '' });
      break;
    }
    if (nl > start && text[nl - 1] === '\r') lines.push({ text: text.slice(start, nl - 1), eol: '\r\n' });
    else lines.push({ text: text.slice(start, nl), eol: '\n' });
    start = nl + 1;
  }
  return lines;
}

/** Both readers' states between lines: what an indented line continues, which section we are in. */
interface ParserState {
  botocore: BotocoreState;
  js: JsState;
}
const INITIAL: ParserState = {
  botocore: { section: false, option: undefined, nested: false, indent: 0 },
  js: { section: false, sub: undefined },
};
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
function botocoreSteps(text: string, state: BotocoreState): [BotocoreLine, BotocoreState] {
  if (!text.includes('\r')) return botocoreStep(text, state);
  const pieces = text.replace(/\r+$/, '').split('\r');
  let step: [BotocoreLine, BotocoreState] = [{ type: 'skip' }, state];
  let header: string | undefined;
  for (const piece of pieces) {
    step = botocoreStep(piece, step[1]);
    if (step[0].type === 'header') header ??= step[0].header;
  }
  if (pieces.length > 1 && header !== undefined) return [{ type: 'header', header }, step[1]];
  return step;
}

/** A line botocore cannot parse (it then refuses the whole file), with the spec's message. */
function invalidFor(text: string, b: BotocoreState): LineInfo {
  if (trimBoth(text).startsWith('[')) {
    return { type: 'invalid', message: "Profile definition must end with ']'", header: true };
  }
  if (!b.section) return { type: 'invalid', message: 'Expected a profile definition' };
  if (indentOf(text) > 0 && b.option === undefined) {
    return { type: 'invalid', message: 'Expected a property definition, found continuation' };
  }
  const prop = splitProperty(text);
  if ('error' in prop && prop.error === 'no-name')
    return { type: 'invalid', message: 'Property did not have a name' };
  return { type: 'invalid', message: "Expected an '=' sign defining a property" };
}

function classifyOne(text: string, state: ParserState): [LineInfo, ParserState] {
  const [b, botocore] = botocoreSteps(text, state.botocore);
  const [j, js] = jsStep(text, state.js);
  const after = { botocore, js };
  const info = ((): LineInfo => {
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
    if (b.type === 'skip') return trimBoth(text) === '' ? { type: 'blank' } : { type: 'comment' };
    if (b.type === 'header' && j.type === 'header') {
      return { type: 'section', header: b.header, js: j.inner, ...parseHeader(b.header) };
    }
    if (b.type === 'header') {
      return disputed(
        'botocore reads a section header here, the JS SDK does not (text after the "]"?)',
        true,
        {
          botocore: b.header,
        },
      );
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
    if (b.type === 'error') return invalidFor(text, state.botocore);
    const prop = splitProperty(text);
    if (b.type === 'option') {
      if (b.delimiter === ':') {
        return disputed(
          "botocore reads ':' as the separator of a setting here, the JS SDK only reads '='",
          false,
        );
      }
      if (j.type === 'skip' && !state.js.section && 'key' in prop) return { type: 'property', ...prop };
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
          ...prop,
          disputed:
            'botocore reads this key in lower case, the JS SDK as written: they name different settings',
        };
      }
      return { type: 'property', ...prop };
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
      if (!state.js.section) return { type: 'sub-property', ...sub };
      return disputed('botocore reads a sub-setting here, the JS SDK does not', false);
    }
    const underParent = b.nested && state.js.sub?.toLowerCase() === b.of && 'key' in prop;
    if (j.type === 'key' && j.sub !== undefined && j.sub.toLowerCase() === b.of && underParent) {
      return { type: 'sub-property', ...prop };
    }
    // `  name =`: botocore stores an empty sub-property, the JS SDK nothing; both agree on the rest
    // only while no line follows at that depth, which the next line's own reading checks.
    if (j.type === 'parent' && underParent) return { type: 'sub-property', ...prop };
    return disputed(
      `botocore reads this indented line as part of "${b.of}" above, the JS SDK as a ${j.type === 'parent' ? 'new parent' : 'setting'} of its own`,
      false,
    );
  })();
  return [info, after];
}

function classifiedLine(
  text: string,
  eol: LineEnding,
  state: ParserState,
  keepStates = true,
): [DocLine, ParserState] {
  const [info, after] = classifyOne(text, state);
  const line: DocLine = { text, eol, info };
  if (keepStates) lineStates.set(line, statePair(state, after));
  return [line, after];
}

/**
 * Reads `lines` again in place from `from` on, starting in `state`, and stops at the first line
 * that was read in that same state before: from there on nothing can change.
 */
function rereadUntilSettled(lines: DocLine[], from: number, state: ParserState): void {
  for (let i = from; i < lines.length; i++) {
    const old = lines[i]!;
    const known = lineStates.get(old);
    if (known && sameState(known[0], state)) return;
    const [line, after] = classifiedLine(old.text, old.eol, state);
    lines[i] = line;
    state = after;
  }
}

/**
 * Classifies lines in order: whether an indented line continues a value, lists sub-properties or is
 * a setting of its own depends on what came before, for each reader.
 */
export function classifyLines(lines: { text: string; eol: LineEnding }[], keepStates = true): DocLine[] {
  let state = INITIAL;
  return lines.map(({ text, eol }) => {
    const [line, after] = classifiedLine(text, eol, state, keepStates);
    state = after;
    return line;
  });
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
    return new ConfigDocument(bom, classifyLines(splitLines(bom ? text.slice(1) : text), keepStates));
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
    rereadUntilSettled(lines, 0, INITIAL);
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
    const prior = start === 0 ? INITIAL : lineStates.get(this.lines[start - 1]!)?.[1];
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
      let state = prior;
      const added = fresh.map((f) => {
        const [line, after] = classifiedLine(f.text, f.eol, state);
        state = after;
        return line;
      });
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
