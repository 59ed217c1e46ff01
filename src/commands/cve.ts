import type { Plan } from "../domain/plan.js";
import { applyForCommand, refreshCase, refuse, where } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory cve`: request a CVE from GitHub for each draft without one. */
export const cve: Handler<"cve"> = async (env) => {
  const drafts = (env.trackingCase?.advisories ?? []).filter((a) => a.state === "draft" && a.cve_id === null);
  if (drafts.length === 0)
    return refuse("No draft here lacks a CVE (GitHub assigns CVEs to drafts of public repositories).");
  const plan: Plan = drafts.map((a) => ({
    op: "advisory.cve",
    params: where(a),
    why: `CVE requested by @${env.actor}`,
  }));
  const outcome = await applyForCommand(
    env,
    plan,
    `Requested a CVE for ${drafts.map((a) => a.ghsa_id).join(", ")}; GitHub reviews the request.`,
  );
  if (outcome.ok) await refreshCase(env);
  return outcome;
};
