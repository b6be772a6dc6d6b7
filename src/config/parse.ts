// The semantic view of one config or credentials file, and the merge of both, following the
// cross-SDK profile-file rules (aws-protocols.md §5, test/fixtures/aws-sdk-spec). Where the spec
// would fail the whole file, we ignore the line and record an issue instead, so one bad line does
// not hide every profile; `issues` keeps what the spec calls errors apart from mere warnings.

import { onlyOf, WORD } from '../util/ascii.ts';
import { ConfigDocument, type DisputedHeaders, type DocLine, type LineInfo } from './document.ts';
import { type ConfigView, type Properties, type SectionKind, sectionsOfKind } from './model.ts';
import { botocoreSection, type FileKind, jsSection, type SectionId } from './readers.ts';

export type { FileKind };

export interface SectionRef {
  kind: SectionKind;
  name: string;
}

export interface ParseIssue {
  /** 1-based line number. */
  line: number;
  /** `error`: the spec rejects the file here; `warning`: the line or section is ignored. */
  severity: 'error' | 'warning';
  /** Never quotes the line itself: it may hold a secret. */
  message: string;
}

export interface ParsedFile extends ConfigView {
  kind: FileKind;
  issues: ParseIssue[];
}

/** Reads an own property only: profile names like `__proto__` must not reach Object.prototype. */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets an own property, even one named `__proto__`. */
export function put<R extends Record<string, unknown>>(record: R, key: string, value: R[string]): void {
  // Only `__proto__` has a setter on Object.prototype; defining every property was a tenth of
  // reading a 6,000-profile config.
  if (key === '__proto__') {
    Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  } else (record as Record<string, unknown>)[key] = value;
}

/** [A-Za-z0-9_\-/.%@:+]: what a profile, session or property name may hold. */
export const IDENTIFIER_CHARACTERS = `${WORD}-/.%@:+`;

/** Profile, session and property names the SDKs accept. */
export function isValidIdentifier(name: string): boolean {
  return onlyOf(name, IDENTIFIER_CHARACTERS);
}

/** Sections the AWS CLI itself keeps in the config file: not profiles, but not mistakes either. */
const KNOWN_OTHER_SECTIONS = new Set(['plugins', 'preview', 'toplevel']);

export type HeaderMeaning =
  | { section: SectionRef; unprefixedDefault: boolean }
  | { ignored: string | undefined /* reason, or undefined when silently ignored */ }
  /** botocore and the JS SDK name different sections here: `refs` are the ones either names. */
  | { disputed: string; refs: SectionRef[] };

/** A section rolehop can name: a profile, session or services block with a valid name. */
function addressable(id: SectionId | undefined): SectionRef | undefined {
  return id && id.kind !== 'other' && isValidIdentifier(id.name)
    ? { kind: id.kind, name: id.name }
    : undefined;
}

const sameRef = (a: SectionRef | undefined, b: SectionRef | undefined): boolean =>
  a?.kind === b?.kind && a?.name === b?.name;

/** The sections either reader names on a disputed header line. */
export function disputedRefs(headers: DisputedHeaders, kind: FileKind): SectionRef[] {
  const refs: SectionRef[] = [];
  const b = headers.botocore === undefined ? undefined : addressable(botocoreSection(headers.botocore, kind));
  const j = headers.js === undefined ? undefined : addressable(jsSection(headers.js, kind));
  if (b) refs.push(b);
  if (j && !sameRef(b, j)) refs.push(j);
  return refs;
}

/**
 * What a section header means in a file of this kind: the section botocore and the JS SDK both read
 * there, or why rolehop ignores it (neither reads a section rolehop can name), or that they disagree.
 */
export function headerMeaning(info: SectionInfo, kind: FileKind): HeaderMeaning {
  let cached = meanings.get(info);
  if (!cached) {
    cached = {};
    meanings.set(info, cached);
  }
  cached[kind] ??= readHeader(info, kind);
  return cached[kind];
}

type SectionInfo = { header: string; js: string; prefix: string | undefined; name: string };
/** Header lines are immutable and looked up often (populate edits big files thousands of times). */
const meanings = new WeakMap<SectionInfo, Partial<Record<FileKind, HeaderMeaning>>>();

function readHeader(info: SectionInfo, kind: FileKind): HeaderMeaning {
  const boto = addressable(botocoreSection(info.header, kind));
  const js = addressable(jsSection(info.js, kind));
  if (!sameRef(boto, js)) {
    const refs = [boto, js].filter((r): r is SectionRef => r !== undefined);
    const names = refs.map((r) => `${r.kind} "${r.name}"`).join(' / ');
    return {
      disputed: `botocore and the JS SDK read different sections here (${boto ? 'botocore' : 'the JS SDK'} reads ${names}, the other ${boto && js ? 'the other name' : 'none'})`,
      refs,
    };
  }
  if (boto) {
    const unprefixedDefault = kind === 'config' && info.header === 'default';
    return { section: boto, unprefixedDefault };
  }
  return { ignored: ignoredReason(info, kind) };
}

