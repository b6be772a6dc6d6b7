// The semantic view of one config or credentials file, and the merge of both, following the
// cross-SDK profile-file rules (aws-protocols.md §5, test/fixtures/aws-sdk-spec). Where the spec
// would fail the whole file, we ignore the line and record an issue instead, so one bad line does
// not hide every profile; `issues` keeps what the spec calls errors apart from mere warnings.

import { ConfigDocument, type DocLine, type LineInfo } from './document.ts';
import type { ConfigView, Properties } from './model.ts';

export type FileKind = 'config' | 'credentials';
export type SectionKind = 'profile' | 'sso-session' | 'services';

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
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

const IDENTIFIER = /^[A-Za-z0-9_\-/.%@:+]+$/;

/** Profile, session and property names the SDKs accept. */
export function isValidIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** Sections the AWS CLI itself keeps in the config file: not profiles, but not mistakes either. */
const KNOWN_OTHER_SECTIONS = new Set(['plugins', 'preview', 'toplevel']);

export type HeaderMeaning =
  | { section: SectionRef; unprefixedDefault: boolean }
  | { ignored: string | undefined /* reason, or undefined when silently ignored */ };

/** What a section header means in a file of this kind. */
export function headerMeaning(
  info: { prefix: string | undefined; name: string },
  kind: FileKind,
): HeaderMeaning {
  const { prefix, name } = info;
  if (kind === 'credentials') {
    if (prefix !== undefined) {
      return {
        ignored:
          prefix === 'profile'
            ? `[profile ${name}] ignored: the credentials file names profiles without a prefix, as [${name}]`
            : `section [${prefix} ${name}] ignored: not a valid profile name in the credentials file`,
      };
    }
    if (!isValidIdentifier(name))
      return { ignored: `profile [${name}] ignored: "${name}" is not a valid name` };
    return { section: { kind: 'profile', name }, unprefixedDefault: false };
  }
  if (prefix === undefined) {
    if (name === 'default') return { section: { kind: 'profile', name }, unprefixedDefault: true };
    if (KNOWN_OTHER_SECTIONS.has(name)) return { ignored: undefined };
    return {
      ignored: `section [${name}] ignored: profiles in the config file (other than [default]) need a prefix, as [profile ${name}]`,
    };
  }
  if (!isValidIdentifier(name)) {
    return { ignored: `section [${prefix} ${name}] ignored: "${name}" is not a valid name` };
  }
  if (prefix === 'profile' || prefix === 'sso-session' || prefix === 'services') {
    return { section: { kind: prefix, name }, unprefixedDefault: false };
  }
  return {
    ignored: `section [${prefix} ${name}] ignored: unknown section type "${prefix}" (expected profile, sso-session or services)`,
  };
}

function emptyFile(kind: FileKind): ParsedFile {
  return { kind, profiles: {}, ssoSessions: {}, services: {}, warnings: [], issues: [] };
}

function bucketOf(file: ParsedFile, kind: SectionKind): Record<string, Properties> {
  if (kind === 'profile') return file.profiles;
  if (kind === 'sso-session') return file.ssoSessions;
  return file.services;
}

/** True when the file has a valid `[profile default]`, which hides every `[default]` (spec). */
export function hasPrefixedDefault(lines: DocLine[], kind: FileKind): boolean {
  if (kind !== 'config') return false;
  return lines.some(
    (l) =>
      l.info.type === 'section' &&
      l.info.prefix === 'profile' &&
      l.info.name === 'default' &&
      'section' in headerMeaning(l.info, kind),
  );
}

/** Builds the semantic view of one parsed document. `label` prefixes warnings (a file name). */
export function viewOfDocument(doc: ConfigDocument, kind: FileKind, label: string = kind): ParsedFile {
  const out = emptyFile(kind);
  const skipUnprefixedDefault = hasPrefixedDefault(doc.lines, kind);
  let target: Properties | undefined;
  let key: string | undefined;
  const issue = (index: number, severity: ParseIssue['severity'], message: string) => {
    out.issues.push({ line: index + 1, severity, message });
    out.warnings.push(`${label}:${index + 1}: ${message}`);
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
      case 'section': {
        key = undefined;
        target = undefined;
        const meaning = headerMeaning(info, kind);
        if ('ignored' in meaning) {
          if (meaning.ignored) issue(index, 'warning', meaning.ignored);
          return;
        }
        if (meaning.unprefixedDefault && skipUnprefixedDefault) {
          issue(index, 'warning', '[default] ignored: [profile default] is also present and wins');
          return;
        }
        const bucket = bucketOf(out, meaning.section.kind);
        if (!Object.hasOwn(bucket, meaning.section.name)) put(bucket, meaning.section.name, {});
        target = own(bucket, meaning.section.name);
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
  return viewOfDocument(ConfigDocument.parse(text), kind, label);
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
  };
}

export interface DuplicateSection {
  section: SectionRef;
  /** 1-based header line numbers, in file order. */
  lines: number[];
  /** botocore refuses to load the file when the same header text appears twice. */
  rejectedByBotocore: boolean;
}

/** Header text as Python's configparser keys sections: between the first `[` and the last `]`. */
function botocoreSectionName(text: string): string {
  const t = text.trim();
  return t.slice(1, t.lastIndexOf(']'));
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
    const names = indexes.map((i) => botocoreSectionName(doc.lines[i]!.text));
    out.push({
      section,
      lines: indexes.map((i) => i + 1),
      rejectedByBotocore: new Set(names).size < names.length,
    });
  }
  return out;
}
