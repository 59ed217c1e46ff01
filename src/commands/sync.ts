import { ok, refreshCase } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory sync`: reconcile the patch team with the maintainers now. */
export const sync: Handler<"sync"> = async (env) => {
  await refreshCase(env);
  const sizes = (env.trackingCase?.advisories ?? []).map(
    (a) => `${a.ghsa_id}: ${(a.collaborating_users ?? []).length} collaborators`,
  );
  return ok(`Patch team reconciled.\n\n${sizes.map((s) => `- ${s}`).join("\n")}`);
};
