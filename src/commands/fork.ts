import type { Plan } from "../domain/plan.js";
import { applyForCommand, ok, permittedAdvisories, refreshCase, where } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory fork`: create the temporary private fork of each draft that has none. */
export const fork: Handler<"fork"> = async (env) => {
  const drafts = permittedAdvisories(env).filter((a) => a.state === "draft" && a.private_fork === null);
  if (drafts.length === 0) return ok("Every draft already has its private fork (or is not a draft yet).");
  const plan: Plan = drafts.map((a) => ({ op: "advisory.fork", params: where(a), why: `requested by @${env.actor}` }));
  const outcome = await applyForCommand(
    env,
    plan,
    `Requested the private fork of ${drafts.map((a) => a.ghsa_id).join(", ")}; it appears within minutes.`,
  );
  if (!outcome.ok && /\b403\b/.test(outcome.message)) {
    return {
      ok: false,
      message:
        "GitHub refused it: grant the GitHub App the **Administration: write** repository permission, then retry.",
    };
  }
  if (outcome.ok) await refreshCase(env);
  return outcome;
};
