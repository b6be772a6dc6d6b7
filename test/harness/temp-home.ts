import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { rolehopCacheDir } from '../../src/config/paths.ts';

export interface TempHome {
  home: string;
  awsDir: string;
  configFile: string;
  credentialsFile: string;
  /** Environment for child processes: isolated HOME and files, no inherited AWS_* variables. */
  env: Record<string, string>;
}

/** A fresh HOME for one test, removed when the test ends. */
export function tempHome(t?: TestContext, extraEnv: Record<string, string> = {}): TempHome {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-home-'));
  const awsDir = path.join(home, '.aws');
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('AWS_') && !k.startsWith('ROLEHOP_') && k !== 'XDG_CACHE_HOME')
      env[k] = v;
  }
  Object.assign(env, {
    HOME: home,
    AWS_CONFIG_FILE: path.join(awsDir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(awsDir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    NO_COLOR: '1',
    ...extraEnv,
  });
  t?.after(() => fs.rmSync(home, { recursive: true, force: true }));
  return {
    home,
    awsDir,
    configFile: env.AWS_CONFIG_FILE!,
    credentialsFile: env.AWS_SHARED_CREDENTIALS_FILE!,
    env,
  };
}

export function writeFile(file: string, content: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, content, { mode });
}

/** Empties rolehop's credential cache, the compile cache beside it kept: the next call is cold. */
export function forgetCachedCredentials(env: Record<string, string>): void {
  const dir = rolehopCacheDir(env);
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
    if (name.startsWith('creds-')) fs.rmSync(path.join(dir, name));
  }
}
