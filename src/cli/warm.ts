import { isAccountId } from '../config/hop-rules.ts';
import { loadConfigView } from '../config/load.ts';
import type { ConfigView } from '../config/model.ts';
import type { Plan } from '../config/plan.ts';
import { lookUpCache } from '../creds/cache-hit.ts';
import type { Selection } from '../creds/selection.ts';
import { accountRoleLabel, envProfileName, planForAccount, planForProfile } from '../creds/target.ts';
import type { Credentials } from '../creds/types.ts';
import { defaultShellFormat, formatEnv, parseEnvFormat } from '../emit/env-format.ts';
import { credentialProcessJson } from '../emit/json.ts';
import { pickSession } from '../sso/session.ts';
import type { Env } from '../util/env.ts';
import { keysChildEnv } from './child-env.ts';
import { fdSink } from './fd-sink.ts';
import { encodeTargetWords, targetWords } from './target-words.ts';

// The warm entry (dist/warm.cjs): `credential-process`, `env` and `exec` on a cache hit, answered without loading the
// CLI bundle; a miss is fetched by cli/warm-miss.ts with the plan resolved here (env and exec signing
// in on a terminal, as the full commands do) and answered here as a hit is.
// It understands only the plain selectors; anything else or any error returns false and
// bin/rolehop.cjs runs the full CLI, which parses, validates and reports as always. So every
// decision stays in one place: this module only reuses the pieces the full path uses.

const SELECTORS: Record<string, keyof Selection> = {
  '--profile': 'profile',
  '--sso-session': 'ssoSession',
  '--account': 'account',
  '--role': 'role',
};

/** The selection of a plain command line, or undefined for anything the full parser must see. */
function plainSelection(
  args: readonly string[],
  env: Env,
  extra: Record<string, string>,
): Selection | undefined {
  const sel: Selection = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('-')) {
      if (sel.profile !== undefined) return undefined;
      sel.profile = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const key = SELECTORS[name];
    const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
    if (value === undefined || value === '' || value.startsWith('-')) return undefined;
    if (name in extra && extra[name] === '') {
      extra[name] = value;
      continue;
    }
    if (key === undefined) return undefined;
    if (sel[key] !== undefined) return undefined;
    (sel as Record<string, string>)[key] = value;
  }
  // The one road's rule for a profile from the environment; the rest of it (web identity, the picker,
  // `default`) is the full CLI's.
  const named = envProfileName(env);
  const selectors = sel.ssoSession !== undefined || sel.account !== undefined || sel.role !== undefined;
  if (sel.profile === undefined && !selectors && named) {
    sel.profile = named;
  }
  return sel;
}

/** What a served command does with credentials: print text, or become a command given them. */
type Answer = { text: string } | { command: string[]; env: Record<string, string> };

/**
 * Serves `credential-process`, `env` or `exec` from the cache; false when the full CLI must run
 * instead. 'answered': all of it is written, nothing runs on, so the process may end at once;
 * 'running': exec's command is about to replace the process (or run as a child that sets the exit
 * code), or output is still flowing through a stream; 'fetching': a miss, which cli/warm-miss.ts
 * fetches (and, for credential-process, answers), then ends or hands back to be answered here.
 */
export function serveWarm(
  argv: readonly string[],
  env: Env = process.env,
): false | 'answered' | 'running' | 'fetching' {
  const command = argv[0];
  if (command !== 'credential-process' && command !== 'env' && command !== 'exec') return false;
  let answer: Answer;
  try {
    let args = argv.slice(1);
    let run: string[] | undefined;
    if (command === 'exec') {
      // `exec SELECTION -- CMD…` only; nesting (ROLEHOP_EXEC), --each, --agent, --force and any
      // usage error are the full CLI's.
      const dashes = args.indexOf('--');
      if (dashes < 0 || !args[dashes + 1] || env.ROLEHOP_EXEC) return false;
      run = args.slice(dashes + 1);
      args = args.slice(0, dashes);
    }
    // env's one extra option; --again, --unset, --agent and the rest are the full CLI's.
    const extra: Record<string, string> = command === 'env' ? { '--format': '' } : {};
    const sel = plainSelection(args, env, extra);
    if (!sel) return false;
    const format =
      command !== 'env'
        ? undefined
        : extra['--format']
          ? parseEnvFormat(extra['--format'])
          : defaultShellFormat(env);
    const view = loadConfigView(env);
    let plan: ReturnType<typeof planForAccount>;
    if (sel.profile !== undefined) plan = planForProfile(view, { ...sel, profile: sel.profile }, env);
    else if (sel.account !== undefined && sel.role !== undefined && isAccountId(sel.account)) {
      const session = pickSession(view, sel.ssoSession);
      plan = planForAccount({ session, accountId: sel.account, roleName: sel.role }, sel, view, env);
    } else return false;
    // The answer with credentials from the cache or just fetched, as the full CLI's command gives it.
    const answerWith = (creds: Credentials): Answer => {
      if (command === 'credential-process') return { text: `${credentialProcessJson(creds)}\n` };
      if (run) {
        // The label cmd/exec.ts puts in ROLEHOP_EXEC (creds/target.ts): the profile, or account/role.
        const label = sel.profile ?? accountRoleLabel(sel.account!, sel.role!);
        return { command: run, env: keysChildEnv(env, label, creds, plan.region) };
      }
      const target = encodeTargetWords(targetWords({ selection: sel }, plan));
      return { text: formatEnv(format!, creds, { ...(plan.region ? { region: plan.region } : {}), target }) };
    };
    const { hit } = lookUpCache(plan, { env, view, now: Date.now });
    if (!hit) {
      void fetchMiss(command, { plan, view }, answerWith);
      return 'fetching';
    }
    answer = answerWith(hit);
  } catch {
    return false;
  }
  // Outside the try: once anything may have been written or run, the full CLI must not answer again.
  return give(answer);
}

/** Writes an answer, or becomes (or runs) its command. */
function give(answer: Answer): 'answered' | 'running' {
  if ('command' in answer) {
    const { command, env } = answer;
    void import('./warm-exec.ts').then(({ execWarm }) => execWarm(command, env));
    return 'running';
  }
  const stdout = fdSink(1, () => process.stdout);
  stdout.write(answer.text);
  return stdout.streamed ? 'running' : 'answered';
}

/**
 * A miss, fetched from the plan resolved here by dist/warm-miss.cjs, without the CLI bundle. It
 * answers credential-process itself; env and exec are answered here with what it fetched (it has
 * reported a failure and ended the run).
 */
async function fetchMiss(
  command: 'credential-process' | 'env' | 'exec',
  target: { plan: Plan; view: ConfigView },
  answerWith: (creds: Credentials) => Answer,
): Promise<void> {
  // `await import` of a chunk becomes the launcher's require (scripts/build.mjs), with its code cache.
  const miss = await import('./warm-miss.ts');
  if (command === 'credential-process') return miss.credentialProcessMiss(target);
  const creds = await miss.fetchForTerminal(target);
  if (creds && give(answerWith(creds)) === 'answered') process.exit();
}
