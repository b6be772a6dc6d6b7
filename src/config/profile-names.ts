// Profile names for `rolehop populate`: a template filled per account × role, cleaned into a name
// every SDK accepts, and collisions settled the same way on every run (so re-runs change nothing).

import { ConfigError } from '../util/errors.ts';
import { isValidIdentifier } from './parse.ts';

export const DEFAULT_TEMPLATE = '{account_name}.{role_name}';

export interface NameVars {
  account_id: string;
  account_name: string;
  role_name: string;
  sso_session: string;
  account_email: string;
}

const FIELDS = new Set(['account_id', 'account_name', 'role_name', 'sso_session', 'account_email']);

/** Refuses templates with unknown fields or none that tells roles apart. */
export function checkTemplate(template: string): void {
  const fields = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  const unknown = fields.filter((f) => !FIELDS.has(f));
  if (unknown.length > 0) {
    throw new ConfigError(`unknown field {${unknown[0]}} in the profile name template "${template}"`, {
      hint: `use {account_name}, {account_id}, {role_name}, {sso_session} or {account_email}, e.g. '${DEFAULT_TEMPLATE}'`,
    });
  }
  if (!fields.includes('role_name')) {
    throw new ConfigError(`the profile name template "${template}" has no {role_name}`, {
      hint: `every role needs its own profile; e.g. '${DEFAULT_TEMPLATE}'`,
    });
  }
}

/** Letters, digits and `-_.@+` stay; anything else becomes `-`, runs collapse, ends are trimmed. */
export function sanitizeProfileName(raw: string): string {
  const cleaned = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.@+-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return cleaned === '' ? 'profile' : cleaned;
}

export function renderTemplate(template: string, vars: NameVars): string {
  return sanitizeProfileName(
    template.replace(/\{([a-z_]+)\}/g, (_m, field: string) => vars[field as keyof NameVars] ?? ''),
  );
}

export interface NamedEntry<T> {
  name: string;
  item: T;
}

/**
 * Names for every item. Items are ordered by (account id, role name) first, so the outcome does not
 * depend on listing order; a name taken by an earlier item, or by a profile outside rolehop's
 * blocks (`reserved`), gets `-<account id>`, then `-2`, `-3`… appended.
 */
export function assignProfileNames<T extends { accountId: string; roleName: string }>(
  items: T[],
  nameOf: (item: T) => string,
  reserved: ReadonlySet<string> = new Set(),
): NamedEntry<T>[] {
  const sorted = [...items].sort((a, b) =>
    a.accountId === b.accountId
      ? a.roleName < b.roleName
        ? -1
        : a.roleName > b.roleName
          ? 1
          : 0
      : a.accountId < b.accountId
        ? -1
        : 1,
  );
  const wanted = sorted.map(nameOf);
  const counts = new Map<string, number>();
  for (const n of wanted) counts.set(n, (counts.get(n) ?? 0) + 1);
  const taken = new Set<string>(reserved);
  const out: NamedEntry<T>[] = [];
  // Unique names first, so a clash between two items never renames a third, unrelated one.
  const firstPass = sorted.map((_item, i) => {
    const name = wanted[i]!;
    if (counts.get(name) === 1 && !taken.has(name)) {
      taken.add(name);
      return name;
    }
    return undefined;
  });
  sorted.forEach((item, i) => {
    let name = firstPass[i];
    if (name === undefined) {
      const base = wanted[i]!;
      name = sanitizeProfileName(`${base}-${item.accountId}`);
      for (let n = 2; taken.has(name); n++) name = sanitizeProfileName(`${base}-${item.accountId}-${n}`);
      taken.add(name);
    }
    if (!isValidIdentifier(name)) throw new ConfigError(`cannot make a valid profile name from "${name}"`);
    out.push({ name, item });
  });
  return out;
}
