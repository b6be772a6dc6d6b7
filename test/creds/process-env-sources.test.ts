import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loginProvider } from '../../src/creds/providers/login-provider.ts';
import { instanceMetadataProvider } from '../../src/creds/providers/metadata-provider.ts';
import type { RunPlanDeps } from '../../src/creds/types.ts';
import { ConfigError } from '../../src/util/errors.ts';
import { createLogger } from '../../src/util/log.ts';
import { tempHome } from '../harness/temp-home.ts';

// The SDK's login and instance-metadata providers read some settings from process.env only. A runner
// given another env (fromRolehop's `env`) must not silently use process.env's: it refuses, naming them.

function depsWith(env: Record<string, string | undefined>): RunPlanDeps {
  return {
    env,
    now: () => Date.now(),
    log: createLogger({ write: () => true }, { debug: false }),
  } as unknown as RunPlanDeps;
}

test('instance metadata: an endpoint in the given env but not in process.env is refused before any request', async () => {
  const env = { ...process.env, AWS_EC2_METADATA_SERVICE_ENDPOINT: 'http://127.0.0.1:1/' };
  await assert.rejects(instanceMetadataProvider(depsWith(env))(undefined), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /AWS_EC2_METADATA_SERVICE_ENDPOINT from the process environment/);
    return true;
  });
});

test('login_session: a cache folder in the given env but not in process.env is refused, not read from ~/.aws', async (t) => {
  const home = tempHome(t);
  const dir = path.join(home.home, 'login-cache');
  fs.mkdirSync(dir, { recursive: true });
  const session = 'arn:aws:iam::111122223333:user/alice';
  fs.writeFileSync(path.join(dir, `${createHash('sha256').update(session).digest('hex')}.json`), '{}');
  const env = { ...process.env, AWS_LOGIN_CACHE_DIRECTORY: dir };
  const source = { kind: 'login', profile: 'signed', session } as const;
  await assert.rejects(loginProvider(source, depsWith(env))(undefined), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /profile "signed" \(login_session\) reads AWS_LOGIN_CACHE_DIRECTORY/);
    return true;
  });
});
