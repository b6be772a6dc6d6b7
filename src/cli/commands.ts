import type { CommandSpec, OptionSpec } from './spec.ts';

// The command table: metadata only, so `--help` and argument checks load no implementation.

const json: Record<string, OptionSpec> = { json: { type: 'boolean', description: 'print JSON' } };
const maxAgeOption: OptionSpec = {
  type: 'string',
  arg: 'DURATION',
  description: "trust an account's listed roles this long (default 1d)",
};

/** configure and populate: write profiles without a region line (cli/region.ts regionToWrite). */
const noRegionOption: OptionSpec = {
  type: 'boolean',
  description:
    "write no region (default: --region, the profile's, AWS_REGION, AWS_DEFAULT_REGION, [default] region, then the sso_region)",
};

/** Selectors usable wherever a profile is (design.md). */
export const selectorOptions: Record<string, OptionSpec> = {
  'sso-session': { type: 'string', arg: 'NAME', description: 'sso-session to use' },
  account: { type: 'string', arg: 'ID|NAME', description: 'account id or name' },
  role: { type: 'string', arg: 'NAME', description: 'permission set (role) name' },
  assume: {
    type: 'string',
    multiple: true,
    arg: 'ROLE_ARN',
    description: 'assume this role next (repeat for a chain)',
  },
  'external-id': { type: 'string', arg: 'ID', description: 'external id for the last --assume' },
  'mfa-serial': { type: 'string', arg: 'ARN', description: 'MFA device for the last --assume' },
  'mfa-code': { type: 'string', arg: 'CODE', description: 'MFA code (else prompted on the terminal)' },
  'session-name': { type: 'string', arg: 'NAME', description: 'role session name' },
  duration: { type: 'string', arg: '1h|3600', description: 'role session duration' },
  'source-identity': { type: 'string', arg: 'ID', description: 'source identity for the last --assume' },
  tag: { type: 'string', multiple: true, arg: 'KEY=VALUE', description: 'session tag (repeatable)' },
  'min-ttl': {
    type: 'string',
    arg: '10m',
    description: 'refresh cached credentials with less than this left',
  },
};

const agentOption: OptionSpec = {
  type: 'boolean',
  description: 'point SDKs at the rolehop agent (renews credentials) instead of exporting keys',
};

