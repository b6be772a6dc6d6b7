import type { Partition } from '../config/endpoints.ts';
import { ROLE_ARN_EXAMPLE, type RoleArn, readRoleArn } from '../config/hop-rules.ts';
import { UsageError } from '../util/errors.ts';

/** Parses and checks an IAM role ARN given at run time (a selector, a library Plan): a usage error. */
export function parseRoleArn(arn: string): RoleArn {
  const read = readRoleArn(arn.trim());
  if ('problem' in read) {
    throw new UsageError(`invalid role ARN "${arn}": ${read.problem}`, {
      hint: `expected the shape ${ROLE_ARN_EXAMPLE}`,
    });
  }
  return read;
}

/** Where STS calls go when no region is configured: the partition's first region. */
export function defaultRegionFor(partition: Partition): string {
  if (partition === 'aws-cn') return 'cn-north-1';
  if (partition === 'aws-us-gov') return 'us-gov-west-1';
  return 'us-east-1';
}
