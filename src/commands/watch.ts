import { MAX_WATCH_PHRASES, normalizePhrases } from "../domain/embargo-watch.js";
import { ok, refuse, updateTracking } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory watch <phrase>`: the embargo watch also reports public text containing the phrase. */
export const watch: Handler<"watch"> = async (env, { phrase }) => {
  const tracking = env.trackingCase?.issue?.tracking;
  if (!tracking) return refuse("This issue tracks no advisory yet: nothing to watch for.");
  const [wanted] = normalizePhrases([phrase]);
  if (!wanted) return refuse("That phrase is too short or too long to watch.");
  if (normalizePhrases(tracking.watch).includes(wanted)) return ok("Already watched.");
  if (normalizePhrases(tracking.watch).length >= MAX_WATCH_PHRASES) {
    return refuse(`At most ${MAX_WATCH_PHRASES} phrases are watched per tracking issue.`);
  }
  await updateTracking(env, (s) => {
    s.watch.push(phrase);
  });
  return ok(
    "Watched: public pull requests, issues, commits and draft releases of the org that contain it are reported here, never in public.",
  );
};
