import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ConfigView, Properties } from '../../src/config/model.ts';
import type { Plan } from '../../src/config/plan.ts';
import { ProfileResolutionError, resolvePlan } from '../../src/config/resolve.ts';
import { repoRoot } from '../harness/cli.ts';

// The cross-SDK assume-role vectors (smithy-rs), mapped onto rolehop's Plan.

interface SpecCase {
  docs: string;
  input: {
    profiles: Record<string, Properties>;
    sso_sessions?: Record<string, Properties>;
    selected_profile: string;
  };
  output: { ProfileChain: Record<string, unknown>[] } | { Error: string };
}

const cases: SpecCase[] = JSON.parse(
  fs.readFileSync(path.join(repoRoot, 'test/fixtures/aws-sdk-spec/assume-role-tests.json'), 'utf8'),
);

// Real account ids have 12 digits and rolehop rejects other role ARNs up front; the vectors use
// 9-digit ids, so ARNs are padded in input and expectation alike.
const pad = (s: string) => s.replace(/^(arn:aws:iam::)123456789(:)/, '$1123456789012$2');

/** Which of our error codes answers each spec error. */
const errorCodes: Record<string, string> = {
  'profile must contain `source_profile`': 'no-role-source',
  'profile contained both source_profile and credential_source': 'source-and-credential-source',
  'profile missing aws_secret_access_key': 'partial-static',
  'profile missing aws_access_key_id': 'partial-static',
  'profile `B` did not contain credential information': 'no-credentials',
  'profile `A` did not contain credential information': 'no-credentials',
  'could not find source profile B referenced from A': 'missing-source-profile',
  'No profiles were defined': 'unknown-profile',
  'profile formed an infinite loop': 'loop',
  'if `sso_role_name` is set, then `sso_account_id` must also be set': 'partial-sso',
  'if `sso_account_id` is set, then `sso_role_name` must also be set': 'partial-sso',
  '`sso_region` can only be specified in the [sso-session] config when a session name is given':
    'sso-key-outside-session',
  'sso-session named `oops` (referenced by profile `A`) was not found': 'missing-sso-session',
  '`role_arn` was missing': 'partial-web-identity',
};

/**
 * Cases rolehop answers differently on purpose, with the error it gives instead:
 * - a profile with only sso_session can sign in but names no account/role, so it has no role
 *   credentials (botocore agrees: its SSO credential provider needs sso_account_id + sso_role_name);
 *   the Rust SDK returns a bearer-token provider here, which is not a credential chain.
 */
const deliberate: Record<string, { code: string; why: string }> = {
  'SSO token profile selected': {
    code: 'partial-sso',
    why: 'a token-only sso profile gives no role credentials; rolehop names the missing keys',
  },
};

function viewOf(input: SpecCase['input']): ConfigView {
  const profiles: Record<string, Properties> = {};
  for (const [name, props] of Object.entries(input.profiles)) {
    profiles[name] = Object.fromEntries(
      Object.entries(props).map(([k, v]) => [k, typeof v === 'string' && k === 'role_arn' ? pad(v) : v]),
    );
  }
  return { profiles, ssoSessions: input.sso_sessions ?? {}, services: {}, warnings: [] };
}

/** Our plan in the vectors' ProfileChain shape. */
function chainOf(plan: Plan, view: ConfigView): Record<string, unknown>[] {
  const s = plan.source;
  let first: Record<string, unknown>;
  if (s.kind === 'static') {
    const p = view.profiles[s.profile]!;
    first = {
      AccessKey: {
        access_key_id: p.aws_access_key_id,
        secret_access_key: p.aws_secret_access_key,
        ...(p.aws_account_id ? { account_id: p.aws_account_id } : {}),
      },
    };
  } else if (s.kind === 'credential-source') {
    first = { NamedSource: s.name };
  } else if (s.kind === 'sso') {
    first = {
      Sso: {
        ...(s.session ? { sso_session: s.session } : {}),
        sso_account_id: s.accountId,
        sso_region: s.ssoRegion,
        sso_role_name: s.roleName,
        sso_start_url: s.startUrl,
      },
    };
  } else if (s.kind === 'web-identity') {
    first = {
      WebIdentityToken: {
        role_arn: s.roleArn,
        web_identity_token_file: s.tokenFile,
        ...(s.sessionName ? { role_session_name: s.sessionName } : {}),
      },
    };
  } else {
    first = { Other: s };
  }
  return [
    first,
    ...plan.hops.map((h) => ({
      AssumeRole: {
        role_arn: h.roleArn,
        ...(h.sessionName ? { role_session_name: h.sessionName } : {}),
        ...(h.externalId ? { external_id: h.externalId } : {}),
      },
    })),
  ];
}

function padChain(chain: Record<string, unknown>[]): Record<string, unknown>[] {
  return JSON.parse(JSON.stringify(chain), (k, v) =>
    k === 'role_arn' && typeof v === 'string' ? pad(v) : v,
  );
}

test('the spec file holds the 28 cases', () => {
  assert.equal(cases.length, 28);
});

for (const c of cases) {
  const special = deliberate[c.docs] && !('Error' in c.output) ? deliberate[c.docs] : undefined;
  const name = `spec: ${c.docs}${special ? ` (differs on purpose: ${special.why})` : ''}`;
  test(name, () => {
    const view = viewOf(c.input);
    const run = () => resolvePlan(view, c.input.selected_profile);
    if (special) {
      assert.throws(run, (e: unknown) => e instanceof ProfileResolutionError && e.code === special.code);
      return;
    }
    if ('Error' in c.output) {
      const expected = errorCodes[c.output.Error];
      assert.ok(expected, `no mapping for spec error "${c.output.Error}"`);
      assert.throws(run, (e: unknown) => {
        assert.ok(e instanceof ProfileResolutionError, String(e));
        assert.equal(e.code, expected, e.message);
        assert.ok(e.hint && e.hint.length > 0, 'every error says how to fix it');
        return true;
      });
      return;
    }
    assert.deepEqual(chainOf(run(), view), padChain(c.output.ProfileChain));
  });
}
