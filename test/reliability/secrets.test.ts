import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../harness/cli.ts';
import { sandboxWorld } from '../harness/sandbox.ts';
import { writeFile } from '../harness/temp-home.ts';
import { CONFIGURE_LEGACY_KEYS } from './harness.ts';

// Every command with --debug: no access key, secret key, session token, access token, refresh token
// or client secret in stdout, stderr or any process's argv (sampled from /proc while they run: the
// browser opener, credential_process children, exec and serve children), except on the stdout of the
// commands whose purpose is to print credentials (env, credential-process).

/** Samples every process's argv while running; returns the distinct command lines seen. */
function startArgvSampler(): { stop(): string[] } {
  const seen = new Set<string>();
  const sample = () => {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid) || pid === String(process.pid)) continue;
      try {
        const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
        if (argv) seen.add(argv);
      } catch {
        // gone already
      }
    }
  };
  const timer = setInterval(sample, 5);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return [...seen];
    },
  };
}

test('no secret in debug output, errors or process arguments of any command', async (t) => {
  const w = await sandboxWorld(t, { autoApprove: true });
  // A browser opener that lingers (so its argv is sampled) and then follows the sign-in URL.
  const opener = path.join(w.home.home, 'open-browser.sh');
  writeFile(opener, '#!/bin/sh\nsleep 0.3\ncurl -s -L -o /dev/null "$1"\n', 0o700);
  const env = { ...w.env, BROWSER: opener };
  const sampler = startArgvSampler();
  const outputs: { args: string[]; stdout: string; stderr: string; printsCredentials: boolean }[] = [];
  const run = async (
    args: string[],
    options: { input?: string; printsCredentials?: boolean; code?: number } = {},
  ) => {
    const r = await runCli([...args, '--debug'], { env, input: options.input ?? '', timeoutMs: 60_000 });
    if (process.env.REL_DUMP) console.log(args.join(' '), r.code, r.stderr.slice(-300));
    else assert.equal(r.code, options.code ?? 0, `${args.join(' ')}: ${r.stderr}`);
    outputs.push({
      args,
      stdout: r.stdout,
      stderr: r.stderr,
      printsCredentials: options.printsCredentials === true,
    });
    return r;
  };

  await run([
    'login',
    '--start-url',
    w.sandbox.startUrl,
    '--sso-region',
    w.sandbox.region,
    '--sso-session',
    'dev',
  ]);
  await run([
    'configure',
    'prod',
    '--sso-session',
    'dev',
    '--account',
    '111111111111',
    '--role',
    'AdministratorAccess',
  ]);
  writeFile(
    w.home.configFile,
    `${fs.readFileSync(w.home.configFile, 'utf8')}\n[profile via-process]\ncredential_process = ${process.execPath} ${path.resolve('bin/rolehop.cjs')} credential-process prod --min-ttl 11h\n`,
  );
  await run(CONFIGURE_LEGACY_KEYS);
  const cp = await run(['credential-process', 'prod', '--min-ttl', '11h'], { printsCredentials: true });
  await run(['env', 'prod'], { printsCredentials: true });
  await run(
    [
      'env',
      '--sso-session',
      'dev',
      '--account',
      '333333333333',
      '--role',
      'ReadOnlyAccess',
      '--format',
      'json',
    ],
    { printsCredentials: true },
  );
  await run(['credential-process', 'via-process'], { printsCredentials: true });
  await run(['exec', 'via-process', '--', '/bin/sh', '-c', 'sleep 0.3']);
  await run(['exec', 'prod', '--', '/bin/sh', '-c', 'sleep 0.3']);
  await run(['serve', 'prod', '--', '/bin/sh', '-c', 'sleep 0.3']);
  await run(['whoami', 'prod']);
  await run(['ls']);
  await run(['ls', '--json', '--refresh']);
  await run(['status']);
  await run(['status', '--json']);
  await run(['explain', 'prod']);
  await run(['doctor']);
  await run(['config', 'list']);
  await run(['config', 'list', '--json']);
  await run(['config', 'get', '--profile', 'legacy', 'aws_secret_access_key']);
  await run(['config', 'set', '--profile', 'ci', 'aws_secret_access_key', '-'], {
    input: 'ciSECRETciSECRETciSECRETciSECRET0123',
  });
  await run(['populate', '--sso-session', 'dev', '--dry-run']);
  await run(['sync', 'legacy']);
  await run(['console', 'prod', '--print']);
  // Failures print the error path with --debug (stack included): still nothing secret.
  await run(['credential-process', 'prod', '--assume', 'arn:aws:iam::123456789012:role/Nope'], { code: 4 });
  const token = JSON.parse(
    fs.readFileSync(
      path.join(
        w.home.awsDir,
        'sso',
        'cache',
        fs.readdirSync(path.join(w.home.awsDir, 'sso', 'cache')).find((f) => {
          const j = JSON.parse(
            fs.readFileSync(path.join(w.home.awsDir, 'sso', 'cache', f), 'utf8'),
          ) as Record<string, unknown>;
          return typeof j.accessToken === 'string';
        })!,
      ),
      'utf8',
    ),
  ) as Record<string, string>;
  await run(['logout', '--sso-session', 'dev']);
  const argvs = sampler.stop();

  const role = JSON.parse(cp.stdout) as Record<string, string>;
  const secrets: Record<string, string> = {
    accessKeyId: role.AccessKeyId!,
    secretAccessKey: role.SecretAccessKey!,
    sessionToken: role.SessionToken!,
    accessToken: token.accessToken!,
    refreshToken: token.refreshToken!,
    clientSecret: token.clientSecret!,
    staticSecret: 'ciSECRETciSECRETciSECRETciSECRET0123',
  };
  for (const [name, value] of Object.entries(secrets))
    assert.ok(value && value.length >= 16, `${name} known`);
  for (const o of outputs) {
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!o.stderr.includes(value), `${name} on stderr of ${o.args.join(' ')}`);
      const roleSecret = ['accessKeyId', 'secretAccessKey', 'sessionToken'].includes(name);
      if (!(o.printsCredentials && roleSecret)) {
        assert.ok(!o.stdout.includes(value), `${name} on stdout of ${o.args.join(' ')}`);
      }
    }
  }
  assert.ok(
    outputs.some((o) => o.stderr.includes('debug:')),
    '--debug printed something',
  );
  const ours = argvs.filter(
    (a) => a.includes('rolehop') || a.includes('open-browser') || a.includes('sleep 0.3'),
  );
  assert.ok(
    ours.some((a) => a.includes('open-browser.sh')),
    'the browser opener was sampled',
  );
  assert.ok(
    ours.some((a) => /credential-process prod --min-ttl 11h$/.test(a)),
    'a credential_process child was sampled',
  );
  for (const argv of argvs) {
    for (const [name, value] of Object.entries(secrets)) {
      assert.ok(!argv.includes(value), `${name} in the argv of ${argv.slice(0, 120)}`);
    }
  }
  t.diagnostic(`${outputs.length} commands, ${argvs.length} distinct argvs sampled`);
});
