// The story of `npm run demo`: the two manual methods of the seed, done by rolehop against the
// built-in sandbox (a local IAM Identity Center) in a throwaway HOME. No AWS account, no network.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'rolehop.cjs');
const require = createRequire(import.meta.url);
const { startSandbox } = require(join(root, 'dist', 'sandbox.cjs'));

const out = (text = '') => process.stdout.write(`${text}\n`);
const indent = (text) =>
  text
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');
/** Secrets shortened for the screen; what they are stays visible. */
const mask = (text) =>
  text.replace(
    /(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)(=|\s)'?([^'\s;]{8})[^'\s;]*'?/g,
    (_m, name, sep, head) => `${name}${sep}'${head}…'`,
  );

const home = mkdtempSync(join(tmpdir(), 'rolehop-demo-'));
const env = {};
for (const [k, v] of Object.entries(process.env)) {
  if (!k.startsWith('AWS_') && !k.startsWith('ROLEHOP_') && k !== 'XDG_CACHE_HOME') env[k] = v;
}
Object.assign(env, {
  HOME: home,
  AWS_CONFIG_FILE: join(home, '.aws', 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  BROWSER: 'true', // a no-op opener: the sandbox approves sign-ins by itself
  NO_COLOR: '1',
  SHELL: '/bin/bash',
});

let step = 0;
// Asynchronous: the sandbox answers from this very process.
const run = promisify(execFile);
async function rolehop(args, show = (s) => s) {
  out(
    `  $ rolehop ${args.map((a) => (/[\s"'$`]/.test(a) ? `'${a.replaceAll("'", "'\\''")}'` : a)).join(' ')}`,
  );
  const { stdout: text } = await run(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
  if (text.trim()) out(indent(show(text)));
  return text;
}
function chapter(title, byHand, withRolehop) {
  step++;
  out();
  out(`${step}. ${title}`);
  out(`   By hand: ${byHand}`);
  out(`   With rolehop: ${withRolehop}`);
}

const sandbox = await startSandbox({ autoApprove: true });
Object.assign(env, sandbox.env, { AWS_REGION: sandbox.region });
const ADMIN = 'AdministratorAccess';
const second = `arn:aws:iam::${sandbox.directory.accounts[1].id}:role/ReadOnlyAccess`;
try {
  out('rolehop demo: short-term AWS credentials from IAM Identity Center, then STS role chains.');
  out(`A local Identity Center sandbox is running at ${sandbox.url}; HOME is ${home}.`);

  chapter(
    'Sign in once',
    'open the access portal in a browser and sign in, again for every new terminal.',
    'one sign-in, cached where the AWS CLI keeps it and refreshed by itself.',
  );
  const loginArgs = ['login', '--start-url', sandbox.startUrl, '--sso-region', sandbox.region];
  await rolehop([...loginArgs, '--sso-session', 'sandbox', '--device-code', '--no-browser']);
  out('    (signed in; [sso-session sandbox] was added to ~/.aws/config)');

  chapter(
    'See what you can reach',
    'expand "AWS accounts" in the portal and click through each account.',
    'every account and its roles, listed concurrently and cached for a while.',
  );
  await rolehop(['ls']);

  chapter(
    'Method 01: role credentials in this shell',
    'pick account and permission set, click "Command line or programmatic access", paste "Option 1" (three exports), check with `aws configure list`.',
    'eval "$(rolehop env --account prod --role AdministratorAccess)"',
  );
  await rolehop(['env', '--account', 'prod', '--role', ADMIN], mask);

  chapter(
    'Method 01, second half: assume another role',
    'eval $(aws sts assume-role --role-arn … --role-session-name … | jq -r \'.Credentials | "export …"\') and hope the quoting holds.',
    'add --assume ROLE_ARN (repeat it for a chain); each hop is cached and single-flight.',
  );
  await rolehop(['env', '--account', 'prod', '--role', ADMIN, '--assume', second], mask);

  chapter(
    'Check who you are',
    '`aws sts get-caller-identity` after pasting.',
    'rolehop whoami with the same selectors.',
  );
  await rolehop(['whoami', '--account', 'prod', '--role', ADMIN, '--assume', second]);

  chapter(
    'Run one command with the credentials',
    'export, run, and remember to clear the variables afterwards.',
    'rolehop exec … -- CMD: the command gets the credentials; your shell does not.',
  );
  await rolehop([
    'exec',
    '--account',
    'prod',
    '--role',
    ADMIN,
    '--',
    process.execPath,
    '-e',
    "console.log('child sees', process.env.AWS_ACCESS_KEY_ID.slice(0, 4) + '… as', process.env.ROLEHOP_EXEC)",
  ]);

  chapter(
    'Method 02: a named profile that refreshes itself',
    'paste "Option 2" keys into ~/.aws/credentials, add [profile …] with role_arn + source_profile, paste new keys every hour.',
    "rolehop configure NAME … writes the AWS CLI's own keys once; aws, botocore and every SDK refresh them.",
  );
  await rolehop(['configure', 'prod-readonly', '--account', 'prod', '--role', ADMIN, '--assume', second]);
  const config = readFileSync(env.AWS_CONFIG_FILE, 'utf8');
  out(indent(config.slice(config.indexOf('# rolehop:begin')).trimEnd()));
  await rolehop(['whoami', 'prod-readonly']);

  out();
  out(
    'Done. Against your organisation: rolehop login --start-url https://YOUR.awsapps.com/start --sso-region REGION',
  );
} catch (error) {
  process.stderr.write(`demo failed: ${error.stderr || error.message}\n`);
  process.exitCode = 1;
} finally {
  await sandbox.close();
  rmSync(home, { recursive: true, force: true });
}
