// Reads ~/.aws/config and ~/.aws/credentials (locations from configPaths) into the semantic view,
// and reports what `doctor` needs from the raw files.

import type { Env } from '../util/env.ts';
import { ConfigError } from '../util/errors.ts';
import { ConfigDocument } from './document.ts';
import type { ConfigView } from './model.ts';
import {
  type DuplicateSection,
  duplicateSections,
  type FileKind,
  mergeViews,
  type ParseIssue,
  viewOfDocument,
} from './parse.ts';
import { configPaths } from './paths.ts';
import { readIfRegular } from './regular-file.ts';

export interface RawConfigFile {
  path: string;
  kind: FileKind;
  exists: boolean;
  /** The text (empty when missing). */
  text: string;
  /** False when the bytes are not valid UTF-8: readable, but never rewritten. */
  utf8: boolean;
  /** Permission bits, when the file exists. */
  mode: number | undefined;
  /** The bytes as read, when the file exists (the warm memo's digest is of these: cli/warm-memo.ts). */
  bytes?: Buffer;
}

/**
 * Reads one file; a missing file reads as empty, and so does anything but a regular file (a FIFO,
 * a device such as /dev/null), as botocore does (os.path.isfile). Any other failure is a ConfigError.
 */
export function readConfigFile(path: string, kind: FileKind): RawConfigFile {
  let bytes: Buffer;
  let mode: number;
  const absent: RawConfigFile = { path, kind, exists: false, text: '', utf8: true, mode: undefined };
  try {
    const read = readIfRegular(path);
    if (!read) return absent;
    ({ bytes, mode } = read);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return absent;
    throw new ConfigError(`cannot read the AWS ${kind} file ${path} (${code ?? String(error)})`, {
      hint:
        code === 'EISDIR'
          ? `${path} is a folder; point ${kind === 'config' ? 'AWS_CONFIG_FILE' : 'AWS_SHARED_CREDENTIALS_FILE'} at a file`
          : `check that ${path} is a readable file`,
      cause: error,
    });
  }
  const text = bytes.toString('utf8');
  return { path, kind, exists: true, text, utf8: Buffer.from(text, 'utf8').equals(bytes), mode, bytes };
}

export interface LoadedConfig {
  view: ConfigView;
  config: RawConfigFile;
  credentials: RawConfigFile;
}

export function loadConfigFiles(env: Env): LoadedConfig {
  const paths = configPaths(env);
  const config = readConfigFile(paths.configFile, 'config');
  const credentials = readConfigFile(paths.credentialsFile, 'credentials');
  const c = viewOfDocument(ConfigDocument.read(config.text), 'config', config.path);
  const k = viewOfDocument(ConfigDocument.read(credentials.text), 'credentials', credentials.path);
  const { issues: _issues, ...view } = mergeViews(c, k);
  return { view, config, credentials };
}

/**
 * The merged view of both files (credentials-file keys win for the same profile). Missing files
 * are empty; lines the spec rejects are skipped and listed in `warnings`.
 */
export function loadConfigView(env: Env): ConfigView {
  return loadConfigFiles(env).view;
}

export interface ConfigFileReport {
  path: string;
  kind: FileKind;
  exists: boolean;
  /** Permission bits, when the file exists. */
  mode: number | undefined;
  /** Group or others may read or write it (it may hold keys; it should be 0600). */
  tooOpen: boolean;
  /** Not valid UTF-8: rolehop reads it but will not edit it. */
  notUtf8: boolean;
  /** Unparseable lines (`error`) and ignored sections/properties (`warning`), with line numbers. */
  issues: ParseIssue[];
  duplicateSections: DuplicateSection[];
}

/** What `doctor` checks in the raw files, one report per file (config first). */
export function inspectConfigFiles(env: Env): ConfigFileReport[] {
  const paths = configPaths(env);
  return [
    readConfigFile(paths.configFile, 'config'),
    readConfigFile(paths.credentialsFile, 'credentials'),
  ].map((file) => {
    const doc = ConfigDocument.parse(file.text);
    return {
      path: file.path,
      kind: file.kind,
      exists: file.exists,
      mode: file.mode,
      tooOpen: file.mode !== undefined && (file.mode & 0o077) !== 0,
      notUtf8: !file.utf8,
      issues: viewOfDocument(doc, file.kind, file.path).issues,
      duplicateSections: duplicateSections(doc, file.kind),
    };
  });
}
