/**
 * Response times of an org, from what a run has read: the advisories (GitHub's creation and publication
 * times), their tracking issues' states (first response, accepted, staffed) and the repositories'
 * releases (the fixing release's publication time). Reads nothing itself.
 */
import { firstFixingRelease, type Timeline, timeline } from "../domain/response-times.js";
import type { SnapshotRelease } from "../github/org.js";
import { advisoryRepo } from "../github/types.js";
import { configFor, type OrgView, orgConfig, repoKey } from "./org-view.js";

/** The policy's default acknowledgement promise, in working days, when no configuration says otherwise. */
const DEFAULT_ACK_WITHIN = 14;

/**
 * One timeline per advisory of the view. `releases` replaces the view's recent releases of a repository
 * (keyed by lower-case name) where a caller has read more of them (the report reads every release).
 */
export function orgTimelines(view: OrgView, releases?: ReadonlyMap<string, readonly SnapshotRelease[]>): Timeline[] {
  const trackingOf = (ghsa: string) => {
    for (const tracker of view.trackers.values()) {
      const issue = tracker.byGhsa.get(ghsa.toLowerCase());
      if (issue?.tracking) return issue.tracking;
    }
    return null;
  };
  const out: Timeline[] = [];
  for (const advisory of view.advisories) {
    const { owner, repo } = advisoryRepo(advisory);
    const cfg = configFor(view, repo);
    const prereleases = cfg?.ok === true ? cfg.config.publish.prereleases : false;
    const repoReleases =
      releases?.get(repoKey(repo)) ?? view.repos.find((r) => repoKey(r.name) === repoKey(repo))?.releases ?? [];
    const tracking = trackingOf(advisory.ghsa_id);
    const recorded = tracking?.milestones[advisory.ghsa_id.toLowerCase()];
    out.push(
      timeline({
        repo: `${owner}/${repo}`,
        ghsa: advisory.ghsa_id,
        severity: advisory.severity ?? null,
        state: advisory.state,
        createdAt: advisory.created_at ?? null,
        publishedAt: advisory.published_at ?? null,
        reported: advisory.submission != null,
        acknowledgedAt: tracking?.acknowledgedAt ?? null,
        acceptedAt: recorded?.acceptedAt ?? null,
        staffedAt: recorded?.staffedAt ?? null,
        fixRelease: firstFixingRelease(advisory, repoReleases, { prereleases }),
      }),
    );
  }
  return out.sort((a, b) => (a.reportedAt ?? "").localeCompare(b.reportedAt ?? "") || a.ghsa.localeCompare(b.ghsa));
}

/** The acknowledgement promise the org configuration states (working days). */
export function ackWithinOf(view: OrgView): number {
  return orgConfig(view)?.config.intake.ackWithin ?? DEFAULT_ACK_WITHIN;
}
