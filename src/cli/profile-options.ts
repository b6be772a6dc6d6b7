import * as fs from 'node:fs';
import type { RolehopInvocation } from '../config/credential-process-line.ts';
import { isValidIdentifier } from '../config/parse.ts';
import { type ProfileStyle, STYLES } from '../config/profile-layout.ts';
import { UsageError } from '../util/errors.ts';
import type { Deps } from './deps.ts';

// The options of the commands that write profiles (configure, populate, setup), checked one way.

/** A name every SDK reads as a profile, and not `default` (rolehop never takes that one over). */
export function checkProfileName(name: string): string {
  if (isValidIdentifier(name) && name !== 'default') return name;
  throw new UsageError(`"${name}" cannot be a profile name rolehop writes`, {
    hint: 'use letters, digits and - _ . @ +, e.g. prod-deploy (not "default")',
  });
}

export function parseStyle(value: string | undefined): ProfileStyle {
  if (value === undefined) return 'sso';
  if ((STYLES as readonly string[]).includes(value)) return value as ProfileStyle;
  throw new UsageError(`unknown --style "${value}"`, {
    hint: 'use sso (the AWS CLI refreshes it), process (rolehop credential-process) or credentials (keys in ~/.aws/credentials, kept fresh by rolehop sync)',
  });
}

const OUTPUTS = ['json', 'text', 'table', 'yaml', 'yaml-stream'];

export function parseOutput(value: string | undefined): string | undefined {
  if (value === undefined || OUTPUTS.includes(value)) return value;
  throw new UsageError(`unknown --output "${value}"`, { hint: `use one of ${OUTPUTS.join(', ')}` });
}

/** How a credential_process line starts rolehop: this node and bin script when not on PATH. */
export function rolehopInvocation(deps: Pick<Deps, 'env'>): RolehopInvocation {
  let script = process.argv[1] ?? '';
  try {
    script = fs.realpathSync(script);
  } catch {
    // keep as given
  }
  return { env: deps.env, execPath: process.execPath, script };
}
