// The bad-input corpus: malformed config files, ARNs, durations, session names and token cache files,
// each with the exit code and the message rolehop must give. Sandbox responses are in bad-responses.

export interface BadCase {
  name: string;
  /** Command line; `{S}` is replaced by the sso-session flags. */
  args: string[];
  /** Replaces ~/.aws/config; `{SESSION}` expands to a valid [sso-session dev] section. */
  config?: string;
  credentials?: string;
  credentialsMode?: number;
  /** Replaces the token cache file of sso-session dev (a Buffer for raw bytes). */
  token?: string | Buffer;
  code: number;
  message: RegExp;
  /** A report command (doctor): the message is on stdout, exit 1, stderr empty. */
  report?: boolean;
  /** The steps before the failing one succeeded and may be cached (e.g. before an MFA prompt). */
  mayCacheSteps?: boolean;
}

const SEL = ['--sso-session', 'dev', '--account', '111111111111', '--role', 'AdministratorAccess'];
const cp = (...more: string[]) => ['credential-process', ...SEL, ...more];
const ARN = 'arn:aws:iam::123456789012:role/Deploy';

const profile = (body: string) => `{SESSION}\n[profile prod]\n${body}\n`;
const ssoProfile = 'sso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n';
const base = `[profile base]\n${ssoProfile}`;

