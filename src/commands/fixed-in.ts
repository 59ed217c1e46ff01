import type { Plan } from "../domain/plan.js";
import { configFor } from "../workflows/org-view.js";
import { applyForCommand, openAdvisories, refreshCase, refuse, where } from "./env.js";
import type { Handler } from "./handler.js";

/** `/advisory fixed-in <version>[, …]`: set `patched_versions` (and the vulnerable range when empty). */
export const fixedIn: Handler<"fixed-in"> = async (env, { versions }) => {
  const open = openAdvisories(env);
  if (open.length === 0) return refuse("There is no open advisory here.");
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
