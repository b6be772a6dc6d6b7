import type { Finding } from '../config/diagnose.ts';
import type { ConfigView, Properties } from '../config/model.ts';
import { own } from '../config/parse.ts';
import type { Env } from '../util/env.ts';

// The AWS CLI v2 before 2.10.2 cannot resolve a `role_arn` + `source_profile` profile whose source
// signs in through an `sso_session` ("'NoneType' object has no attribute 'get_frozen_token'",
// aws-cli#7496; the fix is in the 2.10.2 changelog). That is the shape `configure --style sso --assume`
// writes, and Debian 12 ships 2.9.19. `doctor` and `configure` ask `aws --version` only when such a
// profile is in play, never on a credential command; nothing is cached because both are rare,
// interactive commands and the answer changes whenever the CLI is upgraded.

export const AWS_CLI_FIXED_VERSION = '2.10.2';
const ISSUE = 'https://github.com/aws/aws-cli/issues/7496';

/** The profile has role_arn and its source_profile chain reaches a profile that uses sso_session. */
export function assumesFromSsoSession(view: ConfigView, profile: string): boolean {
  const seen = new Set<string>();
  let current = own(view.profiles, profile);
  if (!current?.role_arn) return false;
  while (current && typeof current.source_profile === 'string' && !seen.has(current.source_profile)) {
    seen.add(current.source_profile);
    const source: Properties | undefined = own(view.profiles, current.source_profile);
    if (!source) return false;
    if (source.sso_session && !source.role_arn) return true;
    current = source;
  }
  return false;
}

/** Whether a v2 version string ("2.9.19") is older than the fix; v1 and unreadable answers are not. */
export function predatesFix(version: string): boolean {
  const m = /^2\.(\d+)\.(\d+)$/.exec(version);
  if (!m) return false;
  const [minor, patch] = [Number(m[1]), Number(m[2])];
  return minor < 10 || (minor === 10 && patch < 2);
}

/** `aws --version` of the `aws` on PATH ("2.9.19"), or undefined when there is none or it says nothing. */
export async function awsCliVersionOnPath(env: Env): Promise<string | undefined> {
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--version'],
      { env: env as NodeJS.ProcessEnv, timeout: 20_000 },
      (error, stdout, stderr) => {
        // v1 printed its version on stderr; a missing `aws` is just "no CLI to warn about".
        const m = /\baws-cli\/(\d+\.\d+\.\d+)/.exec(`${stdout}${stderr}`);
        resolve(error && !m ? undefined : m?.[1]);
      },
    );
  });
}

/** A doctor finding when the `aws` on PATH is too old for these profiles; undefined otherwise. */
export async function oldAwsCliFinding(env: Env, profiles: string[]): Promise<Finding | undefined> {
  if (profiles.length === 0) return undefined;
  const version = await awsCliVersionOnPath(env);
  if (!version || !predatesFix(version)) return undefined;
  const names = profiles.map((p) => `"${p}"`).join(', ');
  return {
    severity: 'warning',
    code: 'aws-cli-sso-session-source',
    ...(profiles.length === 1 ? { profile: profiles[0]! } : {}),
    message:
      `the AWS CLI on PATH (${version}) cannot use profile${profiles.length === 1 ? '' : 's'} ${names}: ` +
      `before ${AWS_CLI_FIXED_VERSION} it fails on role_arn + source_profile from an sso_session profile (${ISSUE})`,
    fix: `upgrade the AWS CLI to ${AWS_CLI_FIXED_VERSION} or later, or rewrite the profile with rolehop configure NAME … --style process`,
  };
}
