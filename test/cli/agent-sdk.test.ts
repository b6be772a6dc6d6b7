import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { get, stopAgentAfter } from '../harness/agent.ts';
import { repoRoot } from '../harness/cli.ts';
import { requires } from '../harness/requires.ts';
import { rolehopOnPath, signedInWorld } from '../harness/signed-in-world.ts';
import { SHELLS, terminal } from '../harness/tmux.ts';

// The long-shell story end to end: real bash, zsh and fish sessions in tmux each run
// `eval "$(rolehop env … --agent)"` once, then botocore, the JS SDK, awscli v1 and the AWS CLI v2
// call STS (moto, which checks every signature) again and again while the role credentials live
// 15 seconds: at least three expiries pass with no re-export.

const LIFETIME = 15;

// A long-lived botocore session: calls until it has used four credential sets and three lifetimes
// have passed.
const PY_CLIENT = `
import boto3, sys, time
session = boto3.Session(region_name='us-east-1')
sts = session.client('sts')
start = time.time(); seen = set()
while len(seen) < 4 or time.time() - start < 3 * ${LIFETIME} + 2:
    if time.time() - start > 150:
        print('py timeout', flush=True); sys.exit(1)
    arn = sts.get_caller_identity()['Arn']
    key = session.get_credentials().get_frozen_credentials().access_key
    seen.add(key)
    print('py', key, arn, flush=True)
    time.sleep(2)
`;

// The JS SDK v3's default chain (its container provider, memoized with refresh).
const JS_CLIENT = `
const { STSClient, GetCallerIdentityCommand } = require('@aws-sdk/client-sts');
(async () => {
  const client = new STSClient({ region: 'us-east-1' });
  const start = Date.now(); const seen = new Set();
  while (seen.size < 4 || Date.now() - start < (3 * ${LIFETIME} + 2) * 1000) {
    if (Date.now() - start > 150000) { console.log('js timeout'); process.exit(1); }
    const { Arn } = await client.send(new GetCallerIdentityCommand({}));
    const creds = await client.config.credentials();
    seen.add(creds.accessKeyId);
    console.log('js', creds.accessKeyId, Arn);
    await new Promise((r) => setTimeout(r, 2000));
  }
})().catch((e) => { console.log('js error', e.name, e.message); process.exit(1); });
`;

// The AWS CLI v2 from Debian (2.9) predates AWS_ENDPOINT_URL_STS, so it is given --endpoint-url.
const CLI_CALLS = (out: string) =>
  `python3 -m awscli sts get-caller-identity --query Arn --output text >> ${out}.v1 2>&1\n` +
  `  /usr/bin/aws sts get-caller-identity --endpoint-url "$AWS_ENDPOINT_URL_STS" --query Arn --output text >> ${out}.v2 2>&1\n`;

function posixScript(select: string, format: string, out: string, name: string): string {
  return `eval "$(rolehop env ${select} --agent --format ${format})"
printf '%s\\n' "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" "\${AWS_PROFILE-unset}" > ${out}.endpoint
python3 -c "$PY_CLIENT" > ${out}.py 2>&1 &
node -e "$JS_CLIENT" > ${out}.js 2>&1 &
for i in 1 2 3 4; do
  ${CLI_CALLS(out)}  sleep ${LIFETIME + 1}
done
wait
echo "DONE-${name}"
`;
}

function fishScript(select: string, out: string, name: string): string {
  return `rolehop env ${select} --agent --format fish | source
printf '%s\\n' "$AWS_CONTAINER_CREDENTIALS_FULL_URI" "$AWS_CONTAINER_AUTHORIZATION_TOKEN" (set -q AWS_PROFILE; and echo $AWS_PROFILE; or echo unset) > ${out}.endpoint
python3 -c "$PY_CLIENT" > ${out}.py 2>&1 &
node -e "$JS_CLIENT" > ${out}.js 2>&1 &
for i in 1 2 3 4
  ${CLI_CALLS(out).replaceAll('"$AWS_ENDPOINT_URL_STS"', '$AWS_ENDPOINT_URL_STS')}  sleep ${LIFETIME + 1}
end
wait
echo "DONE-${name}"
`;
}

