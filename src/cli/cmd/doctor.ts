import { type Diagnosis, diagnoseUserFiles, type Finding } from '../../config/diagnose.ts';
import { loadConfigView } from '../../config/load.ts';
import { homeDir } from '../../config/paths.ts';
import { unreachableSsoProfiles } from '../../sso/access-check.ts';
import { assumesFromSsoSession, oldAwsCliFinding } from '../aws-cli-version.ts';
import { type Paint, painterFor } from '../color.ts';
import type { Deps } from '../deps.ts';
import { type CommandInput, type CommandRun, flagOf } from '../spec.ts';

// Exit 0 when clean, 1 when anything was found: scripts can gate on it.

function tilde(file: string, home: string): string {
  return file.startsWith(`${home}/`) ? `~/${file.slice(home.length + 1)}` : file;
}

function render(finding: Finding, home: string, paint: Paint): string {
  const where = finding.file ? `${tilde(finding.file, home)}${finding.line ? `:${finding.line}` : ''}: ` : '';
  const severity = paint(finding.severity === 'error' ? 'red' : 'yellow', `${finding.severity}:`);
  return `${severity} ${where}${finding.message}\n  ${paint('green', 'fix:')} ${finding.fix}\n`;
}

function sorted(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      (a.file ?? '\uffff').localeCompare(b.file ?? '\uffff') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

/** Profiles the AWS CLI on PATH may be too old for: asks `aws --version` only when there are some. */
async function awsCliFindings(deps: Deps): Promise<Finding[]> {
  let view: ReturnType<typeof loadConfigView>;
  try {
    view = loadConfigView(deps.env);
  } catch {
    return []; // an unreadable file is already a finding of its own
  }
  const profiles = Object.keys(view.profiles).filter((p) => assumesFromSsoSession(view, p));
  const finding = await oldAwsCliFinding(deps.env, profiles);
  return finding ? [finding] : [];
}

/** What doctor acts on, typed: the command line is read once, in parseDoctorInput. */
export interface DoctorInput {
  json: boolean;
  /** false under --no-color. */
  color: boolean;
}

export function parseDoctorInput(raw: CommandInput): DoctorInput {
  return { json: flagOf(raw, 'json'), color: raw.globals.color };
}

/** Every finding about the user's AWS files, each with its fix; exit 1 when there is any. */
export async function doctor(input: DoctorInput, deps: Deps): Promise<number> {
  const diagnosis: Diagnosis = diagnoseUserFiles(deps.env);
  const findings = sorted([
    ...diagnosis.findings,
    ...unreachableSsoProfiles(deps.env, deps.now()),
    ...(await awsCliFindings(deps)),
  ]);
  if (input.json) {
    deps.stdout.write(`${JSON.stringify(findings, null, 2)}\n`);
    return findings.length === 0 ? 0 : 1;
  }
  const home = homeDir(deps.env);
  if (findings.length === 0) {
    const read = diagnosis.files.filter((f) => f.exists).map((f) => tilde(f.path, home));
    deps.stdout.write(
      `no problems found${read.length > 0 ? ` in ${read.join(' and ')}` : ' (no AWS config files yet)'}\n`,
    );
    return 0;
  }
  const paint = painterFor(deps.stdout, deps.env, input);
  for (const finding of findings) deps.stdout.write(render(finding, home, paint));
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  deps.stdout.write(
    `\n${findings.length} problem${findings.length === 1 ? '' : 's'} found (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})\n`,
  );
  return 1;
}

export const run: CommandRun = (raw, deps) => doctor(parseDoctorInput(raw), deps);
