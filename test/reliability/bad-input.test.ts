import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { after, describe, test } from 'node:test';
import { tokenCachePath } from '../../src/sso/token-cache.ts';
import { runCli } from '../harness/cli.ts';
import { signIn, startSandbox, tokenCacheEntry } from '../harness/sandbox.ts';
import { devSession } from '../harness/sso-session.ts';
import { tempHome, writeFile } from '../harness/temp-home.ts';
import { corpus } from './bad-input-corpus.ts';
import { hashTree, runInProcess } from './harness.ts';

// Each malformed input gives its exit code and a message that names the problem, never a stack or an
// "unexpected error", and leaves every file under HOME as it was. A few run the real CLI.

const SPAWN_EVERY = 9;

describe('bad input corpus', { concurrency: 8 }, async () => {
  const sandbox = await startSandbox(undefined);
  after(() => sandbox.stop());
  const tokens = await signIn(sandbox);
  const session = `${devSession(sandbox)}`;
  const defaultConfig = `${session}\n[profile prod]\nsso_session = dev\nsso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n`;

  test('the corpus holds 100+ cases', () => {
    assert.ok(corpus.length >= 100, String(corpus.length));
  });

  corpus.forEach((c, i) => {
    test(`${c.name} → exit ${c.code}`, async (t) => {
      const home = tempHome(t);
      const env = { ...home.env, ...sandbox.env, AWS_REGION: sandbox.region };
      writeFile(home.configFile, (c.config ?? defaultConfig).replaceAll('{SESSION}', session));
      if (c.credentials !== undefined) writeFile(home.credentialsFile, c.credentials, c.credentialsMode);
      const tokenFile = tokenCachePath(env, { name: 'dev', startUrl: sandbox.startUrl });
      const token =
        c.token === undefined
          ? JSON.stringify(tokenCacheEntry(sandbox, tokens))
          : typeof c.token === 'string'
            ? c.token.replaceAll('{START}', sandbox.startUrl)
            : c.token;
      fs.mkdirSync(home.awsDir, { recursive: true, mode: 0o700 });
      writeFile(tokenFile, '');
      fs.writeFileSync(tokenFile, token);
      const before = hashTree(home.home);
      const r =
        i % SPAWN_EVERY === 0
          ? await runCli(c.args, { env, timeoutMs: 30_000 })
          : await runInProcess(c.args, env);
      if (process.env.REL_DUMP) {
        console.log(`${c.name}\n  code ${r.code}\n  ${r.stderr.trim().split('\n').join('\n  ')}`);
        return;
      }
      assert.equal(r.code, c.code, r.stderr);
      if (c.report) {
        assert.match(r.stdout, c.message);
        assert.equal(r.stderr, '');
      } else {
        assert.match(r.stderr, c.message);
        assert.match(r.stderr, /^rolehop: /);
        assert.doesNotMatch(r.stderr, /unexpected error|\n\s+at /);
        assert.equal(r.stdout, '');
      }
      const after = hashTree(home.home);
      if (c.mayCacheSteps) {
        for (const k of Object.keys(after))
          if (/^\.cache\/rolehop\/creds-/.test(k) && !(k in before)) delete after[k];
      }
      assert.deepEqual(after, before, 'no file changed');
    });
  });
});
