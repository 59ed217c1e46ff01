import { deriveStateKey, readStateMarker, type TrackingState } from "../../src/domain/tracking.js";
import { BED_SECRET, type Bed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";

/** The bed's tracking-state key: derived from its webhook secret, as the app does without `STATE_SECRET`. */
export const BED_STATE_KEY = deriveStateKey(BED_SECRET);

/** The verified state at the end of a body the app wrote (signed with the bed's key), or null. */
export function stateIn(body: string | null | undefined): TrackingState | null {
  const reading = readStateMarker(body, BED_STATE_KEY);
  return reading.verdict === "verified" ? reading.state : null;
}

/**
 * The verified state of a tracking issue, wherever the app keeps it: the end of the body of an issue
 * it opened, or its state comment on an issue a person opened.
 */
export function trackingStateOf(bed: Bed, number: number): TrackingState | null {
  const issue = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === number);
  if (!issue) return null;
  const app = `${bed.sim.world.app.slug}[bot]`;
  if (issue.user === app) return stateIn(issue.body);
  for (const c of issue.comments) if (c.user === app && stateIn(c.body)) return stateIn(c.body);
  return null;
}

/** The tracking issues (open or closed) whose hidden state names `ghsa`, in the ORAS tracker. */
export function trackingIssues(bed: Pick<Bed, "sim">, ghsa: string) {
  return bed.sim.world
    .listIssues(ORG, TRACKER)
    .filter((i) => i.labels.includes("advisory") && stateIn(i.body)?.advisories.some((a) => a.ghsa === ghsa));
}
/** A report's vulnerability in oras-go as a reporter files it: the package, no versions yet. */
export const ORAS_GO_UNVERSIONED = {
  package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
  vulnerable_version_range: null,
  patched_versions: null,
  vulnerable_functions: [],
};

/** The CVE id GitHub assigns to the advisory of {@link embargoed}. */
export const EMBARGOED_CVE = "CVE-2026-41234";

/**
 * A reported `oras-go` advisory, tracked, with its private fork and a CVE id, after a sweep: the embargo
 * watch's index knows its id, fork and CVE.
 */
export async function embargoed(bed: Bed) {
  seedOras(bed.sim);
  const reported = await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal when extracting crafted artifacts",
    description: "### Impact\nA crafted manifest escapes the target directory.\n",
    vulnerabilities: [ORAS_GO_UNVERSIONED],
  });
  await bed.sim.idle();
  bed.sim.tick(); // the private fork is ready
  const record = bed.sim.world.advisories.get(reported.ghsa_id);
  if (!record) throw new Error("no advisory");
  bed.sim.world.updateAdvisory(record, { cve_id: EMBARGOED_CVE }, "sajay"); // GitHub assigned the requested CVE
  await bed.bot.sweepAll(); // the sweep reads the org: the watch's index now knows the fork and the CVE
  await bed.sim.idle();
  const issue = trackingIssues(bed, reported.ghsa_id)[0];
  const fork = bed.sim.world.getAdvisory(reported.ghsa_id)?.private_fork;
  if (!issue || !fork) throw new Error("not tracked or no fork");
  return { ghsa: reported.ghsa_id, issue: issue.number, fork };
}
