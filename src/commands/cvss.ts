import type { Plan } from "../domain/plan.js";
import { applyForCommand, openAdvisories, refreshCase, refuse, where } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory cvss <vector>`: set the CVSS vector (which sets the severity). */
export const cvss: Handler<"cvss"> = async (env, { vector }) => {
  const open = openAdvisories(env);
  if (open.length === 0) return refuse("There is no open advisory here.");
  const plan: Plan = open.map((a) => ({
    op: "advisory.update",
    params: { ...where(a), cvss_vector_string: vector },
    why: `CVSS by @${env.actor}`,
  }));
  const outcome = await applyForCommand(env, plan, `CVSS vector set to \`${vector}\`.`);
  if (outcome.ok) await refreshCase(env);
  return outcome;
};
