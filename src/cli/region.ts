import type { ConfigView } from '../config/model.ts';
import { chooseRegion } from '../config/region.ts';
import type { SsoSessionRef } from '../config/sso-session.ts';
import { UsageError } from '../util/errors.ts';
import type { Deps } from './deps.ts';
import { type CommandInput, flagOf } from './spec.ts';

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

/** --region or --no-region of the commands that write profiles, checked together. */
export interface RegionChoice {
  /** --region, already checked by parseRegion. */
  region: string | undefined;
  /** --no-region: write no region line. */
  noRegion: boolean;
}

export function parseRegionChoice(raw: CommandInput): RegionChoice {
  const noRegion = flagOf(raw, 'no-region');
  if (noRegion && raw.globals.region !== undefined) {
    throw new UsageError('give --region or --no-region, not both', {
      hint: '--region R writes R; --no-region writes no region line',
    });
  }
  return { region: raw.globals.region, noRegion };
}

/**
 * The `region` configure and populate write: the region rule (config/region.ts) for the chain's
 * start, so `aws … --profile P` works on a machine with no default region; none with --no-region.
 */
export function regionToWrite(
  choice: RegionChoice,
  deps: Pick<Deps, 'env'>,
  view: ConfigView,
  from: { profile: string } | { session: SsoSessionRef },
): string | undefined {
  if (choice.noRegion) return undefined;
  const start =
    'profile' in from
      ? { profile: from.profile }
      : { signIn: { ssoRegion: from.session.region, session: from.session.name } };
  return chooseRegion(view, deps.env, { override: choice.region, ...start })?.value;
}
