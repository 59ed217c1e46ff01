import { advisoryRepo, type RepositoryAdvisory } from "../github/types.js";
import { configFor } from "../workflows/org-view.js";
import { annotateReleases, publishGate } from "../workflows/publish.js";
import { type Case, casesOf } from "../workflows/reconcile.js";
import type { CommandEnv } from "./env.js";
import { authorize, ok, refreshCase, refuse } from "./env.js";
import type { Handler } from "./handler.js";

/** Drafts this command concerns: the tracking issue's, or in a release pull request, its repository's. */
function drafts(env: CommandEnv): RepositoryAdvisory[] {
  if (env.trackingCase) return env.trackingCase.advisories.filter((a) => a.state === "draft");
  return env.view.advisories.filter(
    (a) => a.state === "draft" && advisoryRepo(a).repo.toLowerCase() === env.place.repo.toLowerCase(),
  );
}

/**
 * `/advisory publish`: publish now if — and only if — the fixing release is out and the disclosure
 * check passes. It goes through the same gate as automatic publication; there is no second door.
 */
export const publish: Handler<"publish"> = async (env) => {
  const targets = drafts(env);
  if (targets.length === 0) return refuse("There is no draft advisory to publish here.");
  const lines: string[] = [];
  let published = 0;
  // Only the security team's publish confirms a fixing release older than the advisory.
  const authority = { securityTeamConfirmed: authorize(env, "security-team").allowed };
  const cases = env.trackingCase ? [env.trackingCase] : casesOf(env.view);
  for (const a of targets) {
    const { owner, repo } = advisoryRepo(a);
    const cfg = configFor(env.view, repo);
    if (!cfg?.ok) {
      lines.push(`- ${a.ghsa_id}: not published — the configuration of ${repo} is invalid.`);
      continue;
    }
    // The whole gate, wherever the command is written (a tracking issue or a release pull request):
    // the case's hold and, with publish.together, its siblings.
    const c: Case | undefined = cases.find((x) => x.advisories.some((s) => s.ghsa_id === a.ghsa_id));
    if (!env.trackingCase && c?.tracker && !c.issue) {
      lines.push(`- ${a.ghsa_id}: not published — it has no tracking issue yet, so its hold cannot be checked.`);
      continue;
    }
    const hold = c?.issue?.tracking?.hold ?? null;
    const siblings = cfg.config.publish.together
      ? (c?.advisories ?? [])
          .filter((s) => s.ghsa_id !== a.ghsa_id && (s.state === "draft" || s.state === "triage"))
          .map((s) => ({ ...advisoryRepo(s), ghsa: s.ghsa_id }))
      : [];
    const outcome = await publishGate(env.ctx, { owner, repo, ghsa: a.ghsa_id }, cfg.config, hold, siblings, authority);
    switch (outcome.kind) {
      case "published":
        published += 1;
        if (cfg.config.publish.annotateRelease)
          await annotateReleases(env.ctx, { owner, repo }, outcome.advisory, outcome.fixingReleases);
        lines.push(`- ${a.ghsa_id}: published (fixed by ${outcome.fixingReleases.map((r) => r.tag_name).join(", ")}).`);
        break;
      case "waiting":
        lines.push(
          `- ${a.ghsa_id}: not published — ${outcome.missing.length > 0 ? `no published release for ${outcome.missing.join(", ")}` : "no patched version is set (use `/advisory fixed-in`)"}.`,
        );
        break;
      case "blocked":
        lines.push(`- ${a.ghsa_id}: not published —\n${outcome.problems.map((p) => `  - ${p.message}`).join("\n")}`);
        break;
      case "refused":
        lines.push(`- ${a.ghsa_id}: not published — ${outcome.message}`);
        break;
      case "waiting-for-sibling":
        lines.push(`- ${a.ghsa_id}: not published — waiting for ${outcome.siblings.join(", ")} (publish.together).`);
        break;
      case "not-draft":
        lines.push(`- ${a.ghsa_id}: not a draft.`);
        break;
    }
  }
  await refreshCase(env);
  const summary = lines.join("\n");
  // Success when something was published; what waits for its own release is listed, not a failure of it.
  return published > 0 ? ok(summary) : refuse(summary);
};
