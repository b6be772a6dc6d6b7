import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  DURATION_SECONDS,
  EXTERNAL_ID,
  MFA_CODE,
  MFA_SERIAL,
  readRoleArn,
  SESSION_NAME,
  SOURCE_IDENTITY,
  tagsProblem,
  type ValueRule,
} from '../../src/config/hop-rules.ts';

// Each rule at the edges of what STS and IAM accept (the API models' min, max and pattern): one
// value just inside, one just outside, and the characters that differ between the rules.

const NAME_CHARS = 'Aa0_+=,.@-';

const stringRules: [string, ValueRule, accepted: string[], refused: string[]][] = [
  [
    'RoleSessionName 2-64 [\\w+=,.@-]',
    SESSION_NAME,
    ['ab', 'a'.repeat(64), NAME_CHARS, 'alice@example.com'],
    ['', 'a', 'a'.repeat(65), 'has space', 'a/b', 'a:b', 'jöhn', 'tab\there'],
  ],
  [
    'SourceIdentity 2-64 [\\w+=,.@-]',
    SOURCE_IDENTITY,
    ['ab', 'x'.repeat(64), NAME_CHARS],
    ['a', 'x'.repeat(65), 'a b', 'a/b', 'é!'],
  ],
  [
    'ExternalId 2-1224 [\\w+=,.@:/-]',
    EXTERNAL_ID,
    ['ab', 'e'.repeat(1224), `${NAME_CHARS}:/`, 'urn:example:tenant/42'],
    ['', 'e', 'e'.repeat(1225), 'has space', 'a;b', 'a"b', 'ünïcode'],
  ],
  [
    'SerialNumber 9-256 [\\w+=/:,.@-]',
    MFA_SERIAL,
    [
      'GAHT12345',
      'arn:aws:iam::123456789012:mfa/alice',
      'arn:aws-cn:iam::123456789012:mfa/a',
      's'.repeat(256),
    ],
    [
      'GAHT1234',
      's'.repeat(257),
      `arn:aws:iam::123456789012:mfa/${'a'.repeat(230)}`,
      'has a space',
      'a;bcdefghij',
    ],
  ],
  [
    'TokenCode 6 digits',
    MFA_CODE,
    ['000000', '123456'],
    ['', '12345', '1234567', '12ab56', ' 123456', '١٢٣٤٥٦'],
  ],
];

test('string rules accept their edges and refuse one step past them', () => {
  for (const [name, rule, accepted, refused] of stringRules) {
    for (const value of accepted) assert.equal(rule.accepts(value), true, `${name} accepts ${value}`);
    for (const value of refused) assert.equal(rule.accepts(value), false, `${name} refuses ${value}`);
    assert.ok(rule.expected.length > 0, `${name} says what it expects`);
  }
});

test('DurationSeconds is a whole number from 900 to 43200', () => {
  for (const ok of [900, 3600, 43_200]) assert.equal(DURATION_SECONDS.accepts(ok), true, String(ok));
  for (const bad of [899, 43_201, 0, -900, 1000.5, Number.NaN, Number.POSITIVE_INFINITY]) {
    assert.equal(DURATION_SECONDS.accepts(bad), false, String(bad));
  }
  assert.match(DURATION_SECONDS.expected, /900 \(15m\) to 43200 \(12h\)/);
});

test('session tags: at most 50; keys 1-128 and values 0-256 of letters, digits, spaces and _.:/=+-@', () => {
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, 'v']));
  const cases: [Record<string, string>, RegExp | undefined][] = [
    [{}, undefined],
    [many(50), undefined],
    [many(51), /too many session tags \(51, at most 50\)/],
    [{ ['k'.repeat(128)]: 'v'.repeat(256) }, undefined],
    [{ 'Cost Centre': 'Équipe 7' }, undefined], // \p{L} and \p{Z}: Unicode letters and spaces are fine
    [{ 'a:b/c=d+e-f@g_h.i': '' }, undefined], // an empty value is allowed
    [{ ['k'.repeat(129)]: 'v' }, /session tag key "k+" must be 1-128/],
    [{ '': 'v' }, /session tag key "" must be 1-128/],
    [{ 'a,b': 'v' }, /session tag key "a,b"/], // a comma is fine in names, not in tags
    [{ k: 'v'.repeat(257) }, /the value of session tag "k" must be 0-256/],
    [{ k: 'a;b' }, /the value of session tag "k"/],
  ];
  for (const [tags, expected] of cases) {
    const problem = tagsProblem(tags);
    if (expected === undefined) assert.equal(problem, undefined, JSON.stringify(tags).slice(0, 80));
    else assert.match(problem ?? '', expected);
  }
});

