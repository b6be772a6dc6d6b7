import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { type CliResult, runProcess } from './cli.ts';
import { requires } from './requires.ts';

// The real AWS CLI v2 (Debian's awscli, /usr/bin/aws; the pyenv awscli v1 comes first on PATH, so the
// path is explicit). 2.9 predates AWS_ENDPOINT_URL_*, but its bundled botocore's loader searches
// AWS_DATA_PATH before its own data, file by file: a folder with only an endpoint-rule-set-1.json per
// service and API version replaces the endpoint rules and keeps the bundled service-2.json. The API
// version folder must be the one the bundled service-2.json declares (the rules are loaded for it).

export const AWS_CLI_V2 = '/usr/bin/aws';

/** "2.9.19", or undefined when /usr/bin/aws is missing or is not the v2 CLI. */
export const awsCliV2Version: string | undefined = (() => {
  const r = spawnSync(AWS_CLI_V2, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return /^aws-cli\/(2\.\d+\.\d+)/.exec(`${r.stdout ?? ''}${r.stderr ?? ''}`)?.[1];
})();

/** Skips the test (and says how to get the CLI) when the AWS CLI v2 is not installed. */
export function needsAwsCliV2(t: TestContext): boolean {
  return requires(t, 'awscliV2');
}

const API_VERSIONS = { sso: '2019-06-10', 'sso-oidc': '2019-06-10', sts: '2011-06-15' } as const;

/** A rule set with the standard four parameters whose only rule returns `url`. */
function ruleSetTo(url: string): unknown {
  const param = (builtIn: string, type: 'String' | 'Boolean', extra: Record<string, unknown> = {}) => ({
    builtIn,
    type,
    required: false,
    documentation: builtIn,
    ...extra,
  });
  return {
    version: '1.0',
    parameters: {
      Region: param('AWS::Region', 'String'),
      UseDualStack: param('AWS::UseDualStack', 'Boolean', { required: true, default: false }),
      UseFIPS: param('AWS::UseFIPS', 'Boolean', { required: true, default: false }),
      Endpoint: param('SDK::Endpoint', 'String'),
    },
    rules: [{ conditions: [], type: 'endpoint', endpoint: { url, properties: {}, headers: {} } }],
  };
}

/** Writes the AWS_DATA_PATH folder under `home` that sends SSO, OIDC and STS to local servers. */
export function awsDataPath(home: string, urls: { sso: string; sts: string }): string {
  const root = path.join(home, 'aws-data');
  const targets = { sso: urls.sso, 'sso-oidc': urls.sso, sts: urls.sts };
  for (const [service, version] of Object.entries(API_VERSIONS)) {
    const dir = path.join(root, service, version);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'endpoint-rule-set-1.json'),
      JSON.stringify(ruleSetTo(targets[service as keyof typeof targets])),
    );
  }
  return root;
}

export interface AwsCliRun {
  /** The environment `aws` runs with (the caller's plus AWS_DATA_PATH). */
  env: Record<string, string>;
  run(args: string[], options?: { input?: string; timeoutMs?: number }): Promise<CliResult>;
}

/**
 * `aws` against local servers: `env` is a temp HOME's (HOME, AWS_CONFIG_FILE…); SSO and OIDC go to
 * `urls.sso` (the sandbox), STS to `urls.sts` (moto or the sandbox). No pager, no colour, JSON out.
 */
export function awsCli(env: Record<string, string>, urls: { sso: string; sts: string }): AwsCliRun {
  const full = {
    ...env,
    AWS_DATA_PATH: awsDataPath(env.HOME!, urls),
    AWS_PAGER: '',
    AWS_DEFAULT_OUTPUT: 'json',
  };
  return {
    env: full,
    run: (args, options = {}) =>
      runProcess(AWS_CLI_V2, [...args, '--no-cli-pager', '--color', 'off'], {
        env: full,
        timeoutMs: options.timeoutMs ?? 120_000,
        ...(options.input !== undefined ? { input: options.input } : {}),
      }),
  };
}
