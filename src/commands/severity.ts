import type { Plan } from "../domain/plan.js";
import { applyForCommand, openAdvisories, refreshCase, refuse, where } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory severity <level>`: set the severity (GitHub refuses it while a CVSS vector is set). */
export const severity: Handler<"severity"> = async (env, args) => {
  const open = openAdvisories(env);
  if (open.length === 0) return refuse("There is no open advisory here.");
  const withVector = open.filter((a) => a.cvss?.vector_string);
  if (withVector.length > 0) {
    return refuse(
      `${withVector.map((a) => a.ghsa_id).join(", ")} has a CVSS vector, which decides its severity; change it with \`/advisory cvss <vector>\` instead.`,
    );
  }
  const plan: Plan = open.map((a) => ({
    op: "advisory.update",
    params: { ...where(a), severity: args.severity },
    why: `severity by @${env.actor}`,
  }));
  const outcome = await applyForCommand(env, plan, `Severity set to ${args.severity}.`);
  if (outcome.ok) await refreshCase(env);
  return outcome;
};