/** Why neither reader sees a section rolehop can name here (undefined: the AWS CLI's own sections). */
function ignoredReason(info: { header: string; prefix: string | undefined; name: string }, kind: FileKind) {
  const { prefix, name } = info;
  if (info.header !== info.header.trim()) {
    return `section [${info.header}] ignored: botocore and the JS SDK read the spaces inside the brackets as part of its name`;
  }
  if (kind === 'credentials') {
    if (prefix === 'profile') {
      return `[profile ${name}] ignored: the credentials file names profiles without a prefix, as [${name}]`;
    }
    return `profile [${info.header}] ignored: "${info.header}" is not a valid name`;
  }
  if (prefix === undefined) {
    if (KNOWN_OTHER_SECTIONS.has(name)) return undefined;
    return `section [${name}] ignored: profiles in the config file (other than [default]) need a prefix, as [profile ${name}]`;
  }
  if (prefix === 'profile' || prefix === 'sso-session' || prefix === 'services') {
    return `section [${info.header}] ignored: "${name}" is not a valid name`;
  }
  return `section [${info.header}] ignored: unknown section type "${prefix}" (expected profile, sso-session or services)`;
}

function emptyFile(kind: FileKind): ParsedFile {
  return { kind, profiles: {}, ssoSessions: {}, services: {}, warnings: [], issues: [], disputes: [] };
}

/** Lines of valid `[profile default]` headers: any one hides every `[default]` (spec, JS SDK). */
function prefixedDefaultLines(lines: DocLine[], kind: FileKind): number[] {
  if (kind !== 'config') return [];
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const info = lines[i]!.info;
    if (info.type !== 'section') continue;
    const meaning = headerMeaning(info, kind);
    if ('section' in meaning && meaning.section.name === 'default' && meaning.section.kind === 'profile') {
      if (!meaning.unprefixedDefault) out.push(i);
    }
  }
  return out;
}

/**
 * `[default]` after `[profile default]`: botocore takes the later section, the JS SDK (and the spec)
 * `[profile default]`. Returns the 1-based lines of both headers, or undefined when they agree.
 */
export function defaultOrderDispute(
  lines: DocLine[],
  kind: FileKind,
  prefixed = prefixedDefaultLines(lines, kind),
): [number, number] | undefined {
  if (prefixed.length === 0) return undefined;
  const first = prefixed[0]!;
  for (let i = lines.length - 1; i > first; i--) {
    const info = lines[i]!.info;
    if (info.type !== 'section') continue;
    const meaning = headerMeaning(info, kind);
    if ('section' in meaning && meaning.unprefixedDefault) return [first + 1, i + 1];
  }
  return undefined;
}

