import * as fs from 'node:fs';
import type { RolehopInvocation } from '../../config/credential-process-line.ts';
import { credentialProcessLine } from '../../config/credential-process-line.ts';
import { checkKeysWritable, removeKeys, writeKeys } from '../../config/credentials-block.ts';
import type { ConfigDocument } from '../../config/document.ts';
import { IAM_NAME_CHARACTERS } from '../../config/hop-rules.ts';
import { loadConfigView, readConfigFile } from '../../config/load.ts';
import { type BlockContent, profileNamesOutside, type SectionSpec } from '../../config/managed-blocks.ts';
import { mergeViews, own, parseConfigText, viewOfDocument } from '../../config/parse.ts';
import { configPaths } from '../../config/paths.ts';
import type { AssumeRoleHop } from '../../config/plan.ts';
import {
  commonEntries,
  type Entries,
  hopEntries,
  isPlainSsoProfile,
  type ProfileStyle,
  type SsoRole,
  ssoEntries,
} from '../../config/profile-layout.ts';
import { type FileChange, writeManagedBlocks } from '../../config/profile-writer.ts';
import type { Credentials } from '../../creds/index.ts';
import { applyHops, parseHopOptions, type Selection } from '../../creds/selection.ts';
import { accountInSession } from '../../creds/target.ts';
import { resolveAccountId } from '../../sso/account-list.ts';
import { onlyOf } from '../../util/ascii.ts';
import { ConfigError, UsageError } from '../../util/errors.ts';
import { assumesFromSsoSession, oldAwsCliFinding } from '../aws-cli-version.ts';
import { hopSelectionOf } from '../command-target.ts';
import type { Deps } from '../deps.ts';
import { diffPainters, reportChanges } from '../diff.ts';
import { checkProfileName, parseOutput, parseStyle, rolehopInvocation } from '../profile-options.ts';
import { fetchKeys } from '../recipe-keys.ts';
import { parseRegionChoice, type RegionChoice, regionToWrite } from '../region.ts';
import { warnIfOthersCanRead } from '../shared-file-warning.ts';
import { type CommandInput, type CommandRun, flagOf, textOf } from '../spec.ts';
import { ssoDepsFor } from '../sso-deps.ts';

// `rolehop configure NAME`: one named profile (Method 02) in rolehop's block `configure NAME`.

interface Request {
  name: string;
  style: ProfileStyle;
  region?: string;
  output?: string;
  /** Where the chain starts: an existing profile, or an SSO role. */
  from: { profile: string } | { role: SsoRole };
  hops: AssumeRoleHop[];
  /** Selector arguments for `rolehop credential-process` (process style). */
  processArgs: string[];
  dryRun: boolean;
}

/** What configure acts on, typed: the command line is read once, in parseConfigureInput. */
export interface ConfigureInput extends Omit<Request, 'from' | 'processArgs' | 'region'> {
  /** The chain's start as named: --profile-from, or --account and --role (with --sso-session). */
  account?: string;
  role?: string;
  profileFrom?: string;
  session?: string;
  /** The hop options as given, for the credential-process line (process style). */
  sel: Selection;
  regionChoice: RegionChoice;
  /** False under --no-color. */
  color: boolean;
}

