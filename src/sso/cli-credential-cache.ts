import * as fs from 'node:fs';
import * as path from 'node:path';
import { awsCliCacheDir } from '../config/paths.ts';
import type { Env } from '../util/env.ts';

// The AWS CLI's own cache of SSO role credentials (~/.aws/cli/cache). Signing out must end them too,
// or `aws … --profile P` keeps working until they expire. `aws sso logout` deletes every JSON file
// there whose "ProviderType" is "sso" (awscli/customizations/sso/logout.py, SSOCredentialSweeper).
// Its files do not say which sign-in they came from (the name is a hash of account, role and session
// or start URL, the body only the keys), so any logout deletes them all, as the CLI's does: the cost
// for another session is one GetRoleCredentials by the CLI, where keeping one would outlive a logout.

/** Deletes the AWS CLI's cached SSO role credentials; returns how many files. Unreadable files stay. */
export function deleteAwsCliSsoCredentials(env: Env): number {
  const dir = awsCliCacheDir(env);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  let deleted = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      const body = JSON.parse(fs.readFileSync(file, 'utf8')) as { ProviderType?: unknown } | null;
      if (body?.ProviderType !== 'sso') continue;
      fs.rmSync(file, { force: true });
      deleted++;
    } catch {
      // not JSON, a folder, or gone meanwhile: the CLI skips these too
    }
  }
  return deleted;
}
