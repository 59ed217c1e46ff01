import { reporterOf } from "../domain/advisory-plan.js";
import { loginKey } from "../domain/handles.js";
import { admitToPatchTeam } from "../domain/patch-team.js";
import { outsideExperts } from "../workflows/org-view.js";
import { collaboratorGaps, notRecorded, ok, refuse, updateTracking } from "./env.js";
import type { Handler } from "./handler.js";

/**
 * `/advisory add @user`: an extra collaborator, recorded on the tracking issue. The patch team stays
 * within the maintainer pool: only active maintainers of active repositories of the org and the
 * outside experts named in the org's configuration are admitted. The reporter is on the team as
 * GitHub added them and needs no adding.
 */
export const add: Handler<"add"> = async (env, { user }) => {
  const reporters = (env.trackingCase?.advisories ?? [])
    .map((a) => reporterOf(a))
    .filter((r): r is string => r !== null);
  if (reporters.some((r) => loginKey(r) === loginKey(user))) {
    return ok(`@${user} reported this vulnerability and is on the patch team as GitHub added them; nothing to add.`);
  }
  const admission = admitToPatchTeam(user, env.view.rosters, env.config.inactive, outsideExperts(env.view));
  if (!admission.admitted) return refuse(admission.why);
  const update = await updateTracking(env, (s) => {
    s.removed = s.removed.filter((u) => loginKey(u) !== loginKey(user));
    if (!s.added.some((u) => loginKey(u) === loginKey(user))) s.added.push(user);
  });
  const as =
    admission.as === "maintainer"
      ? `an active maintainer of ${admission.repos.join(", ")}`
      : "an outside expert named in the org's configuration";
  if (env.ctx.dryRun) return ok(`@${user} (${as}) is added to the patch team (dry run: nothing was written).`);
  if (!update.recorded) {
    // The advisory may have changed before the tracking issue refused the state: say so.
    if (collaboratorGaps(env, user, true).length === 0) {
      return refuse(
        `@${user} is added to the patch team on GitHub, but the tracking issue could not record it (${update.problems[0] ?? "GitHub did not confirm the write"}), so the next sweep may undo it; repeat the command.`,
      );
    }
    return notRecorded(env, update, `Adding @${user}`);
  }
  const missing = collaboratorGaps(env, user, true);
  if (missing.length > 0) {
    return refuse(
      `@${user} is recorded on this issue, but GitHub has not confirmed them as a collaborator of ${missing.join(", ")}${update.problems[0] ? ` (${update.problems[0]})` : ""}; the next sweep retries.`,
    );
  }
  return ok(`@${user} (${as}) is added to the patch team and kept there.`);
};