export function parseConfigureInput(raw: CommandInput): ConfigureInput {
  if (raw.positionals.length !== 1) {
    throw new UsageError(
      raw.positionals.length === 0
        ? 'configure needs the NAME of the profile to write'
        : 'configure writes one profile at a time',
      { hint: 'rolehop configure NAME --account ACCOUNT --role ROLE' },
    );
  }
  const name = checkProfileName(raw.positionals[0]!);
  const style = parseStyle(textOf(raw, 'style'));
  const account = textOf(raw, 'account');
  const role = textOf(raw, 'role');
  const profileFrom = textOf(raw, 'profile-from');
  if (profileFrom !== undefined && (account !== undefined || role !== undefined)) {
    throw new UsageError('give either --profile-from or --account with --role, not both');
  }
  if (profileFrom === undefined && (account === undefined || role === undefined)) {
    throw new UsageError(`configure needs ${account === undefined ? '--account' : '--role'}`, {
      hint: 'rolehop configure NAME --account ACCOUNT --role ROLE (or --profile-from PROFILE --assume ARN)',
    });
  }
  if (role !== undefined && !onlyOf(role, IAM_NAME_CHARACTERS, 1, 64)) {
    throw new UsageError(`"${role}" is not a role (permission set) name`, {
      hint: "'rolehop ls' lists your roles",
    });
  }
  if (textOf(raw, 'mfa-code') !== undefined || textOf(raw, 'min-ttl') !== undefined) {
    throw new UsageError('--mfa-code and --min-ttl are for commands that fetch credentials, not configure', {
      hint: 'tools using the profile ask for the MFA code themselves',
    });
  }
  const sel = hopSelectionOf(raw);
  if (style !== 'process' && (sel.sourceIdentity !== undefined || sel.tags !== undefined)) {
    throw new UsageError(
      `--${sel.tags !== undefined ? 'tag' : 'source-identity'} has no key in AWS config files, so the ${style} style cannot keep it`,
      { hint: 'use --style process: rolehop then applies it on every refresh' },
    );
  }
  const hops = applyHops({ source: { kind: 'env' }, hops: [] }, parseHopOptions(sel)).hops;
  if (profileFrom !== undefined && hops.length === 0 && style === 'sso') {
    throw new UsageError('--profile-from without --assume would only copy that profile', {
      hint: 'add --assume ROLE_ARN, or use the profile itself',
    });
  }
  const output = parseOutput(textOf(raw, 'output'));
  const session = textOf(raw, 'sso-session');
  return {
    name,
    style,
    ...(output ? { output } : {}),
    hops,
    dryRun: flagOf(raw, 'dry-run'),
    ...(account !== undefined ? { account } : {}),
    ...(role !== undefined ? { role } : {}),
    ...(profileFrom !== undefined ? { profileFrom } : {}),
    ...(session !== undefined ? { session } : {}),
    sel,
    regionChoice: parseRegionChoice(raw),
    color: raw.globals.color,
  };
}

function processArgs(req: Pick<Request, 'from' | 'hops'>, sel: Selection): string[] {
  const args =
    'profile' in req.from
      ? [req.from.profile]
      : [
          '--sso-session',
          req.from.role.session,
          '--account',
          req.from.role.accountId,
          '--role',
          req.from.role.roleName,
        ];
  for (const hop of req.hops) args.push('--assume', hop.roleArn);
  if (sel.sessionName !== undefined) args.push('--session-name', sel.sessionName);
  const duration = req.hops.at(-1)?.durationSeconds;
  if (duration !== undefined) args.push('--duration', String(duration));
  if (sel.externalId !== undefined) args.push('--external-id', sel.externalId);
  if (sel.mfaSerial !== undefined) args.push('--mfa-serial', sel.mfaSerial);
  if (sel.sourceIdentity !== undefined) args.push('--source-identity', sel.sourceIdentity);
  for (const tag of Array.isArray(sel.tags) ? sel.tags : []) args.push('--tag', tag);
  return args;
}

export interface ConfigLayout {
  block: BlockContent;
  /** The profile whose plan gives the keys written in the credentials style. */
  recipe: string;
}

/**
 * The config block for a request, decided on the document as read under the lock: an existing
 * plain SSO profile for the same role is reused as the chain's source instead of a copy.
 */
export function layoutFor(req: Request, doc: ConfigDocument, invocation: RolehopInvocation): ConfigLayout {
  const blockId = `configure ${req.name}`;
  const taken = profileNamesOutside(doc, 'config', blockId);
  const sections: SectionSpec[] = [];
  const profile = (name: string, entries: Entries) => {
    if (taken.has(name)) {
      throw new ConfigError(
        `profile "${name}" already exists in the config file and rolehop does not manage it`,
        {
          hint: `choose another NAME for configure, or remove [profile ${name}] first`,
        },
      );
    }
    sections.push({ ref: { kind: 'profile', name }, entries });
  };
  const common = commonEntries(req);
  if (req.style === 'process') {
    profile(req.name, [
      ['credential_process', credentialProcessLine(req.processArgs, invocation)],
      ...common,
    ]);
    return { block: { id: blockId, sections }, recipe: req.name };
  }
  if (req.hops.length === 0 && 'role' in req.from) {
    if (req.style === 'sso') {
      profile(req.name, [...ssoEntries(req.from.role), ...common]);
      return { block: { id: blockId, sections }, recipe: req.name };
    }
  }
  // The chain's source: --profile-from, a reusable SSO profile outside our block, or a new one.
  let source: string;
  if ('profile' in req.from) {
    source = req.from.profile;
  } else {
    const role = req.from.role;
    const view = viewOfDocument(doc, 'config');
    const reusable = [...taken].filter((n) => isPlainSsoProfile(own(view.profiles, n) ?? {}, role)).sort();
    if (reusable.length > 0) {
      source = reusable[0]!;
    } else {
      source = `${req.name}-sso`;
      profile(source, [
        ...ssoEntries(role),
        ...(req.region ? [['region', req.region] as [string, string]] : []),
      ]);
    }
  }
  if (req.hops.length === 0) {
    // credentials style without hops: the keys come from the source; the profile holds the rest.
    profile(req.name, common);
    return { block: { id: blockId, sections }, recipe: source };
  }
  let previous = source;
  req.hops.forEach((hop, i) => {
    const last = i === req.hops.length - 1;
    const name = last ? req.name : `${req.name}-hop${i + 1}`;
    profile(name, [...hopEntries(hop, previous), ...(last ? common : [])]);
    previous = name;
  });
  return { block: { id: blockId, sections }, recipe: req.name };
}

