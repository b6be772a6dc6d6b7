import { UsageError } from '../util/errors.ts';

export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

export interface RoleArn {
  partition: Partition;
  accountId: string;
  roleName: string;
  /** IAM path, `/` when none (`arn:aws:iam::1:role/team/Deploy` → `/team/`). */
  path: string;
}

const EXPECTED = 'arn:aws:iam::123456789012:role/Name';
const PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov'];
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

function refuse(arn: string, what: string): never {
  throw new UsageError(`invalid role ARN "${arn}": ${what}`, {
    hint: `expected the shape ${EXPECTED}`,
  });
}

/** Parses and checks an IAM role ARN before anything goes over the network. */
export function parseRoleArn(arn: string): RoleArn {
  const text = arn.trim();
  const parts = text.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn') refuse(arn, 'not an ARN (six ":"-separated fields)');
  const [, partition, service, region, accountId, resource] = parts as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!PARTITIONS.includes(partition))
    refuse(arn, `unknown partition "${partition}" (aws, aws-cn, aws-us-gov)`);
  if (service !== 'iam') refuse(arn, `service is "${service}", a role ARN has "iam"`);
  if (region !== '') refuse(arn, 'IAM ARNs have no region (note the "::")');
  if (!/^\d{12}$/.test(accountId)) refuse(arn, `account "${accountId}" is not 12 digits`);
  if (!resource.startsWith('role/')) refuse(arn, `resource "${resource}" is not "role/<name>"`);
  const rest = resource.slice('role/'.length);
  const slash = rest.lastIndexOf('/');
  const roleName = rest.slice(slash + 1);
  const path = slash < 0 ? '/' : `/${rest.slice(0, slash + 1)}`;
  if (!ROLE_NAME.test(roleName)) {
    refuse(arn, `role name "${roleName}" must be 1-64 characters of letters, digits and +=,.@_-`);
  }
  if (path.includes('//')) refuse(arn, `role path "${path}" has an empty segment`);
  return { partition: partition as Partition, accountId, roleName, path };
}

/** Where STS calls go when no region is configured: the partition's first region. */
export function defaultRegionFor(partition: Partition): string {
  if (partition === 'aws-cn') return 'cn-north-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  return 'us-east-1';
}

/** The regional STS endpoint (`AWS_ENDPOINT_URL_STS` and friends are resolved by the caller). */
export function defaultStsEndpoint(region: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://sts.${region}.${suffix}`;
}
