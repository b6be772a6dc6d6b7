// The sandbox's organisation: who can sign in, which accounts exist, which permission sets each user
// holds in each account. Loaded from JSON or YAML, or the realistic default below.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

export interface DirectoryUser {
  userName: string;
  displayName: string;
  email: string;
}

export interface DirectoryAccount {
  id: string;
  name: string;
  email: string;
}

export interface PermissionSet {
  name: string;
  /** IAM policy document given to the role when credentials come from an external STS (moto). */
  policy: Record<string, unknown>;
}

export interface Directory {
  startUrl: string;
  region: string;
  users: DirectoryUser[];
  accounts: DirectoryAccount[];
  permissionSets: PermissionSet[];
  /** userName → accountId → permission set names, in display order. */
  assignments: Map<string, Map<string, string[]>>;
}

export const DEFAULT_START_URL = 'https://d-9067c0ffee.awsapps.com/start';
export const DEFAULT_REGION = 'us-east-1';

const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
const readOnly = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['sts:GetCallerIdentity', 's3:Get*', 's3:List*', 'iam:Get*', 'iam:List*', 'ec2:Describe*'],
      Resource: '*',
    },
  ],
};
const powerUser = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', NotAction: ['iam:*', 'organizations:*'], Resource: '*' },
    { Effect: 'Allow', Action: ['sts:AssumeRole', 'iam:Get*', 'iam:List*'], Resource: '*' },
  ],
};

const knownPolicies: Record<string, Record<string, unknown>> = {
  AdministratorAccess: allowAll,
  PowerUserAccess: powerUser,
  ReadOnlyAccess: readOnly,
};

/** Input shape accepted from --directory (every field optional except what makes sense). */
export interface DirectoryInput {
  startUrl?: string;
  region?: string;
  users?: Array<Partial<DirectoryUser> & { userName: string }>;
  accounts?: Array<Partial<DirectoryAccount> & { id: string | number; name: string }>;
  permissionSets?: Array<string | { name: string; policy?: Record<string, unknown> }>;
  assignments?: Array<{ user: string; account: string | number; permissionSets: string[] }>;
}

export class DirectoryError extends Error {}

export function defaultDirectoryInput(): DirectoryInput {
  const all = ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'];
  return {
    startUrl: DEFAULT_START_URL,
    region: DEFAULT_REGION,
    users: [
      { userName: 'alice', displayName: 'Alice Example', email: 'alice@example.com' },
      { userName: 'bob', displayName: 'Bob Example', email: 'bob@example.com' },
    ],
    accounts: [
      { id: '111111111111', name: 'prod', email: 'aws-prod@example.com' },
      { id: '222222222222', name: 'staging', email: 'aws-staging@example.com' },
      { id: '333333333333', name: 'dev', email: 'aws-dev@example.com' },
      { id: '444444444444', name: 'security', email: 'aws-security@example.com' },
      { id: '555555555555', name: 'shared-services', email: 'aws-shared-services@example.com' },
      { id: '666666666666', name: 'audit', email: 'aws-audit@example.com' },
    ],
    permissionSets: all,
    assignments: [
      { user: 'alice', account: 'prod', permissionSets: ['AdministratorAccess', 'ReadOnlyAccess'] },
      { user: 'alice', account: 'staging', permissionSets: all },
      { user: 'alice', account: 'dev', permissionSets: all },
      { user: 'alice', account: 'security', permissionSets: ['ReadOnlyAccess'] },
      {
        user: 'alice',
        account: 'shared-services',
        permissionSets: ['AdministratorAccess', 'ReadOnlyAccess'],
      },
      { user: 'bob', account: 'dev', permissionSets: ['PowerUserAccess'] },
      { user: 'bob', account: 'audit', permissionSets: ['ReadOnlyAccess'] },
    ],
  };
}

/** N accounts `account-0001`… (ids from 100000000001), each with three roles for the first user. */
export function generatedDirectoryInput(count: number): DirectoryInput {
  const base = defaultDirectoryInput();
  const accounts = Array.from({ length: count }, (_, i) => {
    const n = String(i + 1).padStart(4, '0');
    return { id: String(100000000001 + i), name: `account-${n}`, email: `aws-account-${n}@example.com` };
  });
  const all = ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'];
  return {
    ...base,
    accounts,
    assignments: accounts.map((a) => ({ user: 'alice', account: a.id, permissionSets: all })),
  };
}

