import { readFreshStep } from '../creds/cache-file.ts';
import { checkCredentialValues } from '../creds/value-alphabets.ts';
import type { Env } from '../util/env.ts';
import { answerOf, give } from './warm-answer.ts';
import { warmRequest } from './warm-args.ts';
import { readMemo } from './warm-memo.ts';

// The first warm entry (dist/warm-hit.cjs): a cache hit whose resolution the warm memo holds
// (cli/warm-memo.ts), answered without the config reader or the plan's code. Anything else, a
// memo out of date and a credentials miss included, returns false, and bin/rolehop.cjs hands the
// call to cli/warm.ts, which resolves as the full CLI does (and keeps the memo).

/** Serves `credential-process`, `env` or `exec` from the memo and the cache, or false (see above). */
export function serveFromMemo(
  argv: readonly string[],
  env: Env = process.env,
): false | 'answered' | 'running' {
  let answer: ReturnType<typeof answerOf>;
  try {
    const request = warmRequest(argv, env);
    if (!request) return false;
    const memo = readMemo(env, request.selection);
    if (!memo) return false;
    const hit = readFreshStep(memo.key, { env, now: Date.now });
    if (!hit) return false;
    answer = answerOf(request, checkCredentialValues(hit, memo.description), memo, env);
  } catch {
    return false;
  }
  return give(answer);
}
