import type { Plan } from "../domain/plan.js";
import { applyForCommand, ok, refreshCase, updateTracking, where } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory accept`: triage → draft, and the report counts as acknowledged. */
export const accept: Handler<"accept"> = async (env) => {
  const triage = (env.trackingCase?.advisories ?? []).filter((a) => a.state === "triage");
  const plan: Plan = triage.map((a) => ({
    op: "advisory.update",
    params: { ...where(a), state: "draft" },
    why: `accepted by @${env.actor}`,
  }));
  const outcome =
    triage.length > 0
      ? await applyForCommand(env, plan, `Accepted ${triage.map((a) => a.ghsa_id).join(", ")} as draft.`)
      : ok("Nothing to accept: the report is already a draft.");
  if (outcome.ok) {
    await updateTracking(env, (s) => {
      s.acknowledgedAt ??= env.ctx.now.toISOString();
    });
    await refreshCase(env);
  }
  return outcome;
};
