import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isValidIdentifier } from '../../src/config/parse.ts';
import {
  assignProfileNames,
  checkTemplate,
  renderTemplate,
  sanitizeProfileName,
} from '../../src/config/profile-names.ts';

test('sanitising keeps letters, digits and -_.@+, folds accents, and never returns an invalid name', () => {
  assert.equal(sanitizeProfileName('Prod (EU) / Ünïcode'), 'Prod-EU-Unicode');
  assert.equal(sanitizeProfileName('..--'), 'profile');
  assert.equal(sanitizeProfileName('a b.c@d+e_f'), 'a-b.c@d+e_f');
  fc.assert(
    fc.property(fc.string(), (s) => {
      const name = sanitizeProfileName(s);
      return isValidIdentifier(name) && name === sanitizeProfileName(name);
    }),
  );
});

test('templates fill every field and refuse unknown ones or a missing {role_name}', () => {
  const vars = {
    account_id: '111111111111',
    account_name: 'Prod EU',
    role_name: 'Admin',
    sso_session: 'org',
    account_email: 'a@example.com',
  };
  assert.equal(renderTemplate('{sso_session}:{account_name}.{role_name}', vars), 'org-Prod-EU.Admin');
  assert.equal(renderTemplate('{account_id}-{role_name}', vars), '111111111111-Admin');
  assert.throws(() => checkTemplate('{acount_name}.{role_name}'), /unknown field \{acount_name\}/);
  assert.throws(() => checkTemplate('{account_name}'), /no \{role_name\}/);
  checkTemplate('{account_email}/{role_name}');
});

test('collisions are settled by account id whatever the listing order, and never onto a reserved name', () => {
  const items = [
    { accountId: '333333333333', roleName: 'Admin', n: 'dev' },
    { accountId: '111111111111', roleName: 'Admin', n: 'dev' },
    { accountId: '222222222222', roleName: 'Admin', n: 'prod' },
    { accountId: '222222222222', roleName: 'Read', n: 'prod' },
  ];
  const name = (i: (typeof items)[number]) => `${i.n}.${i.roleName}`;
  const reserved = new Set(['prod.Read']);
  const expected = [
    ['dev.Admin-111111111111', '111111111111'],
    ['prod.Admin', '222222222222'],
    ['prod.Read-222222222222', '222222222222'],
    ['dev.Admin-333333333333', '333333333333'],
  ];
  fc.assert(
    fc.property(fc.shuffledSubarray(items, { minLength: items.length }), (shuffled) => {
      const out = assignProfileNames(shuffled, name, reserved).map((e) => [e.name, e.item.accountId]);
      assert.deepEqual(out, expected);
    }),
  );
});
