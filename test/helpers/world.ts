import { decodeState } from "../../src/domain/tracking.js";
import type { Bed } from "../../src/sim/harness.js";
import { ORG, TRACKER } from "../../src/sim/oras-world.js";

/** The tracking issues (open or closed) whose hidden state names `ghsa`, in the ORAS tracker. */
export function trackingIssues(bed: Bed, ghsa: string) {
  return bed.sim.world
    .listIssues(ORG, TRACKER)
    .filter((i) => i.labels.includes("advisory") && decodeState(i.body)?.advisories.some((a) => a.ghsa === ghsa));
}

/** A report's vulnerability in oras-go as a reporter files it: the package, no versions yet. */
export const ORAS_GO_UNVERSIONED = {
  package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
  vulnerable_version_range: null,
  patched_versions: null,
  vulnerable_functions: [],
};
