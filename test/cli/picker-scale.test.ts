import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { historyPath, rankByHistory, recordPick } from '../../src/cli/pick-history.ts';
import { filterItems, type PickerItem } from '../../src/cli/picker.ts';
import { tempHome } from '../harness/temp-home.ts';

// The picker at scale: 5,000 accounts × 5 roles filtered on every keystroke, matching the account's
// email too; and the history that puts recent and frequent targets first.

type Value = { accountId: string; roleName: string };

function org(accounts: number): PickerItem<Value>[] {
  const roles = ['AdministratorAccess', 'ReadOnlyAccess', 'PowerUserAccess', 'Billing', 'SecurityAudit'];
  const items: PickerItem<Value>[] = [];
  for (let i = 0; i < accounts; i++) {
    const id = String(100000000000 + i);
    const name = `${['prod', 'staging', 'dev', 'sandbox'][i % 4]}-${String(i).padStart(4, '0')}`;
    for (const r of roles) {
      const label = `${name.padEnd(24)} ${id}  ${r}`;
      items.push({
        label,
        search: `${label} team-${i}@example.com`.toLowerCase(),
        value: { accountId: id, roleName: r },
      });
    }
  }
  return items;
}

// The time per keystroke is measured in bench/picker.bench.mjs (recorded in bench/RESULTS.md), not
// asserted here: a loaded CI machine would fail a timed test for nothing the code did.
test('filtering 25,000 targets (5,000 accounts × 5 roles) narrows keystroke by keystroke to the best matches', (t) => {
  const items = org(5000);
  assert.equal(items.length, 25_000);
  const typed = 'prod-01 readonly';
  const times: number[] = [];
  let shown = items;
  for (let n = 1; n <= typed.length; n++) {
    const started = performance.now();
    shown = filterItems(items, typed.slice(0, n));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  const worst = times.at(-1)!;
  t.diagnostic(
    `filter per keystroke over 25,000 targets: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms`,
  );
  // Exact substrings rank before fuzzy (subsequence) matches.
  assert.match(shown[0]!.label, /^prod-01\d\d .* ReadOnlyAccess$/);
  assert.ok(shown.slice(0, 25).every((s) => /^prod-01\d\d .* ReadOnlyAccess$/.test(s.label)));
});

test('typing an email or an account id finds the account', () => {
  const items = org(50);
  assert.deepEqual(
    filterItems(items, 'team-17@').map((i) => i.value.accountId),
    Array(5).fill('100000000017'),
  );
  assert.equal(filterItems(items, '100000000042 billing')[0]!.value.roleName, 'Billing');
});

test('recent and frequent targets come first; the history file is 0600', (t) => {
  const home = tempHome(t);
  const items = org(10);
  const key = (v: Value) => `${v.accountId} ${v.roleName}`;
  const now = Date.parse('2026-12-01T12:00:00Z');
  const warn = (m: string) => assert.fail(m);
  assert.deepEqual(rankByHistory(items, key, home.env, now), items, 'no history: the listing order');
  const often = items[30]!.value;
  const once = items[7]!.value;
  const longAgo = items[12]!.value;
  for (let i = 0; i < 3; i++) recordPick(key(often), home.env, now - 3600_000, warn);
  recordPick(key(once), home.env, now - 60_000, warn);
  for (let i = 0; i < 5; i++) recordPick(key(longAgo), home.env, now - 90 * 24 * 3600_000, warn);
  const ranked = rankByHistory(items, key, home.env, now);
  assert.deepEqual(
    ranked.slice(0, 3).map((i) => i.value),
    [often, once, longAgo],
    'three recent uses beat one, and one recent beats five three months ago',
  );
  assert.equal(ranked.length, items.length);
  assert.equal(fs.statSync(historyPath(home.env)).mode & 0o777, 0o600);
});