test('role ARNs: partition, service, account, IAM role name (1-64) and path (1-512)', () => {
  const long = (n: number) => 'R'.repeat(n);
  const accepted: [string, { partition: string; roleName: string; path: string }][] = [
    ['arn:aws:iam::123456789012:role/Deploy', { partition: 'aws', roleName: 'Deploy', path: '/' }],
    ['arn:aws-cn:iam::123456789012:role/a/b/C', { partition: 'aws-cn', roleName: 'C', path: '/a/b/' }],
    ['arn:aws-us-gov:iam::123456789012:role/R', { partition: 'aws-us-gov', roleName: 'R', path: '/' }],
    [`arn:aws:iam::123456789012:role/${long(64)}`, { partition: 'aws', roleName: long(64), path: '/' }],
    [`arn:aws:iam::123456789012:role/${NAME_CHARS}`, { partition: 'aws', roleName: NAME_CHARS, path: '/' }],
    // IAM paths allow any printable ASCII, ":" included; the ARN's own ":" fields come first.
    ['arn:aws:iam::123456789012:role/a:b!/R', { partition: 'aws', roleName: 'R', path: '/a:b!/' }],
    [
      `arn:aws:iam::123456789012:role/${'p'.repeat(510)}/R`,
      { partition: 'aws', roleName: 'R', path: `/${'p'.repeat(510)}/` },
    ],
  ];
  for (const [arn, parts] of accepted) {
    const read = readRoleArn(arn);
    assert.ok(!('problem' in read), `${arn}: ${'problem' in read ? read.problem : ''}`);
    assert.deepEqual(
      { partition: read.partition, roleName: read.roleName, path: read.path },
      parts,
      arn.slice(0, 80),
    );
    assert.equal(read.accountId, '123456789012');
  }
  const refused: [string, RegExp][] = [
    ['', /not an ARN/],
    ['Deploy', /not an ARN/],
    ['arn:aws:iam::123456789012', /not an ARN/],
    ['arn:aws-iso:iam::123456789012:role/R', /unknown partition "aws-iso"/],
    ['arn:aws:sts::123456789012:role/R', /service is "sts"/],
    ['arn:aws:iam:us-east-1:123456789012:role/R', /no region/],
    ['arn:aws:iam::12345678901:role/R', /account "12345678901" is not 12 digits/],
    ['arn:aws:iam::1234567890123:role/R', /is not 12 digits/],
    ['arn:aws:iam::123456789012:user/R', /resource "user\/R" is not "role\/<name>"/],
    ['arn:aws:iam::123456789012:role/', /role name "" is empty/],
    ['arn:aws:iam::123456789012:role/team/', /role name "" is empty/],
    [`arn:aws:iam::123456789012:role/${long(65)}`, /role name longer than 64 characters \(65/],
    [`arn:aws:iam::123456789012:role/${long(70)}`, /role name longer than 64 characters \(70/],
    ['arn:aws:iam::123456789012:role/bad name', /role name "bad name" may hold only/],
    ['arn:aws:iam::123456789012:role/é', /role name "é"/],
    ['arn:aws:iam::123456789012:role/x:y', /role name "x:y"/],
    ['arn:aws:iam::123456789012:role/a//R', /role path "\/a\/\/" has an empty segment/],
    ['arn:aws:iam::123456789012:role/a b/R', /role path "\/a b\/" may hold only printable ASCII/],
    [`arn:aws:iam::123456789012:role/${'p'.repeat(511)}/R`, /role path longer than 512 characters \(513\)/],
  ];
  for (const [arn, why] of refused) {
    const read = readRoleArn(arn);
    assert.ok('problem' in read, `${arn.slice(0, 80)} is refused`);
    assert.match(read.problem, why, arn.slice(0, 80));
  }
});
