import { UsageError } from '../util/errors.ts';

// The one check of a region name typed on the command line (--region, --sso-region): every
// command accepts or refuses the same names, before any file or network is touched.

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** The region as given, or a usage error (exit 2) naming the flag (or the question setup asked). */
export function parseRegion(value: string | undefined, flag = '--region'): string | undefined {
  if (value === undefined || REGION_NAME.test(value)) return value;
  throw new UsageError(`${flag} "${value}" is not an AWS region name`, {
    hint: `use a region like us-east-1 or eu-west-1${flag.startsWith('--') ? `, e.g. ${flag} eu-west-1` : ''}`,
  });
}
