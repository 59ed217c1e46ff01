import { ok, refreshCase } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory status`: re-read the advisories and refresh the tracking issue's status block. */
export const status: Handler<"status"> = async (env) => {
  await refreshCase(env);
  const lines = (env.trackingCase?.advisories ?? []).map(
    (a) =>
      `- ${a.ghsa_id}: ${a.state}, severity ${a.severity ?? "not set"}, ${(a.collaborating_users ?? []).length} collaborators, fork ${a.private_fork ? "ready" : "none"}`,
  );
  return ok(`Status refreshed.\n\n${lines.join("\n")}`);
};