const configCases: BadCase[] = [
  [
    'sso_session names a missing section',
    profile('sso_session = nope\nsso_account_id = 111111111111\nsso_role_name = A'),
    /uses sso_session "nope", but there is no \[sso-session nope\] section/,
  ],
  [
    'account id of 5 digits',
    profile('sso_session = dev\nsso_account_id = 12345\nsso_role_name = A'),
    /sso_account_id "12345", which is not a 12-digit/,
  ],
  [
    'account id of letters',
    profile('sso_session = dev\nsso_account_id = abcdefghijkl\nsso_role_name = A'),
    /sso_account_id "abcdefghijkl", which is not a 12-digit/,
  ],
  ['no sso_role_name', profile('sso_session = dev\nsso_account_id = 111111111111'), /missing sso_role_name/],
  [
    'empty sso_role_name',
    profile('sso_session = dev\nsso_account_id = 111111111111\nsso_role_name ='),
    /empty sso_role_name/,
  ],
  ['no sso_account_id', profile('sso_session = dev\nsso_role_name = A'), /missing sso_account_id/],
  [
    'role_arn not an ARN',
    `${profile('role_arn = not-an-arn\nsource_profile = base')}${base}`,
    /role_arn "not-an-arn", which is not an IAM role ARN/,
  ],
  [
    'role_arn with a short account',
    `${profile('role_arn = arn:aws:iam::123:role/x\nsource_profile = base')}${base}`,
    /role_arn "arn:aws:iam::123:role\/x", which is not an IAM role ARN/,
  ],
  [
    'source_profile missing',
    profile(`role_arn = ${ARN}\nsource_profile = nope`),
    /source_profile "nope", which is not defined/,
  ],
  [
    'source_profile loop',
    `{SESSION}\n[profile prod]\nrole_arn = ${ARN}\nsource_profile = b\n[profile b]\nrole_arn = ${ARN}\nsource_profile = prod\n`,
    /profiles form a loop: prod -> b -> prod/,
  ],
  [
    'source_profile is itself without keys',
    profile(`role_arn = ${ARN}\nsource_profile = prod`),
    /profiles form a loop: prod -> prod/,
  ],
  [
    'both source_profile and credential_source',
    `${profile(`role_arn = ${ARN}\nsource_profile = base\ncredential_source = Environment`)}${base}`,
    /sets both source_profile and credential_source/,
  ],
  [
    'unknown credential_source',
    profile(`role_arn = ${ARN}\ncredential_source = Bogus`),
    /credential_source "Bogus": expected one of Environment/,
  ],
  ['role_arn without a source', profile(`role_arn = ${ARN}`), /neither source_profile nor credential_source/],
  [
    'duration_seconds of letters',
    `${profile(`role_arn = ${ARN}\nsource_profile = base\nduration_seconds = abc`)}${base}`,
    /duration_seconds "abc": expected a whole number/,
  ],
  [
    'duration_seconds too short',
    `${profile(`role_arn = ${ARN}\nsource_profile = base\nduration_seconds = 60`)}${base}`,
    /duration_seconds "60": expected/,
  ],
  [
    'duration_seconds too long',
    `${profile(`role_arn = ${ARN}\nsource_profile = base\nduration_seconds = 99999`)}${base}`,
    /duration_seconds "99999": expected/,
  ],
  [
    'role_session_name with a space',
    `${profile(`role_arn = ${ARN}\nsource_profile = base\nrole_session_name = a b`)}${base}`,
    /role_session_name "a b": expected 2/,
  ],
  [
    'role_session_name of one character',
    `${profile(`role_arn = ${ARN}\nsource_profile = base\nrole_session_name = x`)}${base}`,
    /role_session_name "x": expected 2/,
  ],
  ['profile absent', '{SESSION}\n[profile other]\nregion = us-east-1\n', /profile "prod" is not defined/],
  ['empty config file', '', /profile "prod" is not defined: no profiles/],
  [
    'sso-session without a start URL',
    '[sso-session dev]\nsso_region = us-east-1\n' + `[profile prod]\n${ssoProfile}`,
    /\[sso-session dev\] \(used by profile "prod"\) is missing sso_start_url/,
  ],
  [
    'sso-session without a region',
    '[sso-session dev]\nsso_start_url = https://x.awsapps.com/start\n' + `[profile prod]\n${ssoProfile}`,
    /\[sso-session dev\] \(used by profile "prod"\) is missing sso_region/,
  ],
  [
    'legacy sso_start_url without sso_region',
    '[profile prod]\nsso_start_url = https://x.awsapps.com/start\nsso_account_id = 111111111111\nsso_role_name = A\n',
    /profile "prod" is configured for SSO but is missing sso_region/,
  ],
  [
    'empty credential_process',
    profile('credential_process ='),
    /credential_process of profile prod is empty/,
  ],
  [
    'mfa_serial with no terminal to ask on',
    `${profile(`role_arn = ${ARN}\nsource_profile = base\nmfa_serial = GAHT12345678`)}${base}`,
    /an MFA code is needed for GAHT12345678 and there is no terminal/,
  ],
  [
    'sso_session and a different legacy start URL',
    profile(`${ssoProfile}sso_start_url = https://other.awsapps.com/start`),
    /has sso_start_url "https:\/\/other\.awsapps\.com\/start" but its sso-session "dev" has/,
  ],
  [
    'static keys without the secret',
    profile(`role_arn = ${ARN}\nsource_profile = keys`),
    /profile "keys" \(chain prod -> keys\) has static keys but is missing aws_secret_access_key/,
  ],
].map(([name, config, message]) => ({
  name: `config: ${name as string}`,
  args: ['credential-process', 'prod'],
  config: config as string,
  ...(String(name).startsWith('static')
    ? { credentials: '[keys]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n' }
    : {}),
  code: String(name).startsWith('mfa') ? 2 : 1,
  ...(String(name).startsWith('mfa') ? { mayCacheSteps: true } : {}),
  message: message as RegExp,
}));

const badArns = [
  '',
  'arn',
  'arn:aws:iam::123456789012:user/bob',
  'arn:aws:s3:::bucket',
  'arn:aws:iam:us-east-1:123456789012:role/x',
  'arn:aws:iam::12345678901:role/x',
  'arn:aws:iam::1234567890123:role/x',
  'arn:aws:iam::abcdefghijkl:role/x',
  'arn:aws-xx:iam::123456789012:role/x',
  'arn:aws:iam::123456789012:role/',
  'arn:aws:iam::123456789012:role/a b',
  `arn:aws:iam::123456789012:role/${'x'.repeat(65)}`,
  'arn:aws:iam::123456789012:role//x',
  'arn:aws:iam::123456789012:role/x:y',
  'ARN:aws:iam::123456789012:role/x',
  'arn:aws:iam::123456789012:role/x;rm -rf ~',
  'arn:aws:iam::123456789012:role/é',
  'arn:aws:sts::123456789012:assumed-role/x/y',
  'arn:aws:iam::123456789012:root',
  'arn:aws:iam::123456789012:role/$(id)',
];
const arnCases: BadCase[] = badArns.map((arn) => ({
  name: `ARN: ${JSON.stringify(arn).slice(0, 60)}`,
  args: cp('--assume', arn),
  code: 2,
  message:
    /^rolehop: invalid role ARN ".*": (not an ARN|unknown partition|service is|IAM ARNs have no region|account ".*" is not 12 digits|resource ".*" is not|role name|role path)/m,
}));

