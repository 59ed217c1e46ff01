import type { Plan } from "../domain/plan.js";
import { configFor } from "../workflows/org-view.js";
import { applyForCommand, openAdvisories, refreshCase, refuse, where } from "./env.js";
import type { Handler } from "./handler.js";

/**
 * `/advisory fixed-in <version>[, …]`: set `patched_versions` (and the vulnerable range when empty).
 * With sibling advisories on one tracking issue, it sets the versions of those that have none yet.
 */
export const fixedIn: Handler<"fixed-in"> = async (env, { versions }) => {
  const all = openAdvisories(env);
  if (all.length === 0) return refuse("There is no open advisory here.");
  // Siblings of one vulnerability are fixed by different releases: with several open advisories, the
  // versions go to those that have none yet, as each repository's fix lands.
  const hasVersions = (a: (typeof all)[number]) =>
    (a.vulnerabilities ?? []).some((v) => (v.patched_versions ?? "").trim() !== "");
  const open = all.length > 1 ? all.filter((a) => !hasVersions(a)) : all;
  if (open.length === 0) {
    return refuse(
      `Every advisory here already has patched versions (${all.map((a) => a.ghsa_id).join(", ")}); change one on its advisory page, where each repository's versions are set.`,
    );
  }
  const patched = versions.join(", ");
  const plan: Plan = [];
  for (const a of open) {
    const target = where(a);
    const existing = a.vulnerabilities ?? [];
    const cfg = configFor(env.view, target.repo);
    const pkg = cfg?.ok ? cfg.config.packages[target.repo] : undefined;
    const base =
      existing.length > 0
        ? existing.map((v) => ({
            package: v.package,
            vulnerable_version_range: v.vulnerable_version_range || `< ${versions[0]}`,
            patched_versions: patched,
            vulnerable_functions: v.vulnerable_functions ?? [],
          }))
        : pkg
          ? [
              {
                package: pkg,
                vulnerable_version_range: `< ${versions[0]}`,
                patched_versions: patched,
                vulnerable_functions: [],
              },
            ]
          : null;
    if (!base) {
      return refuse(
        `${a.ghsa_id} names no affected package; add one on the advisory, or set \`packages.${target.repo}\` in the configuration.`,
      );
    }
    plan.push({
      op: "advisory.update",
      params: { ...target, vulnerabilities: base },
      why: `fixed-in by @${env.actor}`,
    });
  }
  const outcome = await applyForCommand(
    env,
    plan,
    `Patched versions set to ${patched}. The advisory publishes when ${versions.length > 1 ? "these releases are" : "this release is"} published.`,
  );
  if (outcome.ok) await refreshCase(env);
  return outcome;
};
