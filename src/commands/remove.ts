import { reporterOf } from "../domain/advisory-plan.js";
import { loginKey } from "../domain/handles.js";
import { collaboratorGaps, notRecorded, ok, refuse, updateTracking } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory remove @user`: take someone off the patch team (never the reporter). */
export const remove: Handler<"remove"> = async (env, { user }) => {
  const reporters = (env.trackingCase?.advisories ?? [])
    .map((a) => reporterOf(a))
    .filter((r): r is string => r !== null);
  if (reporters.some((r) => loginKey(r) === loginKey(user))) {
    return refuse(`@${user} reported this vulnerability; the reporter is never removed.`);
  }
  const update = await updateTracking(env, (s) => {
    s.added = s.added.filter((u) => loginKey(u) !== loginKey(user));
    if (!s.removed.some((u) => loginKey(u) === loginKey(user))) s.removed.push(user);
  });
  if (env.ctx.dryRun) return ok(`@${user} is removed from the patch team (dry run: nothing was written).`);
  if (!update.recorded) {
    // The advisory may have changed before the tracking issue refused the state: say so.
    if (collaboratorGaps(env, user, false).length === 0) {
      return refuse(
        `@${user} is removed from the patch team on GitHub, but the tracking issue could not record it (${update.problems[0] ?? "GitHub did not confirm the write"}), so the next sweep may undo it; repeat the command.`,
      );
    }
    return notRecorded(env, update, `Removing @${user}`);
  }
  const still = collaboratorGaps(env, user, false);
  if (still.length > 0) {
    return refuse(
      `@${user} is recorded as removed on this issue, but GitHub still lists them as a collaborator of ${still.join(", ")}${update.problems[0] ? ` (${update.problems[0]})` : ""}; the next sweep retries.`,
    );
  }
  return ok(`@${user} is removed from the patch team and stays off it.`);
};
