// How botocore (python3, preinstalled) and the JS SDK (@smithy/core/config) read one config or
// credentials file, in one flat shape: section id → key → value, a sub-property as `parent.sub`.
// botocore runs in one long-lived python3 process that reads batches of paths as JSON lines, so
// thousands of files cost one interpreter start.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { loadSharedConfigFiles, loadSsoSessionData } from '@smithy/core/config';

export type FileKind = 'config' | 'credentials';
/** `profile NAME`, `sso-session NAME` or `services NAME` → flat key → value; or why it failed. */
export type Reading = { sections: Record<string, Record<string, string>> } | { error: string };

const BOTOCORE_READER = `
import json, sys
from botocore import configloader
def flat(d):
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            for sk, sv in v.items(): out[k + '.' + sk] = sv
        else: out[k] = v
    return out
for line in sys.stdin:
    out = []
    for path, kind in json.loads(line):
        try:
            if kind == 'config':
                c = configloader.load_config(path)
                s = {}
                for name, group in (('profile', c['profiles']), ('sso-session', c['sso_sessions']), ('services', c['services'])):
                    for n, v in group.items(): s[name + ' ' + n] = flat(v)
            else:
                s = {'profile ' + n: flat(v) for n, v in configloader.raw_config_parse(path).items()}
            out.append({'sections': s})
        except Exception as e:
            out.append({'error': type(e).__name__})
    print(json.dumps(out), flush=True)
`;

export class BotocoreReader {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];

  constructor() {
    this.child = spawn('python3', ['-c', BOTOCORE_READER], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.waiting.shift()?.(line));
  }

  read(files: [path: string, kind: FileKind][]): Promise<Reading[]> {
    return new Promise((resolve) => {
      this.waiting.push((line) => resolve(JSON.parse(line) as Reading[]));
      this.child.stdin.write(`${JSON.stringify(files)}\n`);
    });
  }

  close(): void {
    this.lines.close();
    this.child.stdin.end();
  }
}

const flat = (props: Record<string, string>): Record<string, string> => ({ ...props });

/** The JS SDK's reading: loadSharedConfigFiles for profiles, loadSsoSessionData for sessions. */
export async function jsReading(path: string, kind: FileKind): Promise<Reading> {
  const missing = `${path}.absent`;
  const files = await loadSharedConfigFiles(
    kind === 'config'
      ? { configFilepath: path, filepath: missing, ignoreCache: true }
      : { configFilepath: missing, filepath: path, ignoreCache: true },
  );
  const sections: Record<string, Record<string, string>> = {};
  if (kind === 'credentials') {
    for (const [n, v] of Object.entries(files.credentialsFile)) sections[`profile ${n}`] = flat(v as never);
    return { sections };
  }
  for (const [n, v] of Object.entries(files.configFile)) {
    const dot = n.indexOf('.');
    const prefix = n.slice(0, dot);
    if (prefix === 'sso-session') continue; // read below, as the SDK's SSO provider does
    sections[prefix === 'services' ? `services ${n.slice(dot + 1)}` : `profile ${n}`] = flat(v as never);
  }
  for (const [n, v] of Object.entries(await loadSsoSessionData({ configFilepath: path }))) {
    sections[`sso-session ${n}`] = flat(v as never);
  }
  return { sections };
}

/**
 * What changed between two readings by one reader, other than `section`'s keys taking the values in
 * `changes` (undefined: removed). Empty when the edit did exactly that.
 */
export function unexpectedChanges(
  before: Reading,
  after: Reading,
  section: string,
  changes: Record<string, string | undefined>,
): string[] {
  if ('error' in after) return 'error' in before ? [] : [`the file no longer parses (${after.error})`];
  if ('error' in before) return [];
  const problems: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    const got = after.sections[section]?.[key];
    if (got !== value)
      problems.push(`[${section}] ${key} reads ${JSON.stringify(got)}, not ${JSON.stringify(value)}`);
  }
  const names = new Set([...Object.keys(before.sections), ...Object.keys(after.sections)]);
  for (const name of names) {
    const was = { ...before.sections[name] };
    const now = { ...after.sections[name] };
    if (name === section) {
      for (const key of Object.keys(changes)) {
        delete was[key];
        delete now[key];
      }
      // A new section holds only the edited keys; an empty section that appears or goes is no change.
      if (!(name in before.sections) && Object.keys(now).length === 0) continue;
      if (!(name in after.sections) && Object.keys(was).length === 0) continue;
    }
    if (JSON.stringify(Object.entries(was).sort()) !== JSON.stringify(Object.entries(now).sort())) {
      problems.push(`[${name}] changed: ${JSON.stringify(was)} -> ${JSON.stringify(now)}`);
    } else if (name !== section && name in before.sections !== name in after.sections) {
      problems.push(`[${name}] ${name in before.sections ? 'disappeared' : 'appeared'}`);
    }
  }
  return problems;
}
