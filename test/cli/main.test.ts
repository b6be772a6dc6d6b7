import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../src/cli/commands.ts';
import { runCli, runInProcess } from '../harness/cli.ts';
import { tempHome } from '../harness/temp-home.ts';

test('--help lists every command of the contract', async (t) => {
  const { env } = tempHome(t);
  const r = await runCli(['--help'], { env });
  assert.equal(r.code, 0);
  for (const name of [
    'setup',
    'login',
    'logout',
    'ls',
    'env',
    'exec',
    'credential-process',
    'whoami',
    'status',
    'explain',
    'doctor',
    'config',
    'configure',
    'populate',
    'sync',
    'serve',
    'console',
    'sandbox',
    'completion',
  ]) {
    assert.match(r.stdout, new RegExp(`^  ${name} `, 'm'), `missing ${name}`);
  }
});

test('--version prints the package version', async (t) => {
  const { env } = tempHome(t);
  const r = await runCli(['--version'], { env });
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^rolehop \d+\.\d+\.\d+/);
});

test('every command has --help with at least one example', async (t) => {
  const { env } = tempHome(t);
  for (const spec of commands) {
    assert.ok(spec.examples.length > 0, spec.name);
    const r = await runInProcess([spec.name, '--help'], env);
    assert.equal(r.code, 0, spec.name);
    assert.match(r.stdout, /Examples:\n {2}\$ rolehop|Examples:\n {2}\$ /, spec.name);
    assert.equal(r.stderr, '');
  }
});

test('an unknown command or option is a usage error (exit 2) on stderr', async (t) => {
  const { env } = tempHome(t);
  const unknown = await runCli(['frobnicate'], { env });
  assert.equal(unknown.code, 2);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
  const badOption = await runCli(['doctor', '--bogus'], { env });
  assert.equal(badOption.code, 2);
  assert.match(badOption.stderr, /Unknown option '--bogus'/);
});
