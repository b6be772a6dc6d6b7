import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Env } from '../util/env.ts';
import { ConfigDocument } from './document.ts';
import { SECRET_KEYS } from './editor.ts';
import { loadConfigFiles, type RawConfigFile } from './load.ts';
import type { ConfigView } from './model.ts';
import { duplicateSections, type FileKind, headerMeaning, type ParsedFile, viewOfDocument } from './parse.ts';
import { rolehopCacheDir, ssoCacheDir } from './paths.ts';
import { ProfileResolutionError, resolvePlan } from './resolve.ts';
import { readSsoSession, startUrlProblem } from './sso-session.ts';

// `rolehop doctor`: every problem in the user's files, each with its fix. Pure checks take data
// (a view, a parsed file, file modes) so they are tested without a disk; diagnoseUserFiles reads.
// No finding ever quotes a line or a key's value that may hold a secret.

export interface Finding {
  severity: 'error' | 'warning';
  code: string;
  file?: string;
  /** 1-based. */
  line?: number;
  profile?: string;
  message: string;
  fix: string;
}

/** Where a profile's section header is, for pointing findings at a line. */
export type ProfileLocator = (profile: string, code: string) => { file: string; line: number } | undefined;

/** Resolves every profile and reports each distinct problem once, at the profile that needs fixing. */
export function diagnoseProfiles(view: ConfigView, locate: ProfileLocator = () => undefined): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const name of Object.keys(view.profiles)) {
    try {
      resolvePlan(view, name);
    } catch (error) {
      if (!(error instanceof ProfileResolutionError)) throw error;
      // A profile holding only settings (region, output) is fine on its own; an empty *source* is not.
      if (error.code === 'no-credentials' && error.profile === name) continue;
      if (error.code === 'partial-sso-session') continue; // reported per session below
      const key = `${error.code}\0${error.profile}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const at = locate(error.code === 'loop' ? name : error.profile, error.code);
      findings.push({
        severity: 'error',
        code: error.code,
        ...(at ?? {}),
        profile: error.code === 'loop' ? name : error.profile,
        message: error.message,
        fix: error.hint ?? '',
      });
    }
  }
  findings.push(...diagnoseStartUrls(view), ...diagnoseSeveralSources(view, locate));
  for (const name of Object.keys(view.ssoSessions)) {
    const read = readSsoSession(view, name)!;
    if (!('missing' in read)) continue;
    const { missing } = read;
    findings.push({
      severity: 'error',
      code: 'partial-sso-session',
      message: `[sso-session ${name}] is missing ${missing.join(', ')}`,
      fix: `add ${missing.join(' and ')} to [sso-session ${name}], e.g. 'rolehop config set --sso-session ${name} ${missing[0]} …'`,
    });
  }
  return findings;
}

/** Start URLs must be https (the OIDC issuer); a typo here fails only at sign-in time otherwise. */
function diagnoseStartUrls(view: ConfigView): Finding[] {
  const findings: Finding[] = [];
  const check = (url: unknown, section: string, fixWith: string) => {
    if (typeof url !== 'string') return;
    const problem = startUrlProblem(url);
    if (problem === undefined) return;
    findings.push({
      severity: 'error',
      code: 'invalid-start-url',
      message: `${section} has sso_start_url "${url}", which ${problem}`,
      fix: `use the access portal URL, e.g. 'rolehop config set ${fixWith} sso_start_url https://my-org.awsapps.com/start'`,
    });
  };
  for (const [name, session] of Object.entries(view.ssoSessions)) {
    // An empty one is reported as missing (readSsoSession), not as a bad URL too.
    check(session.sso_start_url || undefined, `[sso-session ${name}]`, `--sso-session ${name}`);
  }
  for (const [name, props] of Object.entries(view.profiles)) {
    if (props.sso_session === undefined) check(props.sso_start_url, `profile "${name}"`, `--profile ${name}`);
  }
  return findings;
}

/**
 * A profile with more than one kind of credentials: tools disagree on which wins (botocore: sso,
 * credentials-file keys, credential_process, then config-file keys), so say which one is used.
 */
function diagnoseSeveralSources(view: ConfigView, locate: ProfileLocator): Finding[] {
  const findings: Finding[] = [];
  for (const [name, props] of Object.entries(view.profiles)) {
    if (props.role_arn !== undefined) continue;
    const kinds = [
      ['sso_account_id', 'sso_role_name', 'sso_start_url'].some((k) => props[k] !== undefined)
        ? 'SSO'
        : undefined,
      props.aws_access_key_id !== undefined ? 'static keys' : undefined,
      props.credential_process !== undefined ? 'credential_process' : undefined,
    ].filter((k) => k !== undefined);
    if (kinds.length < 2) continue;
    findings.push({
      severity: 'warning',
      code: 'several-sources',
      ...(locate(name, 'several-sources') ?? {}),
      profile: name,
      message: `profile "${name}" has ${kinds.join(' and ')}; ${kinds[0]} is used and tools may disagree`,
      fix: `keep one kind of credentials in profile "${name}" and move the others to their own profile`,
    });
  }
  return findings;
}

/** Syntax, ignored sections, duplicates and the [default] / [profile default] pair in one file. */
export function diagnoseFileText(
  file: { path: string; kind: FileKind },
  doc: ConfigDocument,
  parsed: ParsedFile,
): Finding[] {
  const findings: Finding[] = [];
  for (const issue of parsed.issues) {
    const info = doc.lines[issue.line - 1]?.info;
    const base = { file: file.path, line: issue.line };
    const disputedHeader = info?.type === 'section' && 'disputed' in headerMeaning(info, file.kind);
    if (info?.type === 'disputed' || disputedHeader) {
      findings.push({
        // The AWS CLI and JS SDK programs would not use the same settings: a real problem.
        severity: 'error',
        code: 'readers-disagree',
        ...base,
        message: issue.message,
        fix: 'rewrite the line so botocore and the AWS SDK for JavaScript read it alike: [profile NAME] headers alone on their line, key = value settings starting in the first column',
      });
    } else if (info?.type === 'invalid') {
      findings.push({
        severity: 'error',
        code: 'unparseable-line',
        ...base,
        message: `line ${issue.line} cannot be read: ${info.message}`,
        fix: 'fix the line (sections look like [profile NAME], settings like key = value) or comment it out with #',
      });
    } else if (info?.type === 'section' && file.kind === 'credentials' && info.prefix === 'profile') {
      findings.push({
        severity: 'error',
        code: 'profile-prefix-in-credentials',
        ...base,
        profile: info.name,
        message: `[profile ${info.name}] in the credentials file is ignored: that file names profiles without the "profile " prefix`,
        fix: `rename the section to [${info.name}]`,
      });
    } else if (
      info?.type === 'section' &&
      file.kind === 'config' &&
      info.prefix === undefined &&
      info.name === 'default'
    ) {
      findings.push({
        severity: 'warning',
        code: 'default-twice',
        ...base,
        profile: 'default',
        message: issue.message.includes('botocore reads this one')
          ? issue.message
          : 'both [default] and [profile default] are present: [profile default] wins and [default] is ignored',
        fix: 'merge the settings you need into one of them and delete the other',
      });
    } else {
      findings.push({
        severity: 'warning',
        code: info?.type === 'section' ? 'ignored-section' : 'ignored-line',
        ...base,
        message: issue.message,
        fix:
          info?.type === 'section'
            ? 'rename the section to [profile NAME], [sso-session NAME] or [services NAME] (config file) or [NAME] (credentials file)'
            : 'fix the name or remove the line',
      });
    }
  }
  for (const dup of duplicateSections(doc, file.kind)) {
    const header =
      dup.section.kind === 'profile' && (file.kind === 'credentials' || dup.section.name === 'default')
        ? dup.section.name
        : `${dup.section.kind} ${dup.section.name}`;
    findings.push({
      severity: 'error',
      code: 'duplicate-section',
      file: file.path,
      line: dup.lines[1],
      ...(dup.section.kind === 'profile' ? { profile: dup.section.name } : {}),
      message: `[${header}] appears ${dup.lines.length} times (lines ${dup.lines.join(', ')})${
        dup.rejectedByBotocore
          ? ': botocore and the AWS CLI refuse to read the file'
          : ': tools disagree on which wins'
      }`,
      fix: `merge the sections into one [${header}] and delete the others`,
    });
  }
  return findings;
}

/** Secret files must be readable by their owner only. */
export function diagnoseFileMode(file: string, mode: number | undefined, what: string): Finding[] {
  if (mode === undefined || (mode & 0o077) === 0) return [];
  return [
    {
      severity: 'error',
      code: 'secret-file-permissions',
      file,
      message: `${what} is readable by other users (mode ${(mode & 0o777).toString(8).padStart(3, '0')})`,
      fix: `chmod 600 '${file}'`,
    },
  ];
}

function hasSecrets(doc: ConfigDocument): boolean {
  return doc.lines.some((l) => l.info.type === 'property' && SECRET_KEYS.has(l.info.key.toLowerCase()));
}

/** Permission findings for a cache folder of secrets and the files in it. */
function diagnoseCacheDir(dir: string, what: string): Finding[] {
  let entries: fs.Dirent[];
  let dirMode: number;
  try {
    dirMode = fs.statSync(dir).mode;
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const findings: Finding[] = [];
  if ((dirMode & 0o077) !== 0) {
    findings.push({
      severity: 'warning',
      code: 'secret-dir-permissions',
      file: dir,
      message: `${what} folder is open to other users (mode ${(dirMode & 0o777).toString(8).padStart(3, '0')})`,
      fix: `chmod 700 '${dir}'`,
    });
  }
  for (const entry of entries) {
    if (!entry.isFile() || entry.name.endsWith('.lock')) continue;
    const file = path.join(dir, entry.name);
    findings.push(...diagnoseFileMode(file, fs.statSync(file).mode, `${what} file ${entry.name}`));
  }
  return findings;
}

export interface Diagnosis {
  findings: Finding[];
  files: RawConfigFile[];
}

/** Reads the user's config, credentials and caches and reports every problem found. */
export function diagnoseUserFiles(env: Env): Diagnosis {
  const { view, config, credentials } = loadConfigFiles(env);
  const c = ConfigDocument.parse(config.text);
  const k = ConfigDocument.parse(credentials.text);
  const findings: Finding[] = [];
  for (const [file, doc] of [
    [config, c],
    [credentials, k],
  ] as const) {
    if (!file.exists) continue;
    findings.push(...diagnoseFileText(file, doc, viewOfDocument(doc, file.kind, file.path)));
    if (!file.utf8) {
      findings.push({
        severity: 'warning',
        code: 'not-utf8',
        file: file.path,
        message:
          'the file is not valid UTF-8: tools may read names and values differently, and rolehop will not edit it',
        fix: 'save the file as UTF-8',
      });
    }
  }
  if (credentials.exists) {
    findings.push(...diagnoseFileMode(credentials.path, credentials.mode, 'the credentials file'));
  }
  if (config.exists && hasSecrets(c)) {
    findings.push(...diagnoseFileMode(config.path, config.mode, 'the config file (it holds secret keys)'));
  }
  findings.push(...diagnoseCacheDir(ssoCacheDir(env), 'the SSO token cache'));
  findings.push(...diagnoseCacheDir(rolehopCacheDir(env), "rolehop's credential cache"));

  const headerLine = (doc: ConfigDocument, kind: FileKind, name: string): number | undefined => {
    const i = doc.lines.findIndex((l) => {
      if (l.info.type !== 'section') return false;
      const meaning = headerMeaning(l.info, kind);
      return 'section' in meaning && meaning.section.kind === 'profile' && meaning.section.name === name;
    });
    return i < 0 ? undefined : i + 1;
  };
  const locate: ProfileLocator = (profile, code) => {
    const order: [RawConfigFile, ConfigDocument][] =
      code === 'partial-static'
        ? [
            [credentials, k],
            [config, c],
          ]
        : [
            [config, c],
            [credentials, k],
          ];
    for (const [file, doc] of order) {
      const line = headerLine(doc, file.kind, profile);
      if (line !== undefined) return { file: file.path, line };
    }
    return undefined;
  };
  findings.push(...diagnoseProfiles(view, locate));
  return { findings, files: [config, credentials] };
}
