// `rolehop config get|set|unset|list`: lossless reads and edits of the AWS files, like
// `aws configure get/set`, but with sso-session and services sections and sub-properties.

import { type ConfigEditor, SECRET_KEYS, splitKey, updateConfigFile } from '../../config/editor.ts';
import { selectedProfile } from '../../config/env-profile.ts';
import { loadConfigFiles, readConfigFile } from '../../config/load.ts';
import { type Properties, type PropertyValue, sectionsOfKind } from '../../config/model.ts';
import { type FileKind, own, parseConfigText, type SectionRef } from '../../config/parse.ts';
import { configPaths } from '../../config/paths.ts';
import { UsageError } from '../../util/errors.ts';
import type { Deps } from '../deps.ts';
import { warnIfOthersCanRead } from '../shared-file-warning.ts';
import { type CommandInput, type CommandRun, flagOf, textOf } from '../spec.ts';

const usageHint = "run 'rolehop config --help'";

/** What config acts on, typed: the command line is read once, in parseConfigInput. set's value `-` is read from stdin. */
export type ConfigInput =
  | { action: 'list'; json: boolean }
  | (SectionInput & { action: 'get' | 'unset'; key: string })
  | (SectionInput & { action: 'set'; key: string; value: string });

/** The section get, set and unset work on, and the file it is read from or written to. */
interface SectionInput {
  /** A profile without a name: --profile, else AWS_PROFILE, AWS_DEFAULT_PROFILE, default. */
  section: { kind: 'sso-session' | 'services'; name: string } | { kind: 'profile'; name: string | undefined };
  /** --credentials: the credentials file, even for keys that are not secrets. */
  credentials: boolean;
}

/** Each action's positionals (itself included) and its usage. */
const ACTIONS = {
  get: { count: 2, shape: 'get KEY' },
  set: { count: 3, shape: 'set KEY VALUE' },
  unset: { count: 2, shape: 'unset KEY' },
  list: { count: 1, shape: 'list [--json]' },
} as const;

export function parseConfigInput(raw: CommandInput): ConfigInput {
  const action = raw.positionals[0];
  if (action === undefined) {
    throw new UsageError('missing action: get, set, unset or list', { hint: usageHint });
  }
  if (!Object.hasOwn(ACTIONS, action)) {
    throw new UsageError(`unknown action "${action}": expected get, set, unset or list`, {
      hint: usageHint,
    });
  }
  const { count, shape } = ACTIONS[action as keyof typeof ACTIONS];
  if (raw.positionals.length !== count) {
    throw new UsageError(`expected: rolehop config ${shape}`, { hint: usageHint });
  }
  if (action === 'list') return { action, json: flagOf(raw, 'json') };
  const key = raw.positionals[1]!;
  const value = raw.positionals[2]!;
  if (action === 'set' && value !== '-' && SECRET_KEYS.has(splitKey(key).parent)) {
    throw new UsageError(`refusing to take ${key} from the command line, where other users can see it (ps)`, {
      hint: `pass - as the value and pipe it in: rolehop config set ${key} - < file`,
    });
  }
  const section = sectionInputOf(raw);
  return action === 'set'
    ? { action, key, value, ...section }
    : { action: action as 'get' | 'unset', key, ...section };
}

function sectionInputOf(raw: CommandInput): SectionInput {
  const session = textOf(raw, 'sso-session');
  const services = textOf(raw, 'services');
  const credentials = flagOf(raw, 'credentials');
  const chosen = [raw.globals.profile, session, services].filter((v) => v !== undefined);
  if (chosen.length > 1) {
    throw new UsageError('give only one of --profile, --sso-session and --services', { hint: usageHint });
  }
  if (credentials && (session !== undefined || services !== undefined)) {
    throw new UsageError('--credentials applies to profiles only', { hint: usageHint });
  }
  if (session !== undefined) return { section: { kind: 'sso-session', name: session }, credentials };
  if (services !== undefined) return { section: { kind: 'services', name: services }, credentials };
  return { section: { kind: 'profile', name: raw.globals.profile }, credentials };
}

function sectionRef(input: SectionInput, deps: Deps): SectionRef {
  const { section } = input;
  return section.kind === 'profile'
    ? { kind: 'profile', name: selectedProfile(deps.env, section.name) }
    : section;
}

/** Secrets go to the credentials file, as `aws configure set` does. */
function fileKindFor(input: SectionInput, ref: SectionRef, key: string): FileKind {
  if (input.credentials) return 'credentials';
  return ref.kind === 'profile' && SECRET_KEYS.has(splitKey(key).parent) ? 'credentials' : 'config';
}

async function readStdin(stdin: Deps['stdin']): Promise<string> {
  let text = '';
  for await (const chunk of stdin)
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
  return text.replace(/\r?\n$/, '');
}

function render(value: PropertyValue): string {
  if (typeof value === 'string') return `${value}\n`;
  return Object.entries(value)
    .map(([k, v]) => `${k} = ${v}\n`)
    .join('');
}

