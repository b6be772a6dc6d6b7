import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { runInProcess } from '../harness/cli.ts';
import { signedInWorld } from '../harness/signed-in-world.ts';

// A profile's own endpoint settings reach the portal call of its SSO step: [services] with an sso
// endpoint_url (and nothing in the environment) sends GetRoleCredentials there; with the section
// removed, use_fips_endpoint on the profile sends it to the FIPS host the SDK resolves.

test("the profile's [services] endpoint and use_fips_endpoint reach the portal", async (t) => {
  const w = await signedInWorld(t);
  const portal = w.env.AWS_ENDPOINT_URL_SSO!;
  const env = { ...w.env };
  delete env.AWS_ENDPOINT_URL_SSO;
  const profile =
    '[profile p]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n';
  const base = fs.readFileSync(w.home.configFile, 'utf8');
  fs.writeFileSync(
    w.home.configFile,
    `${base}\n${profile}services = local\n\n[services local]\nsso =\n  endpoint_url = ${portal}\n`,
  );
  const ok = await runInProcess(['credential-process', 'p'], env);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(JSON.parse(ok.stdout).AccessKeyId, /^ASIA/);

  // A region no DNS knows, so the FIPS host fails the same way on any machine, online or not.
  const offline = base.replace(/^sso_region = .*$/m, 'sso_region = xx-nowhere-1');
  fs.writeFileSync(w.home.configFile, `${offline}\n${profile}use_fips_endpoint = true\n`);
  const fips = await runInProcess(
    ['credential-process', 'p', '--debug'],
    { ...env, XDG_CACHE_HOME: `${w.home.home}/other-cache` },
    { signal: AbortSignal.timeout(120_000) },
  );
  assert.equal(fips.code, 5, fips.stderr);
  assert.match(fips.stderr, /could not reach https:\/\/portal\.sso-fips\.xx-nowhere-1\.amazonaws\.com/);
});
