import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, type TestContext, test } from 'node:test';
import { repoRoot, runProcess } from '../harness/cli.ts';
import { skipOrFail } from '../harness/requires.ts';
import { tempHome } from '../harness/temp-home.ts';

// rolehop as a stranger gets it: `npm pack` on a checkout without dist/ (prepack must build), the
// tarball installed globally into a temporary prefix, then the installed CLI and library against
// the installed sandbox — on Node 24, and on Node 22 when ROLEHOP_TEST_NODE22 names one.

const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-pack-'));
const prefix = path.join(work, 'prefix');
let packedFiles: string[] = [];

/** npm as the user runs it: their cache and config, none of the npm_* variables of an enclosing `npm test`. */
function npmEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^npm_/i.test(k) && !k.startsWith('AWS_')) env[k] = v;
  }
  env.PATH = `${path.dirname(process.execPath)}${path.delimiter}${env.PATH ?? ''}`;
  return env;
}

async function npm(args: string[], cwd: string) {
  const r = await runProcess('npm', args, { env: npmEnv(), cwd, timeoutMs: 240_000 });
  assert.equal(r.code, 0, `npm ${args.join(' ')}:\n${r.stderr}`);
  return r.stdout;
}

before(async () => {
  // A checkout as git gives it: sources and build inputs, no dist/ (node_modules only for the build tools).
  const checkout = path.join(work, 'checkout');
  for (const name of ['bin', 'src', 'scripts', 'package.json', 'tsconfig.json', 'tsconfig.types.json']) {
    fs.cpSync(path.join(repoRoot, name), path.join(checkout, name), { recursive: true });
  }
  for (const name of ['README.md', 'LICENSE', 'NOTICE']) {
    fs.copyFileSync(path.join(repoRoot, name), path.join(checkout, name));
  }
  fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(checkout, 'node_modules'));
  const [packed] = JSON.parse(await npm(['pack', '--json', '--pack-destination', work], checkout));
  packedFiles = packed.files.map((f: { path: string }) => f.path);
  const tarball = path.join(work, packed.filename);
  await npm(
    ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball],
    work,
  );
});
after(() => fs.rmSync(work, { recursive: true, force: true }));

test('the tarball holds the launcher, the bundles, the types and the legal files, nothing else', () => {
  for (const file of [
    'bin/rolehop.cjs',
    'dist/cli.cjs',
    'dist/sdk.cjs',
    'dist/sandbox.cjs',
    'dist/warm-hit.cjs',
    'dist/warm.cjs',
    'dist/warm-miss.cjs',
    'dist/index.js',
  ]) {
    assert.ok(packedFiles.includes(file), `${file} is packed`);
  }
  for (const file of ['dist/types/index.d.ts', 'README.md', 'LICENSE', 'NOTICE', 'package.json']) {
    assert.ok(packedFiles.includes(file), `${file} is packed`);
  }
  const unexpected = packedFiles.filter(
    (f) =>
      !/^(bin\/rolehop\.cjs|dist\/[\w-]+\.(cjs|js)|dist\/types\/.+\.d\.ts|README\.md|LICENSE|NOTICE|package\.json)$/.test(
        f,
      ),
  );
  assert.deepEqual(unexpected, []);
  // What the bundles carry inside is not installed a second time.
  const installedDeps = path.join(prefix, 'lib', 'node_modules', 'rolehop', 'node_modules');
  for (const bundled of ['yaml', 'proper-lockfile']) {
    assert.ok(!fs.existsSync(path.join(installedDeps, bundled)), `${bundled} is not installed`);
  }
});

interface RunningSandbox {
  exports: Record<string, string>;
  startUrl: string;
  region: string;
  account: string;
  role: string;
}

/** `rolehop sandbox --port 0 --auto-approve` from the install; what it prints after READY, parsed. */
async function startInstalledSandbox(t: TestContext, env: Record<string, string>): Promise<RunningSandbox> {
  const child = spawn(path.join(prefix, 'bin', 'rolehop'), ['sandbox', '--port', '0', '--auto-approve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGTERM'));
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
      // The sample profile's last line ends what the sandbox prints at start-up.
      if (/^# region = .*\n/m.test(stdout)) resolve();
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`rolehop sandbox exited ${code}: ${stderr}`)));
  });
  assert.match(stdout, /^READY \d+\n/);
  const field = (name: string) => new RegExp(`^# ${name} = (.+)$`, 'm').exec(stdout)![1]!;
  return {
    exports: Object.fromEntries([...stdout.matchAll(/^export (\w+)=(.+)$/gm)].map((m) => [m[1]!, m[2]!])),
    startUrl: field('sso_start_url'),
    region: field('sso_region'),
    account: field('sso_account_id'),
    role: field('sso_role_name'),
  };
}

async function exerciseInstalled(t: TestContext, node: string) {
  const { env: homeEnv, home } = tempHome(t);
  const env = {
    ...homeEnv,
    // The installed launcher's `#!/usr/bin/env node` finds this Node first.
    PATH: `${path.dirname(node)}${path.delimiter}${homeEnv.PATH ?? ''}`,
    BROWSER: 'true', // the sandbox approves sign-ins by itself
  };
  const rolehop = path.join(prefix, 'bin', 'rolehop');

  const version = await runProcess(rolehop, ['--version'], { env });
  assert.equal(version.code, 0, version.stderr);
  assert.equal(version.stdout, `rolehop ${pkg.version}\n`);

  const sandbox = await startInstalledSandbox(t, env);
  Object.assign(env, sandbox.exports);
  const login = await runProcess(
    rolehop,
    [
      'login',
      '--start-url',
      sandbox.startUrl,
      '--sso-region',
      sandbox.region,
      '--sso-session',
      'sandbox',
    ].concat(['--device-code', '--no-browser']),
    { env },
  );
  assert.equal(login.code, 0, login.stderr);

  const exported = await runProcess(rolehop, ['env', '--account', sandbox.account, '--role', sandbox.role], {
    env,
  });
  assert.equal(exported.code, 0, exported.stderr);
  const keyId = /^export AWS_ACCESS_KEY_ID='(ASIA\w+)';$/m.exec(exported.stdout)?.[1];
  assert.ok(keyId, exported.stdout);

  // The library entry from a project that depends on the installed package.
  const project = path.join(home, 'project');
  fs.mkdirSync(project);
  fs.symlinkSync(path.join(prefix, 'lib', 'node_modules'), path.join(project, 'node_modules'));
  const script = `import { fromRolehop } from 'rolehop';
const credentials = await fromRolehop({ account: ${JSON.stringify(sandbox.account)}, role: ${JSON.stringify(sandbox.role)} })();
console.log(JSON.stringify({ keyId: credentials.accessKeyId, expires: credentials.expiration instanceof Date }));`;
  const library = await runProcess(node, ['--input-type=module', '-e', script], { env, cwd: project });
  assert.equal(library.code, 0, library.stderr);
  assert.deepEqual(
    JSON.parse(library.stdout),
    { keyId, expires: true },
    'the CLI cached what the library reads',
  );
}

test('installed on Node 24: --version, the sandbox, a sign-in, env and the library', async (t) => {
  await exerciseInstalled(t, process.execPath);
});

test('installed on Node 22: the same', async (t) => {
  const node22 = process.env.ROLEHOP_TEST_NODE22;
  if (!node22) {
    skipOrFail(
      t,
      'set ROLEHOP_TEST_NODE22 to a Node 22 binary (npm install --prefix DIR node@22: DIR/node_modules/.bin/node)',
    );
    return;
  }
  await exerciseInstalled(t, node22);
});
