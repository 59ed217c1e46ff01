import { advisoryRepo } from "../github/types.js";
import { createDraft, draftPackage, targetRepo } from "./create.js";
import { ok, refuse, updateTracking } from "./env.js";
import type { Handler } from "./handler.js";

/**
 * `/advisory also-affects <repo> [package]`: a sibling draft in another repository of the org (same
 * summary, description, severity or CVSS, CWEs), with that repository's package, patch team and
 * private fork, tracked on this same issue.
 */
export const alsoAffects: Handler<"also-affects"> = async (env, args) => {
  const c = env.trackingCase;
  const source = c?.advisories[0];
  if (!c?.issue || !source) return refuse("Use this in the tracking issue of an advisory.");
  const repo = targetRepo(env, args.owner, args.repo);
  if (typeof repo === "string") return refuse(repo);
  if (c.advisories.some((a) => advisoryRepo(a).repo.toLowerCase() === repo.name.toLowerCase())) {
    return refuse(`${env.view.org}/${repo.name} already has an advisory on this tracking issue.`);
  }
  const pkg = await draftPackage(env, repo, { argument: args.package, sibling: source });
  if (!("package" in pkg)) return pkg;
  const created = await createDraft(
    env,
    repo,
    {
      summary: source.summary,
      description: source.description ?? source.summary,
      severity: source.cvss?.vector_string ? null : source.severity,
      cvss_vector_string: source.cvss?.vector_string ?? null,
      cwe_ids: source.cwe_ids ?? [],
    },
    pkg,
  );
  if (!("ghsa_id" in created)) return created;
  env.view.advisories.push(created);
  env.trackingCase = { ...c, advisories: [...c.advisories, created] };
  const update = await updateTracking(env, (s) => {
    s.advisories.push({ repo: `${env.view.org}/${repo.name}`, ghsa: created.ghsa_id });
    if (repo.config.intake.privateFork) s.forkRequestedAt[created.ghsa_id] = env.ctx.now.toISOString();
  });
  if (!env.ctx.dryRun && !update.recorded)
    return refuse(
      `Created sibling draft ${created.ghsa_id} in ${env.view.org}/${repo.name}, but this tracking issue could not record it (${update.problems[0] ?? "GitHub did not confirm the write"}); the next sweep opens a tracking issue of its own for it.`,
    );
  return ok(
    `Created sibling draft ${created.ghsa_id} in ${env.view.org}/${repo.name}; it is tracked here and publishes when its own fixing release is out.`,
  );
};
