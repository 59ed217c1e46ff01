import { reporterOf } from "../domain/advisory-plan.js";
import { desiredPatchTeam } from "../domain/patch-team.js";
import { restateFromGitHub, type SeenOnGitHub } from "../domain/tracking.js";
import { escapeUntrusted } from "../domain/untrusted.js";
import { advisoryRepo } from "../github/types.js";
import { configFor, securityTeam } from "../workflows/org-view.js";
import { reconcileCase } from "../workflows/reconcile.js";
import { authorize, type CommandEnv, ok, readCase, refreshCase, refuse } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory sync`: reconcile the patch team with the maintainers now. */
export const sync: Handler<"sync"> = async (env) => {
  if (env.trackingCase?.issue?.unverified) return resign(env);
  await refreshCase(env);
  const sizes = (env.trackingCase?.advisories ?? []).map(
    (a) => `${a.ghsa_id}: ${(a.collaborating_users ?? []).length} collaborators`,
  );
  return ok(`Patch team reconciled.\n\n${sizes.map((s) => `- ${s}`).join("\n")}`);
};

/**
 * The security team confirms a case whose tracking state did not verify: the state is rebuilt from
 * what GitHub shows now, signed with the app's current key, and the case resumes.
 */
async function resign(env: CommandEnv) {
  const auth = authorize(env, "security-team");
  if (!auth.allowed)
    return refuse(
      `the tracking state of this issue could not be verified; only the security team can confirm the case (${auth.why}).`,
    );
  const c = env.trackingCase;
  const unverified = c?.issue?.unverified;
  if (!c?.issue || !unverified) return refuse("This issue has no tracking state to confirm.");
  const advisories = await readCase(env);
  const seen: SeenOnGitHub[] = advisories.map((a) => {
    const { owner, repo } = advisoryRepo(a);
    const cfg = configFor(env.view, repo);
    const config = cfg?.ok ? cfg.config : env.config;
    const reporter = reporterOf(a);
    const desired = desiredPatchTeam({
      org: owner,
      repo,
      repos: env.view.rosters,
      config: { inactive: config.inactive },
      securityTeam: securityTeam(env.view, config).members,
      reporter,
      added: [],
      removed: [],
      botLogin: env.ctx.botLogin,
    });
    return {
      tracked: { repo: `${owner}/${repo}`, ghsa: a.ghsa_id },
      createdAt: a.created_at ?? null,
      collaborators: (a.collaborating_users ?? []).map((u) => u.login),
      desired: desired.users,
      reporter,
    };
  });
  const tracking = restateFromGitHub(seen, unverified.claimed, env.ctx.now);
  env.trackingCase = { ...c, advisories, issue: { ...c.issue, tracking, unverified: null } };
  const result = await reconcileCase(env.ctx, env.view, env.trackingCase);
  if (result.problems.length > 0) return refuse(`GitHub refused part of it: ${result.problems.join("; ")}`);
  const who = (list: string[]) => list.map((u) => `@${escapeUntrusted(u)}`).join(", ");
  const lines = [
    "Tracking state re-signed from what GitHub shows; the case resumes.",
    "",
    `- Patch team kept as it is now${tracking.added.length > 0 ? `; recorded as added: ${who(tracking.added)}` : ""}.`,
    ...(tracking.removed.length > 0
      ? [`- Not on the patch team, recorded as removed: ${who(tracking.removed)} (\`/advisory add\` staffs them).`]
      : []),
    tracking.hold
      ? `- Still on hold: ${escapeUntrusted(tracking.hold.reason)} (\`/advisory unhold\` lifts it).`
      : "- Not on hold (`/advisory hold` pauses automatic publication).",
  ];
  return ok(lines.join("\n"));
}
