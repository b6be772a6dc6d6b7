import { isAccountId } from '../config/hop-rules.ts';
import { loadConfigFiles } from '../config/load.ts';
import type { ConfigView } from '../config/model.ts';
import type { Plan } from '../config/plan.ts';
import { lookUpCache } from '../creds/cache-hit.ts';
import { accountRoleLabel, planForAccount, planForProfile } from '../creds/target.ts';
import type { Credentials } from '../creds/types.ts';
import { pickSession } from '../sso/session.ts';
import type { Env } from '../util/env.ts';
import { writePrivateFile } from '../util/private-file-write.ts';
import { encodeTargetWords, targetWords } from './target-words.ts';
import { type Answer, type AnswerShape, answerOf, give } from './warm-answer.ts';
import { type WarmRequest, warmRequest } from './warm-args.ts';
import { memoOf, recordingEnv } from './warm-memo.ts';

// The second warm entry (dist/warm.cjs): `credential-process`, `env` and `exec` on a cache hit whose
// resolution the warm memo did not hold (cli/warm-hit.ts tried first), answered without loading the
// CLI bundle; a miss is fetched by cli/warm-miss.ts with the plan resolved here (env and exec signing
// in on a terminal, as the full commands do) and answered here as a hit is. A hit answered here keeps
// the warm memo (cli/warm-memo.ts) for the next call.
// It understands only the plain selectors (cli/warm-args.ts); anything else or any error returns
// false and bin/rolehop.cjs runs the full CLI, which parses, validates and reports as always. So every
// decision stays in one place: this module only reuses the pieces the full path uses.

/**
 * Serves `credential-process`, `env` or `exec` from the cache; false when the full CLI must run
 * instead. 'answered' and 'running' as give (cli/warm-answer.ts) says; 'fetching': a miss, which
 * cli/warm-miss.ts fetches (and, for credential-process, answers), then ends or hands back to be
 * answered here.
 */
export function serveWarm(
  argv: readonly string[],
  env: Env = process.env,
): false | 'answered' | 'running' | 'fetching' {
  let answer: Answer;
  try {
    const request = warmRequest(argv, env);
    if (!request) return false;
    const sel = request.selection;
    // Everything the resolution reads of the environment is recorded for the memo.
    const recorded = recordingEnv(env);
    const { view, config, credentials } = loadConfigFiles(recorded.env);
    let plan: ReturnType<typeof planForAccount>;
    if (sel.profile !== undefined)
      plan = planForProfile(view, { ...sel, profile: sel.profile }, recorded.env);
    else if (sel.account !== undefined && sel.role !== undefined && isAccountId(sel.account)) {
      const session = pickSession(view, sel.ssoSession);
      plan = planForAccount({ session, accountId: sel.account, roleName: sel.role }, sel, view, recorded.env);
    } else return false;
    const shape: AnswerShape = {
      label: sel.profile ?? accountRoleLabel(sel.account!, sel.role!),
      ...(plan.region ? { region: plan.region } : {}),
      target: encodeTargetWords(targetWords({ selection: sel }, plan)),
    };
    const { hit, last } = lookUpCache(plan, { env: recorded.env, view, now: Date.now });
    // The answer with credentials from the cache or just fetched, as the full CLI's command gives it.
    const answerWith = (creds: Credentials): Answer => answerOf(request, creds, shape, env);
    if (!hit) {
      void fetchMiss(request, { plan, view }, answerWith);
      return 'fetching';
    }
    answer = answerWith(hit);
    // Kept on a hit only, so a call that fails changes no file (the next hit keeps it after a miss).
    const memo = memoOf(sel, recorded, [config, credentials], last, shape, env);
    try {
      if (memo) writePrivateFile(memo.file, memo.text, memo.home, { durable: false });
    } catch {} // the memo only saves time: a call that cannot keep it answers all the same
  } catch {
    return false;
  }
  // Outside the try: once anything may have been written or run, the full CLI must not answer again.
  return give(answer);
}

/**
 * A miss, fetched from the plan resolved here by dist/warm-miss.cjs, without the CLI bundle. It
 * answers credential-process itself; env and exec are answered here with what it fetched (it has
 * reported a failure and ended the run).
 */
async function fetchMiss(
  { command }: WarmRequest,
  target: { plan: Plan; view: ConfigView },
  answerWith: (creds: Credentials) => Answer,
): Promise<void> {
  // `await import` of a chunk becomes the launcher's require (scripts/build.mjs), with its code cache.
  const miss = await import('./warm-miss.ts');
  if (command === 'credential-process') return miss.credentialProcessMiss(target);
  const creds = await miss.fetchForTerminal(target);
  if (creds && give(answerWith(creds)) === 'answered') process.exit();
}