export function loadDirectoryFile(file: string): DirectoryInput {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DirectoryError(`cannot read directory file ${file}: ${(error as Error).message}`);
  }
  try {
    const value = /\.json$/i.test(file) ? JSON.parse(text) : parseYaml(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a mapping');
    return value as DirectoryInput;
  } catch (error) {
    throw new DirectoryError(`directory file ${file} is not valid JSON or YAML: ${(error as Error).message}`);
  }
}

const ACCOUNT_ID = /^\d{12}$/;

/** Checks and normalises a directory; every problem is reported with the field that holds it. */
export function buildDirectory(input: DirectoryInput): Directory {
  const problems: string[] = [];
  const startUrl = input.startUrl ?? DEFAULT_START_URL;
  if (!/^https:\/\/[^/]+/.test(startUrl)) problems.push(`startUrl must be an https URL (got "${startUrl}")`);
  const region = input.region ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) problems.push(`region "${region}" is not an AWS region name`);

  const users: DirectoryUser[] = [];
  for (const [i, u] of (input.users ?? []).entries()) {
    if (!u || typeof u.userName !== 'string' || !u.userName) {
      problems.push(`users[${i}].userName is missing`);
      continue;
    }
    users.push({
      userName: u.userName,
      displayName: u.displayName ?? u.userName,
      email: u.email ?? `${u.userName}@example.com`,
    });
  }
  if (users.length === 0) problems.push('users: at least one user is needed');

  const accounts: DirectoryAccount[] = [];
  for (const [i, a] of (input.accounts ?? []).entries()) {
    const id = String(a?.id ?? '');
    if (!ACCOUNT_ID.test(id)) {
      problems.push(`accounts[${i}].id must be 12 digits (got "${id}"); quote it in YAML`);
      continue;
    }
    if (!a.name) problems.push(`accounts[${i}].name is missing`);
    accounts.push({ id, name: a.name, email: a.email ?? `aws-${a.name}@example.com` });
  }

  const permissionSets: PermissionSet[] = (input.permissionSets ?? Object.keys(knownPolicies)).map((p) => {
    const name = typeof p === 'string' ? p : p.name;
    const policy = (typeof p === 'object' && p.policy) || knownPolicies[name] || allowAll;
    return { name, policy };
  });
  const psNames = new Set(permissionSets.map((p) => p.name));

  const accountByKey = new Map<string, DirectoryAccount>();
  for (const a of accounts) accountByKey.set(a.name, a);
  for (const a of accounts) accountByKey.set(a.id, a);
  const assignments = new Map<string, Map<string, string[]>>();
  for (const [i, a] of (input.assignments ?? []).entries()) {
    const user = users.find((u) => u.userName === a.user);
    const account = accountByKey.get(String(a.account));
    if (!user) problems.push(`assignments[${i}].user "${a.user}" is not in users`);
    if (!account) problems.push(`assignments[${i}].account "${a.account}" is not in accounts`);
    for (const ps of a.permissionSets ?? []) {
      if (!psNames.has(ps)) problems.push(`assignments[${i}] names unknown permission set "${ps}"`);
    }
    if (!user || !account) continue;
    const byAccount = assignments.get(user.userName) ?? new Map<string, string[]>();
    const roles = byAccount.get(account.id) ?? [];
    for (const ps of a.permissionSets ?? []) if (!roles.includes(ps)) roles.push(ps);
    byAccount.set(account.id, roles);
    assignments.set(user.userName, byAccount);
  }
  if (problems.length > 0) throw new DirectoryError(`invalid directory: ${problems.join('; ')}`);
  return { startUrl, region, users, accounts, permissionSets, assignments };
}

/** Accounts a user is assigned to, in directory order. */
export function accountsOf(directory: Directory, userName: string): DirectoryAccount[] {
  const byAccount = directory.assignments.get(userName);
  if (!byAccount) return [];
  return directory.accounts.filter((a) => byAccount.has(a.id));
}

export function rolesOf(directory: Directory, userName: string, accountId: string): string[] {
  return directory.assignments.get(userName)?.get(accountId) ?? [];
}
