// A lossless, line-based view of an AWS config or credentials file: every raw line is kept with its
// own line ending, so `toString()` gives back the exact input, whatever it holds. Each line is also
// classified with the cross-SDK profile-file grammar (aws-protocols.md §5) so the semantic view and
// the editor share one reading of the file.

export type LineEnding = '\n' | '\r\n' | '';

export type LineInfo =
  | { type: 'blank' }
  | { type: 'comment' }
  /** `header` is the text inside the brackets, trimmed; `prefix` the first word when there are two. */
  | { type: 'section'; header: string; prefix: string | undefined; name: string }
  /** `key` as written (trimmed, case kept); `value` with a trailing ` # comment` removed. */
  | { type: 'property'; key: string; value: string }
  /** An indented `key = value` under a property whose own value is empty. */
  | { type: 'sub-property'; key: string; value: string }
  /** An indented line that continues the previous property's value. */
  | { type: 'continuation'; value: string }
  /** `header` marks a broken section header: it still ends the section above it. */
  | { type: 'invalid'; message: string; header?: boolean };

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

const WHITESPACE = /^[ \t]+|[ \t]+$/g;
const trimWs = (s: string): string => s.replace(WHITESPACE, '');

/**
 * Drops a comment from a line (the spec's `prepare_line`): `#` or `;` starts a comment anywhere in a
 * section header, but after a property value only when whitespace comes before it (`v#c` keeps it).
 */
export function stripComment(line: string, needsWhitespace: boolean): string {
  const text = trimWs(line);
  let prevWhitespace = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if ((ch === '#' || ch === ';') && (prevWhitespace || !needsWhitespace)) return trimWs(text.slice(0, i));
    prevWhitespace = ch === ' ' || ch === '\t';
  }
  return text;
}

/** Splits `key = value`; undefined key means no `=`, empty key means `= value`. */
function splitProperty(line: string): { key: string; value: string } | { error: 'no-equals' | 'no-name' } {
  const text = stripComment(line, true);
  const eq = text.indexOf('=');
  if (eq < 0) return { error: 'no-equals' };
  const key = trimWs(text.slice(0, eq));
  if (key === '') return { error: 'no-name' };
  return { key, value: trimWs(text.slice(eq + 1)) };
}

/** The section name rules of the spec: a prefix word, then the name, both trimmed. */
export function parseHeader(inner: string): { prefix: string | undefined; name: string } {
  const text = trimWs(inner);
  const m = /[ \t]/.exec(text);
  if (!m) return { prefix: undefined, name: text };
  return { prefix: text.slice(0, m.index), name: trimWs(text.slice(m.index + 1)) };
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

// Parser state between lines: inside a section or not, and what an indented line would continue.
const PROPERTY = { none: 0, value: 1, sub: 2 } as const;
type PropertyState = (typeof PROPERTY)[keyof typeof PROPERTY];
/** `inSection * 3 + property`: a small number, so states compare with ===. */
type ParserState = number;
const INITIAL: ParserState = 0;

/** The state each line was read in and the state after it, for incremental re-reads. */
const lineStates = new WeakMap<DocLine, [before: ParserState, after: ParserState]>();

function classifyOne(text: string, state: ParserState): [LineInfo, ParserState] {
  const inSection = state >= 3;
  const property = (state % 3) as PropertyState;
  const next = (section: boolean, prop: PropertyState): ParserState => (section ? 3 : 0) + prop;
  if (trimWs(text) === '') return [{ type: 'blank' }, state];
  const first = text[0];
  if (first === '#' || first === ';') return [{ type: 'comment' }, state];
  if (first === '[') {
    const stripped = stripComment(text, false);
    if (!stripped.endsWith(']')) {
      return [
        { type: 'invalid', message: "Profile definition must end with ']'", header: true },
        next(false, 0),
      ];
    }
    const header = trimWs(stripped.slice(1, -1));
    return [{ type: 'section', header, ...parseHeader(header) }, next(true, 0)];
  }
  if (first === ' ' || first === '\t') {
    if (!inSection) return [{ type: 'invalid', message: 'Expected a profile definition' }, state];
    if (property === PROPERTY.none) {
      return [{ type: 'invalid', message: 'Expected a property definition, found continuation' }, state];
    }
    if (property === PROPERTY.sub) {
      const sub = splitProperty(text);
      if ('error' in sub) {
        const message =
          sub.error === 'no-name'
            ? 'Sub-property did not have a name'
            : "Expected an '=' sign defining a sub-property";
        return [{ type: 'invalid', message }, state];
      }
      return [{ type: 'sub-property', ...sub }, state];
    }
    return [{ type: 'continuation', value: text.trim() }, state];
  }
  if (!inSection) return [{ type: 'invalid', message: 'Expected a profile definition' }, next(false, 0)];
  const prop = splitProperty(text);
  if ('error' in prop) {
    const message =
      prop.error === 'no-name' ? 'Property did not have a name' : "Expected an '=' sign defining a property";
    return [{ type: 'invalid', message }, next(true, 0)];
  }
  return [{ type: 'property', ...prop }, next(true, prop.value === '' ? PROPERTY.sub : PROPERTY.value)];
}

function classifiedLine(text: string, eol: LineEnding, state: ParserState): [DocLine, ParserState] {
  const [info, after] = classifyOne(text, state);
  const line: DocLine = { text, eol, info };
  lineStates.set(line, [state, after]);
  return [line, after];
}

/**
 * Classifies lines in order: whether an indented line continues a value, lists sub-properties or is
 * an error depends on what came before, exactly as in the spec's parser.
 */
export function classifyLines(lines: { text: string; eol: LineEnding }[]): DocLine[] {
  let state = INITIAL;
  return lines.map(({ text, eol }) => {
    const [line, after] = classifiedLine(text, eol, state);
    state = after;
    return line;
  });
}

export class ConfigDocument {
  /** The file started with a UTF-8 byte order mark (kept on output). */
  bom: boolean;
  lines: DocLine[];

  constructor(bom: boolean, lines: DocLine[]) {
    this.bom = bom;
    this.lines = lines;
  }

  static parse(text: string): ConfigDocument {
    const bom = text.startsWith('\uFEFF');
    return new ConfigDocument(bom, classifyLines(splitLines(bom ? text.slice(1) : text)));
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
      // Lines were changed from outside: read everything again.
      this.lines.splice(
        start,
        end - start,
        ...fresh.map((f) => ({ ...f, info: { type: 'blank' as const } })),
      );
      this.reclassify();
      return;
    }
    // Re-read from the edit on, and stop once a following line is read in the same state as before:
    // from there on nothing can change. Appends and local edits stay cheap in big files.
    let state = prior;
    const added = fresh.map((f) => {
      const [line, after] = classifiedLine(f.text, f.eol, state);
      state = after;
      return line;
    });
    this.lines.splice(start, end - start, ...added);
    for (let i = start + added.length; i < this.lines.length; i++) {
      const old = this.lines[i]!;
      const known = lineStates.get(old);
      if (known && known[0] === state) break;
      const [line, after] = classifiedLine(old.text, old.eol, state);
      this.lines[i] = line;
      state = after;
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
      if (info.type === 'section' || (info.type === 'invalid' && info.header)) {
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
