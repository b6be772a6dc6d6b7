// How the two readers that matter read one line of a config or credentials file: botocore (Python's
// configparser, strict, `=` and `:` delimiters, indentation-based continuations) and the JS SDK
// (@smithy shared-ini-file-loader's parseIni). Each reader keeps its own state between lines, so
// document.ts can tell where they agree (rolehop reads the line that way) and where they do not
// (rolehop refuses to edit near it). Only structure is modelled, not values: those follow the spec.

import { spanOf, WORD } from '../util/ascii.ts';

/** Whitespace to both readers: Python's str.isspace() and JS's \s share these (a UTF-16 code unit). */
export const isSpace = (c: number): boolean =>
  c === 32 ||
  (c >= 9 && c <= 13) ||
  c === 0xa0 ||
  c === 0x1680 ||
  (c >= 0x2000 && c <= 0x200a) ||
  c === 0x2028 ||
  c === 0x2029 ||
  c === 0x202f ||
  c === 0x205f ||
  c === 0x3000;
/** JavaScript's \s: the shared whitespace and U+FEFF. */
export const isJsSpace = (c: number): boolean => isSpace(c) || c === 0xfeff;

// The line readers below use no regular expression: they run on every line of every warm call, and
// V8 compiles a regular expression twice in its first runs (util/ascii.ts). Each names the one it
// replaces; test/util/ascii.test.ts checks each against it.

/** /[\x1c-\x1f\x85\ufeff]/: a character only one reader takes as whitespace (Python: \x1c-\x1f \x85; JS: U+FEFF). */
export function hasOneSidedSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c >= 0x1c && c <= 0x1f) || c === 0x85 || c === 0xfeff) return true;
  }
  return false;
}

/** Index of the first `#` or `;` at or after `from`, or -1. */
export function nextCommentMark(text: string, from: number): number {
  const hash = text.indexOf('#', from);
  const semicolon = text.indexOf(';', from);
  return hash < 0 ? semicolon : semicolon < 0 ? hash : Math.min(hash, semicolon);
}

/** Index of the first non-whitespace character (configparser's indent level), or the length. */
function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/**
 * `s.slice(start, end)` without the whitespace (`space`) at either end, in one slice: slicing and
 * trimming made two or three new strings per key and value, which was most of reading a big file.
 */
