import { loginKey } from "../domain/handles.js";
import { ok, updateTracking } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory add @user`: an extra collaborator, recorded on the tracking issue. */
export const add: Handler<"add"> = async (env, { user }) => {
  await updateTracking(env, (s) => {
    s.removed = s.removed.filter((u) => loginKey(u) !== loginKey(user));
    if (!s.added.some((u) => loginKey(u) === loginKey(user))) s.added.push(user);
  });
  return ok(`@${user} is added to the patch team and kept there.`);
};