export async function configure(parsed: ConfigureInput, deps: Deps): Promise<number> {
  const view = loadConfigView(deps.env);
  let from: Request['from'];
  let region: string | undefined;
  if (parsed.profileFrom !== undefined) {
    if (!Object.hasOwn(view.profiles, parsed.profileFrom)) {
      throw new UsageError(`no profile named "${parsed.profileFrom}" to start the chain from`, {
        hint: "'rolehop config list' shows your profiles",
      });
    }
    if (parsed.profileFrom === parsed.name) {
      throw new UsageError('--profile-from cannot name the profile being configured');
    }
    from = { profile: parsed.profileFrom };
    region = regionToWrite(parsed.regionChoice, deps, view, from);
  } else {
    const { session, accountId } = await accountInSession(
      view,
      { ssoSession: parsed.session, account: parsed.account!, role: parsed.role! },
      (session, name) => resolveAccountId(session, name, ssoDepsFor(deps, view)),
    );
    from = { role: { session: session.name!, accountId, roleName: parsed.role! } };
    region = regionToWrite(parsed.regionChoice, deps, view, { session });
  }
  const req: Request = { ...parsed, ...(region ? { region } : {}), from, processArgs: [] };
  req.processArgs = processArgs(req, parsed.sel);
  const paths = configPaths(deps.env);
  const invocation = rolehopInvocation(deps);
  if (req.style === 'credentials') checkKeysWritable(paths.credentialsFile, req.name);
  let recipe = req.name;
  const write = (dryRun: boolean) =>
    writeManagedBlocks(
      paths.configFile,
      'config',
      (doc) => {
        const layout = layoutFor(req, doc, invocation);
        recipe = layout.recipe;
        return [layout.block];
      },
      { dryRun },
    );
  let keys: Credentials | undefined;
  if (req.style === 'credentials' && !req.dryRun) {
    // Keys first, from the files as they will be: a failure (signed out, denied) changes nothing.
    const planned = await write(true);
    const credentials = readConfigFile(paths.credentialsFile, 'credentials');
    const view = mergeViews(
      parseConfigText(planned.after, 'config'),
      parseConfigText(credentials.text, 'credentials'),
    );
    keys = await fetchKeys({ profile: recipe }, {}, deps, view);
  }
  const changes: FileChange[] = [await write(req.dryRun)];
  if (req.style === 'credentials') {
    if (keys) {
      changes.push(
        await writeKeys(paths.credentialsFile, [{ name: req.name, recipe: { profile: recipe }, keys }]),
      );
      warnIfOthersCanRead(paths.credentialsFile, deps);
    } else deps.stderr.write(`would write short-term keys for [${req.name}] to ${paths.credentialsFile}\n`);
  } else if (fs.existsSync(paths.credentialsFile)) {
    // A profile moving away from the credentials style takes its keys along.
    changes.push(await removeKeys(paths.credentialsFile, req.name, { dryRun: req.dryRun }));
  }
  reportChanges(changes, deps, {
    dryRun: req.dryRun,
    what: `profile "${req.name}"`,
    paint: diffPainters({ globals: { color: parsed.color } }, deps),
  });
  if (req.style !== 'process' && req.hops.length > 0) await warnIfAwsCliTooOld(req.name, deps);
  return 0;
}

export const run: CommandRun = (raw, deps) => configure(parseConfigureInput(raw), deps);

/**
 * With --assume the sso and credentials styles write role_arn + source_profile (the SDKs take role_arn
 * before the credentials file's keys), which old AWS CLIs cannot read from an sso_session source.
 */
async function warnIfAwsCliTooOld(name: string, deps: Deps): Promise<void> {
  const view = loadConfigView(deps.env);
  if (!assumesFromSsoSession(view, name)) return;
  const finding = await oldAwsCliFinding(deps.env, [name]);
  if (finding)
    deps.stderr.write(`warning: ${finding.message}
  hint: ${finding.fix}
`);
}
