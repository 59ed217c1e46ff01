import type { Plan } from "../domain/plan.js";
import { escapeUntrusted } from "../domain/untrusted.js";
import { applyForCommand, openAdvisories, refreshCase, refuse, where } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory reject [reason] [--all]`: close the report (every sibling with `--all`). */
export const reject: Handler<"reject"> = async (env, args) => {
  const open = openAdvisories(env);
  if (open.length === 0) return refuse("There is no open advisory to reject.");
  if (open.length > 1 && !args.all) {
    return refuse(
      `This tracking issue lists ${open.length} open advisories (${open.map((a) => a.ghsa_id).join(", ")}); rejecting one would leave the others. Use \`/advisory reject --all\` to close them all.`,
    );
  }
  const plan: Plan = open.map((a) => ({
    op: "advisory.update",
    params: { ...where(a), state: "closed" },
    why: `rejected by @${env.actor}`,
  }));
  const reason = args.reason ? ` Reason: ${escapeUntrusted(args.reason)}` : "";
  const outcome = await applyForCommand(env, plan, `Closed ${open.map((a) => a.ghsa_id).join(", ")}.${reason}`);
  if (outcome.ok) await refreshCase(env);
  return outcome;
};
