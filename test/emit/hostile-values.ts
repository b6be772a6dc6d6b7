// Hostile credential values for the emit property tests: quotes, substitutions, line breaks,
// cmd specials, unicode and long strings; `canary` names a file that must never be created.
import fc from 'fast-check';
import type { Credentials } from '../../src/emit/index.ts';

export type Sample = Credentials & { region?: string | undefined };

export function hostileArbitraries(canary: string) {
  const hostileFragment = fc.oneof(
    fc.constantFrom(
      "'",
      '"',
      '\\',
      '\\\\',
      '`',
      '$',
      '$' + '{HOME}',
      '$HOME',
      `$(touch ${canary})`,
      `\`touch ${canary}\``,
      `'; touch ${canary}; '`,
      `"; touch ${canary}; "`,
      `\\'; touch ${canary} #`,
      `\ntouch ${canary}\n`,
      '\n',
      '\r\n',
      '\r',
      '\t',
      ' ',
      '%PATH%',
      '!',
      '!!',
      '^',
      '&|<>;*?~#=',
      'é',
      '🚀',
      '\u2019',
      '\u00a0',
      '\u2028',
    ),
    fc.string({ unit: 'binary', maxLength: 20 }),
  );
  const wellFormed = (s: string) => Buffer.from(s, 'utf8').toString('utf8') === s && !s.includes('\0');
  const hostile = fc
    .oneof(
      { weight: 5, arbitrary: fc.array(hostileFragment, { maxLength: 12 }).map((a) => a.join('')) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 500, maxLength: 3000 }) },
    )
    .filter(wellFormed);
  const nonEmpty = hostile.filter((s) => s !== '');

  const credsAndRegion = fc.record({
    accessKeyId: hostile,
    secretAccessKey: hostile,
    sessionToken: fc.option(nonEmpty, { nil: undefined }),
    expiration: fc.option(
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
      {
        nil: undefined,
      },
    ),
    region: fc.option(nonEmpty, { nil: undefined }),
  });
  return { hostile, nonEmpty, credsAndRegion };
}

/** The variables a shell should hold after evaluating the output for `s`. */
export function expected(s: Sample): Record<string, string> {
  const out: Record<string, string> = {
    AWS_ACCESS_KEY_ID: s.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s.secretAccessKey,
  };
  if (s.sessionToken) out.AWS_SESSION_TOKEN = s.sessionToken;
  if (s.expiration) out.AWS_CREDENTIAL_EXPIRATION = s.expiration.toISOString().replace(/\.\d{3}Z$/, 'Z');
  if (s.region) out.AWS_REGION = out.AWS_DEFAULT_REGION = s.region;
  return out;
}

/**
 * Credentials whose every field is in its documented alphabet (what rolehop hands out): access
 * key ids `[A-Z0-9]{16,128}`, base64/base64url secrets and tokens as long as real ones, regions.
 */
export function validArbitraries() {
  const base64ish = (max: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9+/=_-]{1,${max}}$`));
  return fc.record({
    accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,128}$/),
    secretAccessKey: base64ish(64),
    sessionToken: fc.option(base64ish(1500), { nil: undefined }),
    expiration: fc.option(
      fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
      { nil: undefined },
    ),
    region: fc.option(fc.stringMatching(/^[a-z0-9-]{1,20}$/), { nil: undefined }),
  });
}
