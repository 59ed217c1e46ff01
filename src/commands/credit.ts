import { loginKey } from "../domain/handles.js";
import type { Plan } from "../domain/plan.js";
import { applyForCommand, openAdvisories, refreshCase, refuse, where } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory credit @user <type>`: add a credit (the whole list is sent, as GitHub replaces it). */
export const credit: Handler<"credit"> = async (env, { user, type }) => {
  const open = openAdvisories(env);
  if (open.length === 0) return refuse("There is no open advisory here.");
  const plan: Plan = open.map((a) => {
    const credits = (a.credits_detailed ?? [])
      .map((c) => ({ login: c.user.login, type: c.type }))
      .filter((c) => !(loginKey(c.login) === loginKey(user) && c.type === type));
    return {
      op: "advisory.update",
      params: { ...where(a), credits: [...credits, { login: user, type }] },
      why: `credit by @${env.actor}`,
    };
  });
  const outcome = await applyForCommand(env, plan, `Credited @${user} as ${type.replace(/_/g, " ")}.`);
  if (outcome.ok) await refreshCase(env);
  return outcome;
};
