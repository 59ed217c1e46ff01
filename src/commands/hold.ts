import { notRecorded, ok, refuse, updateTracking } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory hold [reason]`: pause automatic publication. */
export const hold: Handler<"hold"> = async (env, { reason }) => {
  const advisories = env.trackingCase?.advisories ?? [];
  if (advisories.length > 0 && !advisories.some((a) => a.state === "triage" || a.state === "draft")) {
    return refuse(
      `Nothing to hold: ${advisories.map((a) => `${a.ghsa_id} is ${a.state}`).join(", ")}; only a draft or a report in triage can be held.`,
    );
  }
  const update = await updateTracking(env, (s) => {
    s.hold = { reason: reason ?? "no reason given", by: env.actor };
  });
  // The gate reads the hold from the tracking issue: only a hold GitHub has recorded holds anything.
  if (env.ctx.dryRun) return ok("On hold (dry run: nothing was written).");
  if (!update.recorded) return notRecorded(env, update, "The hold");
  return ok("On hold: nothing here is published until `/advisory unhold`.");
};

/** `/advisory unhold`: resume automatic publication (publishes now if the fixing release is out). */
export const unhold: Handler<"unhold"> = async (env) => {
  const update = await updateTracking(env, (s) => {
    s.hold = null;
  });
  if (env.ctx.dryRun) return ok("Hold lifted (dry run: nothing was written).");
  if (!update.recorded) {
    // The run may have published before the tracking issue refused the state: say so.
    const published = (env.trackingCase?.advisories ?? [])
      .filter((a) => a.state !== "published")
      .filter((a) => env.view.advisories.find((x) => x.ghsa_id === a.ghsa_id)?.state === "published")
      .map((a) => a.ghsa_id);
    if (published.length > 0)
      return refuse(
        `Published ${published.join(", ")}, but the tracking issue could not record that the hold is lifted (${update.problems[0] ?? "GitHub did not confirm the write"}).`,
      );
    return notRecorded(env, update, "Lifting the hold");
  }
  return ok("Hold lifted: the advisories publish as soon as their fixing releases are out and the check passes.");
};