/** Builds the semantic view of one parsed document. `label` prefixes warnings (a file name). */
export function viewOfDocument(doc: ConfigDocument, kind: FileKind, label: string = kind): ParsedFile {
  const out = emptyFile(kind);
  const prefixedDefaults = prefixedDefaultLines(doc.lines, kind);
  const skipUnprefixedDefault = prefixedDefaults.length > 0;
  const defaultDispute = defaultOrderDispute(doc.lines, kind, prefixedDefaults);
  let target: Properties | undefined;
  let targetRef: SectionRef | undefined;
  let key: string | undefined;
  const issue = (index: number, severity: ParseIssue['severity'], message: string) => {
    out.issues.push({ line: index + 1, severity, message });
    out.warnings.push(`${label}:${index + 1}: ${message}`);
  };
  const dispute = (refs: (SectionRef | undefined)[], index: number, why: string) => {
    for (const ref of refs) if (ref) out.disputes!.push({ ...ref, where: `${label}:${index + 1}: ${why}` });
  };

  doc.lines.forEach((line, index) => {
    const info: LineInfo = line.info;
    switch (info.type) {
      case 'blank':
      case 'comment':
        return;
      case 'invalid':
        issue(index, 'error', `${info.message}; line ignored`);
        if (info.header) target = undefined;
        key = undefined;
        return;
      case 'disputed': {
        issue(index, 'warning', `${info.message}; rolehop ignores the line and will not edit next to it`);
        // A reader that sees no header here keeps reading into the section above.
        const continues =
          !info.header || info.headers.botocore === undefined || info.headers.js === undefined;
        dispute(
          [continues ? targetRef : undefined, ...(info.header ? disputedRefs(info.headers, kind) : [])],
          index,
          info.message,
        );
        if (info.header) {
          target = undefined;
          targetRef = undefined;
        }
        key = undefined;
        return;
      }
      case 'section': {
        key = undefined;
        target = undefined;
        targetRef = undefined;
        const meaning = headerMeaning(info, kind);
        if ('ignored' in meaning) {
          if (meaning.ignored) issue(index, 'warning', meaning.ignored);
          return;
        }
        if ('disputed' in meaning) {
          issue(index, 'warning', `${meaning.disputed}; rolehop will not edit it`);
          dispute(meaning.refs, index, meaning.disputed);
          return;
        }
        if (meaning.unprefixedDefault && skipUnprefixedDefault) {
          if (defaultDispute?.[1] === index + 1) {
            dispute([meaning.section], index, 'botocore reads this [default], the JS SDK [profile default]');
          }
          issue(
            index,
            'warning',
            defaultDispute?.[1] === index + 1
              ? `[default] comes after [profile default] (line ${defaultDispute[0]}): botocore reads this one, the JS SDK [profile default]; rolehop will not edit either`
              : '[default] ignored: [profile default] is also present and wins',
          );
          return;
        }
        const bucket = sectionsOfKind(out, meaning.section.kind);
        if (!Object.hasOwn(bucket, meaning.section.name)) put(bucket, meaning.section.name, {});
        target = own(bucket, meaning.section.name);
        targetRef = meaning.section;
        return;
      }
      case 'property': {
        key = undefined;
        if (!target) return;
        const name = info.key.toLowerCase();
        if (!isValidIdentifier(name)) {
          issue(index, 'warning', `property "${info.key}" ignored: not a valid name`);
          return;
        }
        put(target, name, info.value);
        key = name;
        return;
      }
      case 'sub-property': {
        if (!target || key === undefined) return;
        const current = own(target, key);
        const map = typeof current === 'object' ? current : {};
        put(map, info.key, info.value);
        put(target, key, map);
        return;
      }
      case 'continuation': {
        if (!target || key === undefined) return;
        const current = own(target, key);
        if (typeof current === 'string') put(target, key, `${current}\n${info.value}`);
        return;
      }
    }
  });
  return out;
}

export function parseConfigText(text: string, kind: FileKind, label?: string): ParsedFile {
  return viewOfDocument(ConfigDocument.read(text), kind, label);
}

/** Config and credentials merged: credentials-file keys win for the same profile. */
export function mergeViews(
  config: ParsedFile,
  credentials: ParsedFile,
): ConfigView & { issues: ParseIssue[] } {
  const profiles: Record<string, Properties> = {};
  for (const [name, props] of Object.entries(config.profiles)) put(profiles, name, { ...props });
  for (const [name, props] of Object.entries(credentials.profiles)) {
    put(profiles, name, { ...(own(profiles, name) ?? {}), ...props });
  }
  return {
    profiles,
    ssoSessions: config.ssoSessions,
    services: config.services,
    warnings: [...config.warnings, ...credentials.warnings],
    issues: [...config.issues, ...credentials.issues],
    disputes: [...(config.disputes ?? []), ...(credentials.disputes ?? [])],
  };
}

export interface DuplicateSection {
  section: SectionRef;
  /** 1-based header line numbers, in file order. */
  lines: number[];
  /** botocore refuses to load the file when the same header text appears twice. */
  rejectedByBotocore: boolean;
}

/** Sections of one file that appear more than once (the spec merges them; botocore may refuse). */
export function duplicateSections(doc: ConfigDocument, kind: FileKind): DuplicateSection[] {
  const groups = new Map<string, { section: SectionRef; indexes: number[] }>();
  doc.lines.forEach((line, index) => {
    if (line.info.type !== 'section') return;
    const meaning = headerMeaning(line.info, kind);
    if (!('section' in meaning)) return;
    const { section } = meaning;
    // [default] and [profile default] are two sections to every reader; not a duplicate.
    const id = `${section.kind}\0${meaning.unprefixedDefault ? '' : 'p'}\0${section.name}`;
    const group = groups.get(id) ?? { section, indexes: [] };
    group.indexes.push(index);
    groups.set(id, group);
  });
  const out: DuplicateSection[] = [];
  for (const { section, indexes } of groups.values()) {
    if (indexes.length < 2) continue;
    // configparser keys sections by the text between `[` and the last `]`.
    const names = indexes.map((i) => (doc.lines[i]!.info as SectionInfo).header);
    out.push({
      section,
      lines: indexes.map((i) => i + 1),
      rejectedByBotocore: new Set(names).size < names.length,
    });
  }
  return out;
}
