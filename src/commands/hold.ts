import { ok, updateTracking } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory hold [reason]`: pause automatic publication. */
export const hold: Handler<"hold"> = async (env, { reason }) => {
  await updateTracking(env, (s) => {
    s.hold = { reason: reason ?? "no reason given", by: env.actor };
  });
  return ok("On hold: nothing here is published until `/advisory unhold`.");
};

/** `/advisory unhold`: resume automatic publication (publishes now if the fixing release is out). */
export const unhold: Handler<"unhold"> = async (env) => {
  await updateTracking(env, (s) => {
    s.hold = null;
  });
  return ok("Hold lifted: the advisories publish as soon as their fixing releases are out and the check passes.");
};