function lookup(props: Properties | undefined, key: string): PropertyValue | undefined {
  const { parent, sub } = splitKey(key);
  const value = props ? own(props, parent) : undefined;
  if (sub === undefined || value === undefined) return value;
  return typeof value === 'object' ? own(value, sub) : undefined;
}

function get(input: SectionInput & { key: string }, deps: Deps): number {
  const { key } = input;
  const ref = sectionRef(input, deps);
  const loaded = loadConfigFiles(deps.env);
  let props: Properties | undefined;
  if (input.credentials) {
    props = own(parseConfigText(loaded.credentials.text, 'credentials').profiles, ref.name);
  } else {
    const v = loaded.view;
    const bucket = sectionsOfKind(v, ref.kind);
    props = own(bucket, ref.name);
  }
  const value = lookup(props, key);
  if (value === undefined) return 1;
  deps.stdout.write(render(value));
  return 0;
}

async function edit(
  input: SectionInput,
  deps: Deps,
  key: string,
  apply: (doc: ConfigEditor, ref: SectionRef) => void,
): Promise<number> {
  const ref = sectionRef(input, deps);
  const kind = fileKindFor(input, ref, key);
  const paths = configPaths(deps.env);
  const file = kind === 'config' ? paths.configFile : paths.credentialsFile;
  const result = await updateConfigFile(file, kind, (doc) => apply(doc, ref), { signal: deps.signal });
  deps.log.debug(result.changed ? `wrote ${file}` : `${file} already had that; not written`);
  if (kind === 'credentials') warnIfOthersCanRead(file, deps);
  if (kind === 'config' && ref.kind === 'profile') {
    // The credentials file wins for the same profile: say so rather than look like the edit failed.
    const credentials = parseConfigText(
      readConfigFile(paths.credentialsFile, 'credentials').text,
      'credentials',
    );
    const parent = splitKey(key).parent;
    if (own(own(credentials.profiles, ref.name) ?? {}, parent) !== undefined) {
      deps.log.warn(
        `${parent} is also set for [${ref.name}] in ${paths.credentialsFile}, which wins; use --credentials to change that one`,
      );
    }
  }
  return 0;
}

async function set(input: SectionInput & { key: string; value: string }, deps: Deps): Promise<number> {
  const { key } = input;
  const value = input.value === '-' ? await readStdin(deps.stdin) : input.value;
  return edit(input, deps, key, (doc, ref) => doc.set(ref, key, value));
}

async function unset(input: SectionInput & { key: string }, deps: Deps): Promise<number> {
  const { key } = input;
  return edit(input, deps, key, (doc, ref) => {
    doc.unset(ref, key);
  });
}

const MASKED = '********';

/** Secret values never reach the screen; an access key id keeps its last 4 characters, as the AWS CLI shows. */
function mask(key: string, value: PropertyValue): PropertyValue {
  if (!SECRET_KEYS.has(key) || typeof value !== 'string') return value;
  return key === 'aws_access_key_id' && value.length > 8 ? `${MASKED}${value.slice(-4)}` : MASKED;
}

function masked(bucket: Record<string, Properties>): Record<string, Properties> {
  return Object.fromEntries(
    Object.entries(bucket).map(([name, props]) => [
      name,
      Object.fromEntries(Object.entries(props).map(([k, v]) => [k, mask(k, v)])),
    ]),
  );
}

function list(input: { json: boolean }, deps: Deps): number {
  const { view } = loadConfigFiles(deps.env);
  const out = {
    profiles: masked(view.profiles),
    ssoSessions: masked(view.ssoSessions),
    services: masked(view.services),
  };
  for (const w of view.warnings) deps.log.warn(w);
  if (input.json) {
    deps.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  const section = (header: string, props: Properties) => {
    lines.push(header);
    for (const [k, v] of Object.entries(props)) {
      if (typeof v === 'string') lines.push(`  ${k} = ${v.replace(/\n/g, '\n    ')}`);
      else lines.push(`  ${k} =`, ...Object.entries(v).map(([sk, sv]) => `    ${sk} = ${sv}`));
    }
  };
  for (const [name, props] of Object.entries(out.profiles)) section(`profile ${name}`, props);
  for (const [name, props] of Object.entries(out.ssoSessions)) section(`sso-session ${name}`, props);
  for (const [name, props] of Object.entries(out.services)) section(`services ${name}`, props);
  if (lines.length === 0) lines.push('(no profiles, sso-sessions or services)');
  deps.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

export function config(input: ConfigInput, deps: Deps): number | Promise<number> {
  switch (input.action) {
    case 'get':
      return get(input, deps);
    case 'set':
      return set(input, deps);
    case 'unset':
      return unset(input, deps);
    case 'list':
      return list(input, deps);
  }
}

export const run: CommandRun = (raw, deps) => config(parseConfigInput(raw), deps);