const badDurations = [
  '',
  '0',
  '899',
  '43201',
  '1x',
  'h',
  '-1h',
  '1.5h',
  '1h30',
  'abc',
  '1e3',
  '10d',
  ' ',
  '0x100',
  '1h 30m',
  '13h',
];
const durationCases: BadCase[] = [
  ...badDurations.map((d) => ({
    name: `duration: ${JSON.stringify(d)}`,
    args: cp('--assume', ARN, `--duration=${d}`),
    code: 2,
    message: /invalid (session duration \d+: it must be a whole number of seconds from 900|--duration ")/,
  })),
  ...['x', '-5m', '1.5h', '5 m'].map((d) => ({
    name: `min-ttl: ${JSON.stringify(d)}`,
    args: cp(`--min-ttl=${d}`),
    code: 2,
    message: /invalid --min-ttl/,
  })),
];

const badSessionNames = [
  '',
  'a',
  'x'.repeat(65),
  'a b',
  'a/b',
  'a:b',
  'ñame',
  'a\tb',
  'a"b',
  "a'b",
  'a*b',
  'a$(id)',
];
const sessionNameCases: BadCase[] = badSessionNames.map((n) => ({
  name: `session name: ${JSON.stringify(n).slice(0, 40)}`,
  args: cp('--assume', ARN, '--session-name', n),
  code: 2,
  message: /invalid role session name ".*": it must be 2-64 characters/s,
}));

const validToken = (over: Record<string, unknown>) =>
  JSON.stringify({
    startUrl: '{START}',
    region: 'us-east-1',
    accessToken: 'aoaAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    expiresAt: '2099-01-01T00:00:00Z',
    ...over,
  });
const JSON_BAD = 'it is not valid JSON';
const NOT_OBJECT = 'it is not a JSON object';
const NO_TOKEN = 'accessToken is missing';
const NO_EXPIRY = 'expiresAt is missing or not a timestamp';
const tokenContents: [string, string | Buffer, string][] = [
  ['empty file', '', JSON_BAD],
  ['an open brace', '{', JSON_BAD],
  ['null', 'null', NOT_OBJECT],
  ['a list', '[]', NOT_OBJECT],
  ['a string', '"token"', NOT_OBJECT],
  ['an empty object', '{}', NO_TOKEN],
  ['no accessToken', validToken({ accessToken: undefined }), NO_TOKEN],
  ['accessToken a number', validToken({ accessToken: 123 }), NO_TOKEN],
  ['expiresAt not a date', validToken({ expiresAt: 'tomorrow' }), NO_EXPIRY],
  ['expiresAt a number', validToken({ expiresAt: 4102444800 }), NO_EXPIRY],
  ['no expiresAt', validToken({ expiresAt: undefined }), NO_EXPIRY],
  ['truncated', validToken({}).slice(0, 40), JSON_BAD],
  ['NUL bytes', Buffer.from([0, 0, 0, 123, 0]), JSON_BAD],
  ['binary junk', Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]), JSON_BAD],
  ['2 MB of spaces then junk', `${' '.repeat(2_000_000)}x`, JSON_BAD],
  ['accessToken empty', validToken({ accessToken: '' }), NO_TOKEN],
];
const tokenMessage = (reason: string) =>
  new RegExp(
    `the SSO token cache file \\S+\\.json is unusable: ${reason}[^\\n]*\\n\\s+hint: sign in again to replace it: rolehop login --sso-session dev`,
  );
