import type { ConfigView } from '../config/model.ts';
import { chooseRegion } from '../config/region.ts';
import type { SsoSessionRef } from '../config/sso-session.ts';
import { UsageError } from '../util/errors.ts';
import type { Deps } from './deps.ts';
import type { CommandInput } from './spec.ts';

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

/** --region and --no-region of a command that writes profiles: no region line, or the rule with this override. */
export type RegionFlags = { noRegion: true } | { noRegion: false; override: string | undefined };

/** The region flags of a command line, or a usage error when both are given. */
export function regionFlagsOf(input: CommandInput): RegionFlags {
  if (input.values['no-region'] !== true) return { noRegion: false, override: input.globals.region };
  if (input.globals.region !== undefined) {
    throw new UsageError('give --region or --no-region, not both', {
      hint: '--region R writes R; --no-region writes no region line',
    });
  }
  return { noRegion: true };
}

/**
 * The `region` configure and populate write: the region rule (config/region.ts) for the chain's
 * start, so `aws … --profile P` works on a machine with no default region; none with --no-region.
 */
export function regionOfFlags(
  flags: RegionFlags,
  deps: Pick<Deps, 'env'>,
  view: ConfigView,
  from: { profile: string } | { session: SsoSessionRef },
): string | undefined {
  if (flags.noRegion) return undefined;
  const start =
    'profile' in from
      ? { profile: from.profile }
      : { signIn: { ssoRegion: from.session.region, session: from.session.name } };
  return chooseRegion(view, deps.env, { override: flags.override, ...start })?.value;
}

/** regionOfFlags straight from a command line. */
export function regionToWrite(
  input: CommandInput,
  deps: Pick<Deps, 'env'>,
  view: ConfigView,
  from: { profile: string } | { session: SsoSessionRef },
): string | undefined {
  return regionOfFlags(regionFlagsOf(input), deps, view, from);
}