test('bash, zsh and fish after one env --agent: botocore, the JS SDK, awscli v1 and v2 keep calling STS across three expiries; two profiles, two identities; tokens do not cross', {
  timeout: 240_000,
}, async (t) => {
  if (!requires(t, 'tmux', 'bash', 'zsh', 'fish', 'botocore', 'awscli', 'awscliV2', 'moto')) return;
  const w = await signedInWorld(t, { moto: true });
  fs.appendFileSync(
    w.home.configFile,
    '\n[profile app]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n' +
      '\n[profile reader]\nsso_session = dev\nsso_account_id = 222222222222\nsso_role_name = ReadOnlyAccess\n',
  );
  stopAgentAfter(t, w.env);
  await w.sandbox.admin.setLifetimes({ roleCredentialSeconds: LIFETIME });
  const before = (await w.sandbox.admin.counts()).GetRoleCredentials ?? 0;
  const env: Record<string, string> = {
    ...rolehopOnPath(w.env),
    PY_CLIENT,
    JS_CLIENT,
    NODE_PATH: path.join(repoRoot, 'node_modules'),
    // Static keys and a profile in the shell must lose to the agent.
    AWS_PROFILE: 'reader',
    AWS_ACCESS_KEY_ID: 'AKIASTATICNOTUSED000',
    AWS_SECRET_ACCESS_KEY: 'staticSecretNotUsedEXAMPLEstaticSecretNo',
  };
  env.PATH = `${path.dirname(process.execPath)}:${env.PATH}`;
  const dir = w.home.home;
  const shells = [
    { name: 'bash', select: 'app', script: posixScript('app', 'bash', `${dir}/bash`, 'bash') },
    { name: 'zsh', select: 'reader', script: posixScript('reader', 'zsh', `${dir}/zsh`, 'zsh') },
    {
      name: 'fish',
      select: '--account 111111111111 --role AdministratorAccess',
      script: fishScript('--account 111111111111 --role AdministratorAccess', `${dir}/fish`, 'fish'),
    },
  ] as const;
  const sessions = shells.map((s) => {
    fs.writeFileSync(`${dir}/${s.name}.script`, s.script);
    const term = terminal(t, env, { shell: SHELLS[s.name] });
    term.send(`source ${dir}/${s.name}.script`, 'Enter');
    return { ...s, term };
  });
  await Promise.all(sessions.map((s) => s.term.waitFor(new RegExp(`^DONE-${s.name}`, 'm'), 200_000)));

  const identity = {
    bash: /^arn:aws:sts::111111111111:assumed-role\/AdministratorAccess\/alice$/,
    zsh: /^arn:aws:sts::222222222222:assumed-role\/ReadOnlyAccess\/alice$/,
    fish: /^arn:aws:sts::111111111111:assumed-role\/AdministratorAccess\/alice$/,
  };
  const endpoints: Record<string, [string, string]> = {};
  for (const s of sessions) {
    const [url, token, profile] = fs.readFileSync(`${dir}/${s.name}.endpoint`, 'utf8').split('\n');
    assert.match(url!, /^http:\/\/127\.0\.0\.1:\d+\/[\w-]+$/, s.name);
    assert.equal(profile, 'unset', `${s.name}: AWS_PROFILE was unset`);
    endpoints[s.name] = [url!, token!];
    for (const sdk of ['py', 'js']) {
      const out = fs.readFileSync(`${dir}/${s.name}.${sdk}`, 'utf8');
      // (The JS SDK may also print a warning about a slow request on this busy machine.)
      const lines = out.split('\n').filter((l) => l.startsWith(`${sdk} `));
      assert.ok(
        lines.length >= 4 && lines.every((l) => l.startsWith(`${sdk} ASIA`)),
        `${s.name} ${sdk}:\n${out}`,
      );
      const keys = new Set(lines.map((l) => l.split(' ')[1]));
      assert.ok(keys.size >= 4, `${s.name} ${sdk} used ${keys.size} credential sets:\n${out}`);
      for (const l of lines) assert.match(l.split(' ')[2]!, identity[s.name], `${s.name} ${sdk}`);
    }
    for (const cli of ['v1', 'v2']) {
      const lines = fs.readFileSync(`${dir}/${s.name}.${cli}`, 'utf8').split('\n').filter(Boolean);
      assert.equal(lines.length, 4, `${s.name} ${cli}:\n${lines.join('\n')}`);
      for (const l of lines) assert.match(l, identity[s.name], `${s.name} aws ${cli}`);
    }
  }
  // One shell's token for another shell's target.
  const cross = await get(endpoints.zsh![0], { Authorization: endpoints.bash![1] });
  assert.equal(cross.status, 403);
  const after = (await w.sandbox.admin.counts()).GetRoleCredentials ?? 0;
  assert.ok(after - before >= 9, `rolehop fetched ${after - before} times`);
});
