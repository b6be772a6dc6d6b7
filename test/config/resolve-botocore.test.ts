import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadConfigView } from '../../src/config/load.ts';
import type { Plan } from '../../src/config/plan.ts';
import { resolvePlan } from '../../src/config/resolve.ts';
import { runProcess } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';

// botocore on this machine is the arbiter: it resolves the same files, and we compare which roles
// it would assume, in which order, with which options, from which kind of source. Nothing is
// fetched: botocore defers AssumeRole until credentials are used, and we record each fetcher.

const BOTOCORE_CHAINS = `
import json, sys
import botocore.session, botocore.credentials as bc
calls = []
orig = bc.AssumeRoleCredentialFetcher.__init__
def record(self, *a, **k):
    calls.append({'roleArn': k['role_arn'], 'source': getattr(k['source_credentials'], 'method', None),
                  'extra': k.get('extra_args') or {}})
    return orig(self, *a, **k)
bc.AssumeRoleCredentialFetcher.__init__ = record
out = {}
for p in json.loads(sys.argv[1]):
    calls.clear()
    try:
        creds = botocore.session.Session(profile=p).get_credentials()
        out[p] = {'hops': list(calls), 'method': creds.method if creds else None}
    except Exception as e:
        out[p] = {'error': type(e).__name__}
print(json.dumps(out))
`;

interface BotocoreAnswer {
  hops?: { roleArn: string; source: string | null; extra: Record<string, unknown> }[];
  method?: string | null;
  error?: string;
}

/** botocore's credential "method" names, by our Source kinds. */
const METHODS: Record<string, string[]> = {
  static: ['shared-credentials-file', 'config-file', 'explicit'],
  sso: ['sso'],
  process: ['custom-process'],
  'credential-source': ['env'],
};

const CONFIG = `[sso-session org]
sso_start_url = https://d-123.awsapps.com/start
sso_region = eu-west-1

[profile sso]
sso_session = org
sso_account_id = 111122223333
sso_role_name = Admin

[profile hub]
role_arn = arn:aws:iam::222233334444:role/Hub
source_profile = sso
role_session_name = alice

[profile deploy]
role_arn = arn:aws:iam::333344445555:role/Deploy
source_profile = hub
external_id = ext-42
duration_seconds = 3600

[profile via-keys]
role_arn = arn:aws:iam::333344445555:role/FromKeys
source_profile = keys-with-role

[profile keys-with-role]
role_arn = arn:aws:iam::999999999999:role/NeverUsed
source_profile = sso

[profile self]
role_arn = arn:aws:iam::333344445555:role/Self
source_profile = self

[profile from-env]
role_arn = arn:aws:iam::333344445555:role/FromEnv
credential_source = Environment

[profile via-process]
role_arn = arn:aws:iam::333344445555:role/FromProcess
source_profile = proc

[profile proc]
credential_process = PROC

[profile loop-a]
role_arn = arn:aws:iam::333344445555:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::333344445555:role/B
source_profile = loop-a

[profile orphan]
role_arn = arn:aws:iam::333344445555:role/Orphan
source_profile = nowhere

[profile both]
role_arn = arn:aws:iam::333344445555:role/Both
source_profile = sso
credential_source = Environment

[profile mismatch]
sso_session = org
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin

[profile partial]
sso_start_url = https://d-123.awsapps.com/start
sso_role_name = Admin

[profile no-session]
sso_session = gone
sso_account_id = 111122223333
sso_role_name = Admin
`;

const CREDENTIALS = `[keys-with-role]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = not-a-real-secret

[self]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = not-a-real-secret
`;

test('botocore resolves the same chains: roles, order, options and source kind agree', async (t) => {
  if (!requires(t, 'botocore')) return;
  const home = tempHome(t);
  const proc = path.join(home.home, 'creds.py');
  writeFile(
    proc,
    `import json\nprint(json.dumps({"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "x"}))\n`,
    0o700,
  );
  writeFile(home.configFile, CONFIG.replace('PROC', `python3 ${proc}`));
  writeFile(home.credentialsFile, CREDENTIALS);
  const view = loadConfigView(home.env);
  const names = Object.keys(view.profiles);
  const r = await runProcess('python3', ['-c', BOTOCORE_CHAINS, JSON.stringify(names)], {
    env: { ...home.env, AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' },
  });
  assert.equal(r.code, 0, r.stderr);
  const answers = JSON.parse(r.stdout) as Record<string, BotocoreAnswer>;
  const errors: string[] = [];
  for (const name of names) {
    const theirs = answers[name]!;
    let ours: Plan | undefined;
    try {
      ours = resolvePlan(view, name);
    } catch (e) {
      assert.ok(theirs.error, `rolehop refuses ${name} (${(e as Error).message}) but botocore accepts it`);
      errors.push(name);
      continue;
    }
    assert.equal(
      theirs.error,
      undefined,
      `botocore refuses ${name} (${theirs.error}) but rolehop accepts it`,
    );
    const hops = theirs.hops!;
    assert.deepEqual(
      hops.map((h) => h.roleArn),
      ours.hops.map((h) => h.roleArn),
      name,
    );
    hops.forEach((h, i) => {
      const hop = ours.hops[i]!;
      assert.equal(h.extra.RoleSessionName, hop.sessionName, `${name} hop ${i}`);
      assert.equal(h.extra.ExternalId, hop.externalId, `${name} hop ${i}`);
      assert.equal(h.extra.DurationSeconds, hop.durationSeconds, `${name} hop ${i}`);
    });
    const sourceMethod = hops.length > 0 ? hops[0]!.source : theirs.method;
    assert.ok(
      METHODS[ours.source.kind]?.includes(sourceMethod ?? ''),
      `${name}: botocore's source ${sourceMethod} vs ours ${ours.source.kind}`,
    );
  }
  assert.deepEqual(
    errors.sort(),
    ['both', 'loop-a', 'loop-b', 'mismatch', 'no-session', 'orphan', 'partial'].sort(),
  );
  assert.ok(fs.existsSync(home.configFile));
});
