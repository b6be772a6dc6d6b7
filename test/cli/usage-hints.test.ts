import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../src/cli/commands.ts';
import { runInProcess } from '../harness/cli.ts';
import { signedInWorld, snapshot } from '../harness/signed-in-world.ts';
import { tempHome } from '../harness/temp-home.ts';

// What a mistyped command line gets back: the nearest spelling, the help where it belongs, and one
// region check shared by every command.

test('a mistyped option or command names the nearest one; -v prints the version', async (t) => {
  const { env } = tempHome(t);
  const option = await runInProcess(['env', '--acount', 'prod', '--role', 'Admin'], env);
  assert.equal(option.code, 2);
  assert.match(option.stderr, /Unknown option '--acount'/);
  assert.match(option.stderr, /hint: did you mean --account\? run 'rolehop env --help'/);
  const global = await runInProcess(['status', '--regoin', 'eu-west-1'], env);
  assert.match(global.stderr, /did you mean --region\?/);
  const nothingClose = await runInProcess(['doctor', '--bogus'], env);
  assert.equal(nothingClose.code, 2);
  assert.match(nothingClose.stderr, /hint: run 'rolehop doctor --help'\n$/);
  const command = await runInProcess(['stauts'], env);
  assert.equal(command.code, 2);
  assert.match(command.stderr, /did you mean 'rolehop status'\?/);
  const version = await runInProcess(['-v'], env);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^rolehop \d+\.\d+\.\d+/);
});

test('bare rolehop prints the help on stderr and exits 2; --help prints it on stdout and exits 0', async (t) => {
  const { env } = tempHome(t);
  const bare = await runInProcess([], env);
  assert.equal(bare.code, 2);
  assert.equal(bare.stdout, '');
  assert.match(bare.stderr, /^Usage: rolehop <command>/m);
  assert.match(bare.stderr, /-v, --version/);
  const help = await runInProcess(['--help'], env);
  assert.equal(help.code, 0);
  assert.equal(help.stderr, '');
  assert.match(help.stdout, /^Usage: rolehop <command>/m);
});

test('every command refuses the same bad --region with exit 2 and a hint, before touching a file', async (t) => {
  const { env, home } = tempHome(t);
  const before = snapshot(home);
  for (const spec of commands.filter((c) => !c.hidden)) {
    const r = await runInProcess([spec.name, '--region', 'mars-1'], env);
    assert.equal(r.code, 2, `${spec.name}: ${r.stderr}`);
    assert.match(r.stderr, /--region "mars-1" is not an AWS region name/, spec.name);
    assert.match(r.stderr, /hint: use a region like us-east-1/, spec.name);
    assert.equal(r.stdout, '', spec.name);
  }
  const sso = await runInProcess(
    ['login', '--start-url', 'https://my-org.awsapps.com/start', '--sso-region', 'mars-1'],
    env,
  );
  assert.equal(sso.code, 2);
  assert.match(sso.stderr, /--sso-region "mars-1" is not an AWS region name/);
  assert.deepEqual(snapshot(home), before);
});

test('a role the account does not have lists the roles it has and the nearest (exit 4)', async (t) => {
  const w = await signedInWorld(t);
  const r = await runInProcess(['env', '--account', '111111111111', '--role', 'ReadOnly'], w.env);
  assert.equal(r.code, 4, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(
    r.stderr,
    /account 111111111111 has no role "ReadOnly" for you; its roles: AdministratorAccess, ReadOnlyAccess/,
  );
  assert.match(r.stderr, /hint: did you mean --role ReadOnlyAccess\?/);
});
