import type { KeyRecipe } from '../config/credentials-block.ts';
import { loadConfigView } from '../config/load.ts';
import type { ConfigView } from '../config/model.ts';
import type { Plan } from '../config/plan.ts';
import { sessionFromView } from '../config/sso-session.ts';
import { type Credentials, runPlan } from '../creds/index.ts';
import { planForAccount, planForProfile } from '../creds/target.ts';
import { type FetchInput, runPlanDeps } from './command-target.ts';
import type { Deps } from './deps.ts';

// Keys for a credentials-style profile (configure, populate and sync write them): the recipe a
// block records, run through the road's Plan builders and the shared runner.

/** The plan a recipe names: a config profile's, or an SSO role of a configured sso-session. */
export function planOfRecipe(recipe: KeyRecipe, view: ConfigView, env: Deps['env']): Plan {
  if ('profile' in recipe) return planForProfile(view, { profile: recipe.profile }, env);
  const session = sessionFromView(view, recipe.ssoSession);
  return planForAccount({ session, accountId: recipe.accountId, roleName: recipe.roleName }, {}, view, env);
}

/** Keys from the recipe's plan; `view` defaults to the files as they are now. */
export async function fetchKeys(
  recipe: KeyRecipe,
  input: FetchInput,
  deps: Deps,
  view: ConfigView = loadConfigView(deps.env),
): Promise<Credentials> {
  return runPlan(planOfRecipe(recipe, view, deps.env), runPlanDeps(input, deps, view));
}
