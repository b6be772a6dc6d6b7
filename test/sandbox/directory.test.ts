import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  accountsOf,
  buildDirectory,
  DirectoryError,
  defaultDirectoryInput,
  generatedDirectoryInput,
  loadDirectoryFile,
  rolesOf,
} from '../../src/sandbox/directory.ts';
import { startSandbox } from '../harness/sandbox.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

test('the default org: a handful of named accounts, three permission sets, two users', () => {
  const d = buildDirectory(defaultDirectoryInput());
  assert.deepEqual(
    d.accounts.map((a) => a.name),
    ['prod', 'staging', 'dev', 'security', 'shared-services', 'audit'],
  );
  assert.deepEqual(
    d.permissionSets.map((p) => p.name),
    ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'],
  );
  assert.equal(accountsOf(d, 'alice').length, 5);
  assert.deepEqual(rolesOf(d, 'alice', '444444444444'), ['ReadOnlyAccess']);
  assert.deepEqual(rolesOf(d, 'alice', '666666666666'), [], 'audit is not assigned to alice');
});

test('generated orgs: N accounts, each with three roles', () => {
  const d = buildDirectory(generatedDirectoryInput(1200));
  assert.equal(d.accounts.length, 1200);
  assert.equal(new Set(d.accounts.map((a) => a.id)).size, 1200);
  assert.ok(d.accounts.every((a) => /^\d{12}$/.test(a.id)));
  assert.equal(rolesOf(d, 'alice', d.accounts[1199]!.id).length, 3);
});

test('a JSON directory file: names or ids in assignments, custom permission set policies', async (t) => {
  const home = tempHome(t);
  const file = path.join(home.home, 'org.json');
  writeFile(
    file,
    JSON.stringify({
      startUrl: 'https://my-org.awsapps.com/start',
      users: [{ userName: 'dana' }],
      accounts: [
        { id: '010101010101', name: 'one' },
        { id: '020202020202', name: 'two', email: 'two@corp.example' },
      ],
      permissionSets: [
        'ReadOnlyAccess',
        { name: 'S3Writer', policy: { Version: '2012-10-17', Statement: [] } },
      ],
      assignments: [
        { user: 'dana', account: 'one', permissionSets: ['S3Writer'] },
        { user: 'dana', account: '020202020202', permissionSets: ['ReadOnlyAccess', 'S3Writer'] },
      ],
    }),
  );
  const sb = await startSandbox(t, { directory: file });
  assert.equal(sb.startUrl, 'https://my-org.awsapps.com/start');
  assert.equal(sb.region, 'us-east-1');
  const d = sb.directory!;
  assert.equal(d.users[0]!.email, 'dana@example.com');
  assert.equal(d.accounts[1]!.email, 'two@corp.example');
  assert.deepEqual(d.permissionSets[1]!.policy, { Version: '2012-10-17', Statement: [] });
  assert.deepEqual(rolesOf(d, 'dana', '020202020202'), ['ReadOnlyAccess', 'S3Writer']);
});

test('invalid directories name every problem and where it is', async (t) => {
  assert.throws(
    () =>
      buildDirectory({
        startUrl: 'http://plain',
        region: 'mars',
        users: [],
        accounts: [{ id: '1', name: 'x' }],
        assignments: [{ user: 'zed', account: 'nowhere', permissionSets: ['Nope'] }],
      }),
    (e: unknown) => {
      assert.ok(e instanceof DirectoryError);
      for (const part of [
        'startUrl must be an https URL',
        'region "mars" is not an AWS region name',
        'users: at least one user is needed',
        'accounts[0].id must be 12 digits',
        'assignments[0].user "zed" is not in users',
        'assignments[0].account "nowhere" is not in accounts',
        'unknown permission set "Nope"',
      ]) {
        assert.ok(e.message.includes(part), `${part} in ${e.message}`);
      }
      return true;
    },
  );
  const home = tempHome(t);
  const list = path.join(home.home, 'list.yaml');
  writeFile(list, '- just\n- a list\n');
  assert.throws(() => loadDirectoryFile(list), /is not valid JSON or YAML: not a mapping/);
  await assert.rejects(
    startSandbox(undefined, { accounts: 3, directory: list }),
    /either a directory or accounts/,
  );
});