export function trimmedSlice(s: string, start: number, end: number, space = isSpace): string {
  while (start < end && space(s.charCodeAt(start))) start++;
  while (end > start && space(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

/** `s` without the shared whitespace at either end (`s` itself when there is none). */
export const trimBoth = (s: string): string => trimmedSlice(s, 0, s.length);

/** Whether `s` holds nothing but whitespace (`space`) from `from` on. */
export function blankFrom(s: string, from: number, space = isSpace): boolean {
  for (let i = from; i < s.length; i++) if (!space(s.charCodeAt(i))) return false;
  return true;
}

/** configparser's indent level: where the first non-whitespace character is (0 on a blank line). */
export const indentOf = (s: string): number => {
  const i = firstNonSpace(s);
  return i === s.length ? 0 : i;
};

export type FileKind = 'config' | 'credentials';

/** What a header names, to one reader: a profile, session or services block, or nothing we edit. */
export type SectionId = { kind: 'profile' | 'sso-session' | 'services'; name: string } | { kind: 'other' };

/** What shlex treats apart from other characters: whitespace, quotes and the escape. */
const SHLEX_SPECIAL = ` \t\r\n'"\\`;

/** Python's shlex.split (posix, no comments): undefined where it raises (unclosed quote). */
export function shlexSplit(s: string): string[] | undefined {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let i = 0;
  while (i < s.length) {
    const ch = s[i]!;
    if (' \t\r\n'.includes(ch)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
      i++;
      continue;
    }
    inToken = true;
    if (ch === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) return undefined;
      cur += s.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      for (;;) {
        if (i >= s.length) return undefined;
        const c = s[i]!;
        if (c === '"') break;
        if (c === '\\' && (s[i + 1] === '"' || s[i + 1] === '\\')) i++;
        cur += s[i]!;
        i++;
      }
      i++;
    } else if (ch === '\\') {
      if (i + 1 >= s.length) return undefined;
      cur += s[i + 1]!;
      i += 2;
    } else {
      // A run of plain characters in one slice, not a string per character (a big file's headers).
      let end = i + 1;
      while (end < s.length && !SHLEX_SPECIAL.includes(s[end]!)) end++;
      cur += s.slice(i, end);
      i = end;
    }
  }
  if (inToken) out.push(cur);
  return out;
}

const SECTION_KINDS = ['profile', 'sso-session', 'services'] as const;

/** botocore's build_profile_map (config) or its raw section names (credentials). */
export function botocoreSection(header: string, kind: FileKind): SectionId {
  if (kind === 'credentials') return { kind: 'profile', name: header };
  if (header === 'default') return { kind: 'profile', name: 'default' };
  for (const prefix of SECTION_KINDS) {
    if (!header.startsWith(prefix)) continue;
    const parts = shlexSplit(header);
    return parts?.length === 2 ? { kind: prefix, name: parts[1]! } : { kind: 'other' };
  }
  return { kind: 'other' };
}

const JS_PREFIX_CHARACTERS = `${WORD}-`;
const JS_NAME_CHARACTERS = `${WORD}-@+.%:/`;

/**
 * parseIni's `prefix name` header, /^([\w-]+)\s(["'])?([\w\-@+.%:/]+)\2$/: the prefix and the
 * name (quoted or not), or undefined.
 */
export function jsPrefixed(inner: string): [prefix: string, name: string] | undefined {
  let at = spanOf(inner, JS_PREFIX_CHARACTERS);
  if (at === 0 || at === inner.length || !isJsSpace(inner.charCodeAt(at))) return undefined;
  const prefix = inner.slice(0, at++);
  // No quote is in the name's characters: one here opens the name, and the same one must close it.
  const quote = inner[at] === '"' || inner[at] === "'" ? inner[at++]! : '';
  const start = at;
  at = spanOf(inner, JS_NAME_CHARACTERS, at);
  if (at === start || inner.slice(at) !== quote) return undefined;
  return [prefix, inner.slice(start, at)];
}

/** parseIni's section key, then getConfigData / getSsoSessionData (config) or the key (credentials). */
export function jsSection(inner: string, kind: FileKind): SectionId | undefined {
  const prefixed = jsPrefixed(inner);
  const prefixKind = prefixed && SECTION_KINDS.find((k) => k === prefixed[0]);
  if (prefixed && !prefixKind) return undefined; // lines ignored
  // `[profile x]` in the credentials file is keyed "profile.x": no profile anyone means to name.
  if (kind === 'credentials') return prefixed ? { kind: 'other' } : { kind: 'profile', name: inner };
  // Keyed `prefix.name`, then split at the first dot, which is the one after the prefix ([\w-]+).
  if (prefixKind) return { kind: prefixKind, name: prefixed[1] };
  if (inner === 'default') return { kind: 'profile', name: 'default' };
  const dot = inner.indexOf('.');
  const prefix = inner.slice(0, dot);
  const kindOf = SECTION_KINDS.find((k) => k === prefix);
  if (dot < 0 || kindOf === undefined) return { kind: 'other' };
  return { kind: kindOf, name: inner.slice(dot + 1) };
}

// ---- botocore (configparser) ----

export interface BotocoreState {
  /** A section header was seen (before it, any content line fails the whole file). */
  section: boolean;
  /** The current option's name, lower-cased; undefined right after a header. */
  option: string | undefined;
  /** The current option's first value was empty: indented lines below are sub-properties. */
  nested: boolean;
  /** Indent of the last header or option line: deeper lines continue the option. */
  indent: number;
}

export type BotocoreLine =
  | { type: 'skip' }
  | { type: 'header'; header: string }
  | { type: 'option'; key: string; delimiter: '=' | ':'; empty: boolean }
  | { type: 'continuation'; of: string; nested: boolean }
  | { type: 'error' };

/** configparser's SECTCRE, /^\[(.+)\]/s: from the `[` to the last `]`, not empty; else undefined. */
export function pySectionHeader(value: string): string | undefined {
  if (!value.startsWith('[')) return undefined;
  const close = value.lastIndexOf(']');
  return close >= 2 ? value.slice(1, close) : undefined;
}

// Both readers' states advance in place and results without data are shared: a populated config
// has tens of thousands of lines, and a new state and result pair per line per reader was most of
// what the collector had to do on a warm call.
const SKIP = Object.freeze({ type: 'skip' as const });
const ERROR = Object.freeze({ type: 'error' as const });

/** One line as configparser's _read sees it (no inline comments; `;`/`#` full-line comments); advances `state`. */
export function botocoreStep(text: string, state: BotocoreState): BotocoreLine {
  const value = trimBoth(text);
  if (value === '' || value.startsWith('#') || value.startsWith(';')) return SKIP;
  const indent = indentOf(text);
  if (state.section && state.option !== undefined && indent > state.indent) {
    return { type: 'continuation', of: state.option, nested: state.nested };
  }
  const header = pySectionHeader(value);
  if (header !== undefined) {
    state.section = true;
    state.option = undefined;
    state.nested = false;
    state.indent = indent;
    return { type: 'header', header };
  }
  if (!state.section) return ERROR;
  state.indent = indent;
  const eq = value.indexOf('=');
  const colon = value.indexOf(':');
  const at = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  if (at < 0) return ERROR;
  const key = trimmedSlice(value, 0, at).toLowerCase();
  if (key === '') return ERROR;
  const empty = blankFrom(value, at + 1);
  state.option = key;
  state.nested = empty;
  return { type: 'option', key, delimiter: value[at] as '=' | ':', empty };
}

// ---- the JS SDK (parseIni) ----

export interface JsState {
  /** parseIni's currentSection is set (lines outside one are ignored). */
  section: boolean;
  /** parseIni's currentSubSection: the last `key =` with an empty value. */
  sub: string | undefined;
}

export type JsLine =
  | { type: 'skip' }
  | { type: 'header'; inner: string }
  /** A key with an empty value: stores nothing, opens a sub-section. */
  | { type: 'parent'; key: string }
  | { type: 'key'; key: string; sub: string | undefined };

/** Where parseIni's comment starts, /(^|\s)[;#]/: a `#` or `;` first or after whitespace (there); -1 when none. */
export function jsCommentStart(text: string): number {
  for (let at = nextCommentMark(text, 0); at >= 0; at = nextCommentMark(text, at + 1)) {
    if (at === 0) return 0;
    if (isJsSpace(text.charCodeAt(at - 1))) return at - 1;
  }
  return -1;
}

/** One line as parseIni reads it; advances `state`. */
export function jsStep(text: string, state: JsState): JsLine {
  const comment = jsCommentStart(text);
  const trimmed = trimmedSlice(text, 0, comment >= 0 ? comment : text.length, isJsSpace);
  if (trimmed.startsWith('[') && trimmed.endsWith(']')) {
    const inner = trimmed.slice(1, -1);
    state.section = inner !== '' && jsSection(inner, 'config') !== undefined;
    state.sub = undefined;
    return { type: 'header', inner };
  }
  if (!state.section) return SKIP;
  const eq = trimmed.indexOf('=');
  if (eq <= 0) return SKIP;
  const key = trimmedSlice(trimmed, 0, eq, isJsSpace);
  if (blankFrom(trimmed, eq + 1, isJsSpace)) {
    state.sub = key;
    return { type: 'parent', key };
  }
  const indented = isJsSpace(text.charCodeAt(0)); // NaN past the end: not a space
  const sub = state.sub !== undefined && indented ? state.sub : undefined;
  state.sub = sub;
  return { type: 'key', key, sub };
}