const tokenCases: BadCase[] = tokenContents.map(([name, token, reason]) => ({
  name: `token cache (credential-process): ${name}`,
  args: ['credential-process', 'prod'],
  token,
  code: 3,
  message: tokenMessage(reason),
}));
const tokenLsCases: BadCase[] = tokenContents.slice(0, 8).map(([name, token, reason]) => ({
  name: `token cache (ls): ${name}`,
  args: ['ls'],
  token,
  code: 3,
  message: tokenMessage(reason),
}));

// The same checks at every command that takes selectors, and at the writers (nothing written).
const perCommand: [string, string[]][] = [
  ['env', ['env', ...SEL]],
  ['exec', ['exec', ...SEL]],
  ['whoami', ['whoami', ...SEL]],
  ['console', ['console', '--print', ...SEL]],
  ['serve', ['serve', ...SEL]],
  ['configure', ['configure', 'newprof', ...SEL]],
];
const commandCases: BadCase[] = perCommand.flatMap(([name, head]) => {
  const tail = name === 'exec' || name === 'serve' ? ['--', 'true'] : [];
  return [
    {
      name: `${name}: a user ARN`,
      args: [...head, '--assume', 'arn:aws:iam::123456789012:user/bob', ...tail],
      code: 2,
      message:
        /invalid role ARN "arn:aws:iam::123456789012:user\/bob": resource "user\/bob" is not "role\/<name>"/,
    },
    {
      name: `${name}: a 13h duration`,
      args: [...head, '--assume', ARN, '--duration', '13h', ...tail],
      code: 2,
      message: /invalid session duration 46800/,
    },
    {
      name: `${name}: a session name with a space`,
      args: [...head, '--assume', ARN, '--session-name', 'a b', ...tail],
      code: 2,
      message: /invalid role session name "a b"/,
    },
  ];
});

// Files no tool can read right: doctor names the line and the fix.
const S = '{SESSION}';
const P = '[profile prod]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = A\n';
const LINE_FIX = /fix: fix the line \(sections look like \[profile NAME\], settings like key = value\)/;
const syntaxCases: BadCase[] = (
  [
    [
      'unterminated section header',
      `${S}[profile prod\nsso_session = dev\n`,
      /line \d+ cannot be read: Profile definition must end with '\]'/,
    ],
    [
      'a setting before any section',
      `region = us-east-1\n${S}${P}`,
      /config:1: line 1 cannot be read: Expected a profile definition/,
    ],
    [
      'a line without =',
      `${S}${P}this is not a setting\n`,
      /cannot be read: Expected an '=' sign defining a property/,
    ],
    ['NUL bytes', `${S}${P}\u0000\u0000\u0000`, /cannot be read: Expected an '=' sign/],
    [
      'an empty section name',
      `${S}[]\n${P}`,
      // botocore's configparser needs a name between the brackets; the JS SDK reads an empty one.
      /:5: the JS SDK reads a section header here, botocore does not; rolehop ignores the line/,
    ],
    ['[profile] without a name', `${S}[profile]\n${P}`, /section \[profile\] ignored/],
    [
      'a duplicated profile',
      `${S}${P}${P}`,
      /\[profile prod\] appears 2 times .*: botocore and the AWS CLI refuse to read the file/,
    ],
    [
      'a world-readable credentials file',
      `${S}${P}`,
      /the credentials file is readable by other users \(mode 644\)/,
    ],
  ] as [string, string, RegExp][]
).map(([name, config, message]) => ({
  name: `doctor: ${name}`,
  args: ['doctor'],
  config,
  ...(name.includes('world-readable')
    ? { credentials: '[ci]\naws_secret_access_key = x\n', credentialsMode: 0o644 }
    : {}),
  code: 1,
  message: new RegExp(`${message.source}[^]*(fix: |${LINE_FIX.source})`),
  report: true,
}));

export const corpus: BadCase[] = [
  ...syntaxCases,
  ...commandCases,
  ...configCases,
  ...arnCases,
  ...durationCases,
  ...sessionNameCases,
  ...tokenCases,
  ...tokenLsCases,
];
