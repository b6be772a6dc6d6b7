// `rolehop config get|set|unset|list`: lossless reads and edits of the AWS files, like
// `aws configure get/set`, but with sso-session and services sections and sub-properties.

import { type ConfigEditor, SECRET_KEYS, splitKey, updateConfigFile } from '../../config/editor.ts';
import { loadConfigFiles, readConfigFile } from '../../config/load.ts';
import { type Properties, type PropertyValue, sectionsOfKind } from '../../config/model.ts';
import { type FileKind, own, parseConfigText, type SectionRef } from '../../config/parse.ts';
import { configPaths, selectedProfile } from '../../config/paths.ts';
import { UsageError } from '../../util/errors.ts';
import type { Deps } from '../deps.ts';
import { warnIfOthersCanRead } from '../shared-file-warning.ts';
import type { CommandInput, CommandRun } from '../spec.ts';

const usageHint = "run 'rolehop config --help'";

function targetOf(input: CommandInput, deps: Deps): SectionRef {
  const session = input.values['sso-session'] as string | undefined;
  const services = input.values.services as string | undefined;
  const chosen = [input.globals.profile, session, services].filter((v) => v !== undefined);
  if (chosen.length > 1) {
    throw new UsageError('give only one of --profile, --sso-session and --services', { hint: usageHint });
  }
  if (input.values.credentials === true && (session !== undefined || services !== undefined)) {
    throw new UsageError('--credentials applies to profiles only', { hint: usageHint });
  }
  if (session !== undefined) return { kind: 'sso-session', name: session };
  if (services !== undefined) return { kind: 'services', name: services };
  return { kind: 'profile', name: selectedProfile(deps.env, input.globals.profile) };
}

/** Secrets go to the credentials file, as `aws configure set` does. */
function fileKindFor(input: CommandInput, ref: SectionRef, key: string): FileKind {
  if (input.values.credentials === true) return 'credentials';
  return ref.kind === 'profile' && SECRET_KEYS.has(splitKey(key).parent) ? 'credentials' : 'config';
}

function expectArgs(input: CommandInput, count: number, shape: string): void {
  if (input.positionals.length !== count) {
    throw new UsageError(`expected: rolehop config ${shape}`, { hint: usageHint });
  }
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

function get(input: CommandInput, deps: Deps): number {
  expectArgs(input, 2, 'get KEY');
  const key = input.positionals[1]!;
  const ref = targetOf(input, deps);
  const loaded = loadConfigFiles(deps.env);
  let props: Properties | undefined;
  if (input.values.credentials === true) {
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
  input: CommandInput,
  deps: Deps,
  key: string,
  apply: (doc: ConfigEditor, ref: SectionRef) => void,
): Promise<number> {
  const ref = targetOf(input, deps);
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

async function set(input: CommandInput, deps: Deps): Promise<number> {
  expectArgs(input, 3, 'set KEY VALUE');
  const key = input.positionals[1]!;
  let value = input.positionals[2]!;
  const secret = SECRET_KEYS.has(splitKey(key).parent);
  if (value === '-') {
    value = await readStdin(deps.stdin);
  } else if (secret) {
    throw new UsageError(`refusing to take ${key} from the command line, where other users can see it (ps)`, {
      hint: `pass - as the value and pipe it in: rolehop config set ${key} - < file`,
    });
  }
  return edit(input, deps, key, (doc, ref) => doc.set(ref, key, value));
}

async function unset(input: CommandInput, deps: Deps): Promise<number> {
  expectArgs(input, 2, 'unset KEY');
  const key = input.positionals[1]!;
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

function list(input: CommandInput, deps: Deps): number {
  expectArgs(input, 1, 'list [--json]');
  const { view } = loadConfigFiles(deps.env);
  const out = {
    profiles: masked(view.profiles),
    ssoSessions: masked(view.ssoSessions),
    services: masked(view.services),
  };
  for (const w of view.warnings) deps.log.warn(w);
  if (input.values.json === true) {
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

export const run: CommandRun = async (input, deps) => {
  const action = input.positionals[0];
  switch (action) {
    case 'get':
      return get(input, deps);
    case 'set':
      return set(input, deps);
    case 'unset':
      return unset(input, deps);
    case 'list':
      return list(input, deps);
    case undefined:
      throw new UsageError('missing action: get, set, unset or list', { hint: usageHint });
    default:
      throw new UsageError(`unknown action "${action}": expected get, set, unset or list`, {
        hint: usageHint,
      });
  }
};
