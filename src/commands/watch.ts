import { MAX_WATCH_PHRASES, normalizePhrases } from "../domain/embargo-watch.js";
import { notRecorded, ok, refuse, updateTracking } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory watch <phrase>`: the embargo watch also reports public text containing the phrase. */
export const watch: Handler<"watch"> = async (env, { phrase }) => {
  if (!env.trackingCase?.issue) return refuse("This issue tracks no advisory yet: nothing to watch for.");
  // An issue a person opened may have no state yet: the update adopts it.
  const watched = env.trackingCase.issue.tracking?.watch ?? [];
  const [wanted] = normalizePhrases([phrase]);
  if (!wanted) return refuse("That phrase is too short or too long to watch.");
  if (normalizePhrases(watched).includes(wanted)) return ok("Already watched.");
  if (normalizePhrases(watched).length >= MAX_WATCH_PHRASES) {
    return refuse(`At most ${MAX_WATCH_PHRASES} phrases are watched per tracking issue.`);
  }
  const update = await updateTracking(env, (s) => {
    s.watch.push(phrase);
  });
  if (env.ctx.dryRun) return ok("Watched (dry run: nothing was written).");
  if (!update.recorded) return notRecorded(env, update, "Watching it");
  return ok(
    "Watched: public pull requests, issues, commits and draft releases of the org that contain it are reported here, never in public.",
  );
};