export const commands: CommandSpec[] = [
  {
    name: 'setup',
    summary: 'first run, guided: sign in, pick an account and role, write a profile',
    usage:
      'rolehop setup [NAME] [--start-url URL --sso-region R] [--sso-session S] [--account A --role R] [--style sso|process|credentials]',
    description:
      "Asks for what it is not given: the access portal URL and Identity Center region, then signs in (as 'rolehop login' does), lets you pick an account and role, asks for a profile name and style, writes the profile (as 'rolehop configure' does) and prints a command to try. Needs a terminal; scripts use 'rolehop login' and 'rolehop configure' with flags.",
    positionals: 'NAME',
    options: {
      'start-url': { type: 'string', arg: 'URL', description: 'the access portal URL (https)' },
      'sso-region': { type: 'string', arg: 'REGION', description: 'the Identity Center region' },
      'sso-session': { type: 'string', arg: 'NAME', description: 'sso-session to use or create' },
      account: selectorOptions.account!,
      role: selectorOptions.role!,
      style: { type: 'string', arg: 'STYLE', description: 'sso (default), process or credentials' },
      'device-code': { type: 'boolean', description: 'sign in with the device-code flow' },
      'no-browser': { type: 'boolean', description: 'print the sign-in URL instead of opening a browser' },
    },
    examples: [
      'rolehop setup',
      'rolehop setup --start-url https://my-org.awsapps.com/start --sso-region eu-west-1',
    ],
    load: () => import('./cmd/setup.ts'),
  },
  {
    name: 'login',
    summary: 'sign in to IAM Identity Center (browser PKCE or device code)',
    usage:
      'rolehop login [--sso-session S | --start-url URL --sso-region R [--sso-session NAME]] [--device-code] [--no-browser]',
    options: {
      'sso-session': { type: 'string', arg: 'NAME', description: 'sso-session to sign in to' },
      'start-url': {
        type: 'string',
        arg: 'URL',
        description: 'first sign-in: the access portal URL (https)',
      },
      'sso-region': {
        type: 'string',
        arg: 'REGION',
        description: 'first sign-in: the Identity Center region',
      },
      'device-code': {
        type: 'boolean',
        description: 'use the device-code flow instead of a browser redirect',
      },
      'no-browser': { type: 'boolean', description: 'print the URL instead of opening a browser' },
    },
    examples: [
      'rolehop login --start-url https://my-org.awsapps.com/start --sso-region eu-west-1 --sso-session my-org',
      'rolehop login --sso-session my-org --device-code',
    ],
    load: () => import('./cmd/login.ts'),
  },
  {
    name: 'logout',
    summary: 'sign out and delete the token and cached credentials',
    usage: 'rolehop logout [--sso-session S | --all]',
    options: {
      'sso-session': { type: 'string', arg: 'NAME', description: 'sso-session to sign out of' },
      all: { type: 'boolean', description: 'sign out of every sso-session' },
    },
    examples: ['rolehop logout --sso-session my-org', 'rolehop logout --all'],
    load: () => import('./cmd/logout.ts'),
  },
  {
    name: 'status',
    summary: 'sessions, token expiry and cached credentials (never secrets)',
    usage: 'rolehop status [--json]',
    options: { ...json },
    examples: ['rolehop status', 'rolehop status --json | jq .sessions'],
    load: () => import('./cmd/status.ts'),
  },
  {
    name: 'ls',
    summary: 'list accounts and their roles',
    usage: 'rolehop ls [FILTER] [--sso-session S] [--json] [--refresh] [--max-age 1d]',
    positionals: 'FILTER',
    options: {
      'sso-session': { type: 'string', arg: 'NAME', description: 'sso-session to list' },
      refresh: { type: 'boolean', description: "list every account's roles again" },
      'max-age': maxAgeOption,
      ...json,
    },
    examples: ['rolehop ls', 'rolehop ls prod --json'],
    load: () => import('./cmd/ls.ts'),
  },
  {
    name: 'env',
    summary: 'print credential exports for eval (Method 01)',
    usage:
      'rolehop env [PROFILE] [selectors] [--agent] [--format bash|zsh|sh|fish|pwsh|cmd|dotenv|json] [--unset]',
    description:
      "--agent exports the agent's loopback endpoint and a token for this target instead of keys: every SDK and both AWS CLIs fetch and renew credentials from it, so a long-lived shell never holds an expiring key (the agent starts on first use; see 'rolehop agent'). Shell formats also set ROLEHOP_TARGET, which 'rolehop hook' and 'rolehop prompt' read.",
    positionals: 'PROFILE',
    options: {
      ...selectorOptions,
      agent: agentOption,
      again: {
        type: 'boolean',
        description: 'export again what $ROLEHOP_TARGET names (what the prompt hook runs)',
      },
      format: {
        type: 'string',
        arg: 'FORMAT',
        description: 'bash, zsh, sh, fish, pwsh, cmd, dotenv or json (default from $SHELL)',
      },
      unset: { type: 'boolean', description: 'print the lines that clear the variables' },
    },
    examples: [
      'eval "$(rolehop env prod-deploy)"',
      'rolehop env --account prod --role Admin --format fish | source',
    ],
    load: () => import('./cmd/env.ts'),
  },
  {
    name: 'exec',
    summary: 'run a command with credentials in its environment',
    usage:
      'rolehop exec [PROFILE] [selectors] [--agent] [--force] -- CMD [ARGS…]\n       rolehop exec --each PATTERN [--account GLOB --role GLOB] [--parallel N] [--output-dir DIR] [--json] -- CMD [ARGS…]',
    description:
      "rolehop becomes CMD (execve, as aws-vault does on Unix): CMD's exit status and signals are its own, and no rolehop process stays beside it. On Windows, on Node before 22.15, or for a script without #!, CMD runs as a child and rolehop exits with its code (128+n if signal n ended it). --each runs CMD once per profile whose name matches PATTERN (* and ?), or with --account/--role once per account × role from the account inventory whose account name or id and role match (PATTERN then matches 'account/role'), each with its own credentials, at most --parallel at a time (default: the core count). Output lines start with the target's name, or go to DIR/<target>.log (0600). A table of target, exit code and duration ends the run on stderr (--json: on stdout); the exit code is 0 only if every command succeeded. A target whose credentials are refused is reported and skipped; Ctrl-C stops every command.",
    positionals: 'PROFILE',
    passThrough: true,
    options: {
      ...selectorOptions,
      agent: agentOption,
      force: { type: 'boolean', description: 'allow running inside another rolehop exec' },
      each: {
        type: 'string',
        arg: 'PATTERN',
        description: 'run CMD for every matching profile (or account/role)',
      },
      parallel: {
        type: 'string',
        arg: 'N',
        description: 'with --each: at most N at a time (default: the core count)',
      },
      'output-dir': { type: 'string', arg: 'DIR', description: 'with --each: one output file per target' },
      ...json,
    },
    examples: [
      'rolehop exec prod-deploy -- aws s3 ls',
      'rolehop exec --account 111122223333 --role ReadOnly -- terraform plan',
      "rolehop exec --each 'prod-*' --parallel 4 -- aws sts get-caller-identity",
      "rolehop exec --each '*' --account 'prod-*' --role ReadOnly --output-dir out -- aws s3 ls",
    ],
    load: () => import('./cmd/exec.ts'),
  },
  {
    name: 'credential-process',
    summary: 'print credential_process JSON (Version 1)',
    usage: 'rolehop credential-process [PROFILE] [selectors]',
    positionals: 'PROFILE',
    options: { ...selectorOptions },
    examples: [
      'credential_process = rolehop credential-process --sso-session my-org --account prod --role Admin',
    ],
    load: () => import('./cmd/credential-process.ts'),
  },
  {
    name: 'whoami',
    summary: 'show the identity the credentials belong to (STS GetCallerIdentity)',
    usage: 'rolehop whoami [PROFILE] [selectors] [--json]',
    positionals: 'PROFILE',
    options: { ...selectorOptions, ...json },
    examples: ['rolehop whoami prod-deploy', 'rolehop whoami --account prod --role Admin --json'],
    load: () => import('./cmd/whoami.ts'),
  },
  {
    name: 'explain',
    summary: 'show the plan a profile resolves to, hop by hop',
    usage: 'rolehop explain PROFILE [--json]',
    positionals: 'PROFILE',
    options: { ...json },
    examples: ['rolehop explain prod-deploy', 'rolehop explain prod-deploy --json'],
    load: () => import('./cmd/explain.ts'),
  },
  {
    name: 'doctor',
    summary: 'find problems in your AWS config files and say how to fix each',
    usage: 'rolehop doctor [--json]',
    options: { ...json },
    examples: ['rolehop doctor'],
    load: () => import('./cmd/doctor.ts'),
  },
  {
    name: 'config',
    summary: 'get, set, unset or list config values losslessly',
    usage:
      'rolehop config get|set|unset [--profile P | --sso-session S | --services S] KEY [VALUE]\n       rolehop config list [--json]',
    positionals: 'ACTION KEY [VALUE]',
    description:
      'Edits change only the lines they must; comments, order, spacing and CRLF stay. Secret keys\n' +
      '(aws_secret_access_key, aws_session_token, aws_access_key_id) go to the credentials file and are\n' +
      "read from stdin (VALUE '-'), never from the command line. 'get' of a missing key exits 1.",
    options: {
      'sso-session': { type: 'string', arg: 'NAME', description: 'edit this [sso-session] section' },
      services: { type: 'string', arg: 'NAME', description: 'edit this [services] section' },
      credentials: { type: 'boolean', description: 'edit the credentials file instead of the config file' },
      ...json,
    },
    examples: [
      'rolehop config set --profile dev region eu-west-1',
      'rolehop config set --profile dev s3.addressing_style path',
      'rolehop config get --sso-session my-org sso_start_url',
      'rolehop config set --profile ci aws_secret_access_key - < secret.txt',
      'rolehop config list --json',
    ],
    load: () => import('./cmd/config.ts'),
  },
  {
    name: 'configure',
    summary: 'write one named profile (Method 02) that refreshes itself',
    usage:
      'rolehop configure NAME (--account A --role R | --profile-from P) [--assume ARN]… [--region R | --no-region] [--output FMT] [--style sso|process|credentials]',
    description:
      'sso (default): the AWS CLI keys (sso_session, sso_account_id, sso_role_name; role_arn + source_profile per --assume), refreshed by the AWS CLI and every SDK. process: credential_process = rolehop credential-process …. credentials: short-term keys in ~/.aws/credentials for tools that read only that file; rolehop sync refreshes them. Shows the diff; re-running with the same arguments writes nothing.',
    positionals: 'NAME',
    options: {
      ...selectorOptions,
      'profile-from': {
        type: 'string',
        arg: 'PROFILE',
        description: 'start the chain from this existing profile',
      },
      output: {
        type: 'string',
        arg: 'FORMAT',
        description: 'output format for the AWS CLI (json, text, table)',
      },
      style: { type: 'string', arg: 'STYLE', description: 'sso (default), process or credentials' },
      'no-region': noRegionOption,
      'dry-run': { type: 'boolean', description: 'show the change without writing' },
    },
    examples: [
      'rolehop configure prod-deploy --account prod --role Admin --assume arn:aws:iam::111122223333:role/Deploy',
      'rolehop configure legacy --account dev --role ReadOnly --style credentials',
    ],
    load: () => import('./cmd/configure.ts'),
  },
  {
    name: 'populate',
    summary: 'write a profile for every account and role you can reach',
    usage:
      "rolehop populate [--sso-session S] [--template '{account_name}.{role_name}'] [--region R | --no-region] [--style …] [--prune] [--refresh] [--max-age 1d] [--dry-run]",
    description:
      'Template fields: {account_name}, {account_id}, {role_name}, {sso_session}, {account_email}; names are cleaned to letters, digits and -_.@+, and a clash gets -ACCOUNT_ID appended. The profiles live between "# rolehop:begin populate SESSION" and "# rolehop:end populate SESSION"; nothing outside those lines is touched. Accounts are listed on every run; roles come from the inventory when younger than --max-age (default 1d), so a re-run of an unchanged organisation costs a few calls. --prune and --refresh list every role again. A failed listing resumes where it stopped.',
    options: {
      'sso-session': { type: 'string', arg: 'NAME', description: 'sso-session to enumerate' },
      template: { type: 'string', arg: 'TEMPLATE', description: 'profile name template' },
      style: { type: 'string', arg: 'STYLE', description: 'sso (default), process or credentials' },
      prune: {
        type: 'boolean',
        description: 'remove managed profiles that no longer exist (lists every role again)',
      },
      refresh: { type: 'boolean', description: "list every account's roles again" },
      'max-age': maxAgeOption,
      'no-region': noRegionOption,
      'dry-run': { type: 'boolean', description: 'print the diff without writing' },
    },
    examples: [
      'rolehop populate --sso-session my-org',
      "rolehop populate --template '{account_name}-{role_name}' --prune --dry-run",
    ],
    load: () => import('./cmd/populate.ts'),
  },
  {
    name: 'sync',
    summary: 'refresh short-term keys in ~/.aws/credentials for credentials-style profiles',
    usage: 'rolehop sync [PROFILE…] [--all]',
    positionals: 'PROFILE…',
    options: {
      all: { type: 'boolean', description: 'every profile rolehop manages' },
      'min-ttl': selectorOptions['min-ttl']!,
      'mfa-code': selectorOptions['mfa-code']!,
    },
    examples: ['rolehop sync legacy', 'rolehop sync --all'],
    load: () => import('./cmd/sync.ts'),
  },
  {
    name: 'serve',
    summary: 'serve credentials to long-running processes (ECS container endpoint)',
    usage: 'rolehop serve [PROFILE] [selectors] [--port N] [-- CMD…]',
    positionals: 'PROFILE',
    passThrough: true,
    options: {
      ...selectorOptions,
      port: { type: 'string', arg: 'N', description: 'port on 127.0.0.1 (default: any free port)' },
    },
    description:
      'With -- CMD, runs CMD with AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN set (static AWS_* variables removed), stops when it exits and passes its exit code on. Without CMD, prints the two variables to export and serves until Ctrl-C. The token serves only this target, at the one URL printed (any other path is 404). Credentials are renewed through the cache once less than 16 minutes remain (--min-ttl changes that), before any SDK would refresh them; the listener is 127.0.0.1 only and needs the token.',
    examples: [
      'rolehop serve prod-deploy -- node server.js',
      'rolehop serve --account 111122223333 --role ReadOnlyAccess -- python3 worker.py',
      'rolehop serve prod-deploy --port 9911',
    ],
    load: () => import('./cmd/serve.ts'),
  },
  {
    name: 'agent',
    summary: 'the per-user credential agent behind env --agent: run, start, status, stop',
    usage: 'rolehop agent [start|status|stop] [--idle 8h] [--json]',
    positionals: 'ACTION',
    description:
      "Without an action, runs the agent in the foreground with its log on stderr. 'start' starts it in the background (env --agent does that by itself); 'status' lists its targets, their expiry and last fetch; 'stop' ends it. The agent listens on 127.0.0.1 only, gives each target its own token, answers from the same cache and locks as every other command, renews credentials before they expire, and exits after --idle without requests (0: never). Its state (port, pid, control secret, targets with token hashes) is in a 0600 file under the rolehop cache; a restarted agent takes the same port, so shells keep working.",
    options: {
      idle: { type: 'string', arg: '8h', description: 'exit after this long without requests (0: never)' },
      ...json,
    },
    examples: ['rolehop agent status', 'rolehop agent stop', 'rolehop agent --idle 0 --debug'],
    load: () => import('./cmd/agent.ts'),
  },
  {
    name: 'hook',
    summary: 'print a prompt hook that re-exports credentials before they expire',
    usage: 'rolehop hook bash|zsh|fish [--margin 10m]',
    positionals: 'SHELL',
    description:
      'For tools that read only static keys. After eval "$(rolehop env PROFILE)", each prompt compares AWS_CREDENTIAL_EXPIRATION with the clock inside the shell (no process is started while the credentials are fresh) and, within --margin of expiry, runs rolehop env for the same target again.',
    options: {
      margin: { type: 'string', arg: '10m', description: 're-export when less than this is left' },
    },
    examples: ['eval "$(rolehop hook bash)"   # in ~/.bashrc', 'rolehop hook fish | source'],
    load: () => import('./cmd/hook.ts'),
  },
  {
    name: 'prompt',
    summary: 'print a short prompt segment: the exported target and the time left',
    usage: 'rolehop prompt',
    description:
      "Reads the environment only (ROLEHOP_TARGET, AWS_CREDENTIAL_EXPIRATION, the agent's variables): no network, no files. Prints nothing when no rolehop export is active.",
    options: {},
    examples: ["PS1='$(rolehop prompt) \\$ '", 'rolehop prompt   # prod-deploy 42m'],
    load: () => import('./cmd/prompt.ts'),
  },
  {
    name: 'console',
    summary: 'open or print an AWS console sign-in URL',
    usage:
      'rolehop console [PROFILE] [selectors] [--print | --open | --isolate [--browser NAME|PATH | --firefox-containers]] [--destination URL|SERVICE] [--region R]',
    description:
      'The sign-in URL works for about 15 minutes for whoever holds it: --print writes it to stdout only; --open (the default where a browser can be shown) gives the browser a single-use 127.0.0.1 address that redirects to it. SessionDuration is asked for only when the credentials come from one AssumeRole on long-term keys (--duration sets it); AWS refuses it for role chains. AWS_ENDPOINT_URL_SIGNIN points at another federation endpoint (the sandbox). --isolate opens the console in a browser profile of its own per AWS profile (under the cache folder, 0700), so several stay signed in side by side: Chromium, Chrome, Edge and Brave through --user-data-dir, Firefox through -profile. With --firefox-containers the console opens in a Firefox container named after the AWS profile, in the Firefox you already use, through the Granted Containers extension (without it, Firefox does not know the ext+granted-containers: address).',
    positionals: 'PROFILE',
    options: {
      ...selectorOptions,
      print: { type: 'boolean', description: 'print the URL' },
      open: { type: 'boolean', description: 'open the URL in a browser (default on a desktop)' },
      isolate: { type: 'boolean', description: 'open in a browser profile of its own for this AWS profile' },
      browser: {
        type: 'string',
        arg: 'NAME|PATH',
        description: 'with --isolate: chromium, chrome, edge, brave, firefox or a path',
      },
      'firefox-containers': {
        type: 'boolean',
        description:
          'with --isolate: a Firefox container per AWS profile in your own Firefox (needs the Granted Containers extension)',
      },
      destination: { type: 'string', arg: 'URL|SERVICE', description: 'console page to land on, e.g. s3' },
    },
    examples: [
      'rolehop console prod-deploy',
      'rolehop console prod-deploy --destination cloudwatch --print',
      'rolehop console prod-deploy --isolate --browser chrome',
      'rolehop console prod-deploy --isolate --firefox-containers',
    ],
    load: () => import('./cmd/console.ts'),
  },
  {
    name: 'sandbox',
    summary: 'run a local IAM Identity Center emulator (no AWS account needed)',
    usage:
      'rolehop sandbox [--port N] [--directory FILE] [--accounts N] [--auto-approve] [--sts URL] [--latency-ms N] [--throttle-tps N] [--fail-rate P]',
    options: {
      port: { type: 'string', arg: 'N', description: 'port on 127.0.0.1 (default: any free port)' },
      directory: {
        type: 'string',
        arg: 'FILE',
        description: 'users, accounts and assignments (JSON or YAML)',
      },
      accounts: { type: 'string', arg: 'N', description: 'generate N accounts' },
      'auto-approve': { type: 'boolean', description: 'approve sign-ins without a browser click' },
      sts: { type: 'string', arg: 'URL', description: 'mint role credentials from this STS (e.g. moto)' },
      'latency-ms': { type: 'string', arg: 'N', description: 'add latency to every call' },
      'throttle-tps': { type: 'string', arg: 'N', description: 'throttle portal calls to N per second' },
      'fail-rate': { type: 'string', arg: 'P', description: 'answer this fraction of calls with 5xx (0–1)' },
    },
    examples: ['rolehop sandbox --auto-approve', 'rolehop sandbox --accounts 2000 --throttle-tps 20'],
    load: () => import('./cmd/sandbox.ts'),
  },
  {
    name: 'completion',
    summary: 'print a shell completion script',
    usage: 'rolehop completion bash|zsh|fish',
    positionals: 'SHELL',
    options: {},
    examples: [
      'source <(rolehop completion bash)',
      'rolehop completion fish > ~/.config/fish/completions/rolehop.fish',
    ],
    load: () => import('./cmd/completion.ts'),
  },
  {
    name: '__complete',
    summary: 'names for shell completion',
    usage: 'rolehop __complete profiles|sso-sessions',
    positionals: 'KIND',
    options: {},
    examples: ['rolehop __complete profiles'],
    load: () => import('./cmd/complete.ts'),
    hidden: true,
  },
];

export function findCommand(name: string): CommandSpec | undefined {
  return commands.find((c) => c.name === name);
}
