// The cross-SDK test vectors (test/fixtures/aws-sdk-spec) run against rolehop's parser.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { selectedProfile } from '../../src/config/env-profile.ts';
import { mergeViews, parseConfigText } from '../../src/config/parse.ts';
import { configPaths } from '../../src/config/paths.ts';
import { repoRoot } from '../harness/cli.ts';

const specDir = path.join(repoRoot, 'test', 'fixtures', 'aws-sdk-spec');

interface ParserCase {
  name: string;
  input: { configFile?: string; credentialsFile?: string };
  output: {
    errorContaining?: string;
    config?: {
      profiles: Record<string, Record<string, string>>;
      sso_sessions?: Record<string, Record<string, string>>;
    };
  };
}

// The spec writes a sub-property block as its raw text ("\nname = value"); rolehop's view (like
// botocore's) holds it as a map. Convert the expected text to the map form before comparing.
function subPropertiesAsMap(props: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(props)) {
    if (!v.startsWith('\n')) {
      out[k] = v;
      continue;
    }
    const map: Record<string, string> = {};
    for (const line of v.split('\n').slice(1)) {
      const eq = line.indexOf('=');
      map[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
    out[k] = map;
  }
  return out;
}

const plain = (v: unknown) => JSON.parse(JSON.stringify(v));

const parserCases = (
  JSON.parse(fs.readFileSync(path.join(specDir, 'profile-parser-tests.json'), 'utf8')) as {
    tests: ParserCase[];
  }
).tests;

test('the spec has 65 profile-parser cases', () => {
  assert.equal(parserCases.length, 65);
});

/**
 * Vectors where botocore and the JS SDK, the readers rolehop must match (issue 16 §6), read the file
 * otherwise than the spec says: rolehop reads what both read, and a line they read differently is a
 * `disputed` warning (never read, never edited next to). Each was checked against botocore 1.x and
 * @smithy/shared-ini-file-loader (test/config/differential.test.ts pins the same shapes).
 */
const READERS_DIFFER: Record<number, { why: string; profiles: Record<string, unknown>; disputed: number[] }> =
  {
    4: {
      why: '[profile \tfoo \t]: botocore reads profile foo, the JS SDK no profile (no blanks allowed after the name)',
      profiles: {},
      disputed: [1],
    },
    16: {
      why: '"key : value": botocore reads key = value (":" is a delimiter to configparser), the JS SDK ignores the line',
      profiles: { foo: {} },
      disputed: [2],
    },
    23: {
      why: '"[profile foo];": botocore reads the header, the JS SDK does not (";" right after "]" is no comment to it)',
      profiles: {},
      disputed: [2],
    },
    24: {
      why: '"[profile foo]; …" and "[profile bar]# …": headers to botocore, not to the JS SDK',
      profiles: {},
      disputed: [1, 2],
    },
    56: {
      why: '"[profile foo]; …" and "[profile bar]# …": headers to botocore, not to the JS SDK',
      profiles: {},
      disputed: [1, 2],
    },
    59: {
      why: '[   profile foo    ]: neither botocore nor the JS SDK reads a profile (both keep the spaces in the name)',
      profiles: { bar: {} },
      disputed: [],
    },
    60: {
      why: 'credentials [   foo    ]: both readers name the profile "   foo    ", spaces kept; rolehop cannot name it',
      profiles: {},
      disputed: [],
    },
  };

for (const [i, c] of parserCases.entries()) {
  test(`profile parser #${i}: ${c.name}`, () => {
    const config = parseConfigText(c.input.configFile ?? '', 'config');
    const credentials = parseConfigText(c.input.credentialsFile ?? '', 'credentials');
    const merged = mergeViews(config, credentials);
    const errors = merged.issues.filter((x) => x.severity === 'error');
    const differ = READERS_DIFFER[i];
    if (differ) {
      assert.deepEqual(errors, [], differ.why);
      assert.deepEqual(plain(merged.profiles), differ.profiles, differ.why);
      const disputed = merged.issues.filter((x) =>
        /rolehop (ignores the line|will not edit)/.test(x.message),
      );
      assert.deepEqual(
        disputed.map((x) => x.line),
        differ.disputed,
        differ.why,
      );
      return;
    }
    if (c.output.errorContaining !== undefined) {
      // rolehop does not fail the whole file: the offending line is skipped and reported as an error
      // issue with the spec's message (doctor shows it with its line number).
      assert.ok(errors.length > 0, 'expected an error issue');
      assert.ok(
        errors.some((e) => e.message.includes(c.output.errorContaining!)),
        `no error containing "${c.output.errorContaining}" in ${JSON.stringify(errors)}`,
      );
      return;
    }
    assert.deepEqual(errors, []);
    const expected = c.output.config!;
    assert.deepEqual(
      plain(merged.profiles),
      Object.fromEntries(Object.entries(expected.profiles).map(([k, v]) => [k, subPropertiesAsMap(v)])),
    );
    if (expected.sso_sessions) assert.deepEqual(plain(merged.ssoSessions), expected.sso_sessions);
  });
}

interface LocationCase {
  name: string;
  environment: Record<string, string>;
  platform: 'linux' | 'windows';
  profile?: string;
  configLocation: string;
  credentialsLocation: string;
}

const locationCases = (
  JSON.parse(fs.readFileSync(path.join(specDir, 'file-location-tests.json'), 'utf8')) as {
    tests: LocationCase[];
  }
).tests;

test('the spec has 9 file-location cases', () => {
  assert.equal(locationCases.length, 9);
});

for (const [i, c] of locationCases.entries()) {
  test(`file location #${i}: ${c.name} (${c.platform})`, () => {
    const paths = configPaths(c.environment, c.platform === 'windows' ? 'win32' : 'linux');
    assert.equal(paths.configFile, c.configLocation);
    assert.equal(paths.credentialsFile, c.credentialsLocation);
    if (c.profile !== undefined) assert.equal(selectedProfile(c.environment), c.profile);
  });
}
