/**
 * Publication on real inputs: an advisory patched in a prerelease, and an advisory with an entry that
 * will never be patched (a deprecated package).
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras } from "../../src/sim/oras-world.js";
import { trackingIssues } from "../helpers/world.js";

const COMPLETE = "### Impact\nCrafted manifests escape.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";

describe("publication on real inputs", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("an advisory patched in a prerelease is published by that prerelease, with publish.prereleases: false", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
      summary: "Fixed only on the v3 line, in its release candidate",
      description: COMPLETE,
      severity: "high",
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: "< 3.0.0-rc.3",
          patched_versions: "3.0.0-rc.3",
          vulnerable_functions: [],
        },
      ],
    });
    await bed.bot.sweepAll();
    // An earlier candidate is not the patched version: nothing happens.
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v3.0.0-rc.2", prerelease: true, author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(a.ghsa_id)?.state).toBe("draft");
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v3.0.0-rc.3", prerelease: true, author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(a.ghsa_id)?.state).toBe("published");
    const [issue] = trackingIssues(bed, a.ghsa_id);
    expect(issue?.state).toBe("closed");
    expect(issue?.body).not.toContain("waiting for 3.0.0-rc.3");
    const release = bed.sim.world.listReleases(ORG, "oras-go").find((r) => r.tag_name === "v3.0.0-rc.3");
    expect(release?.body).toContain(a.ghsa_id);
  });

  it("an entry with no patched version (a deprecated package) does not block: the tracking issue says it stays unfixed", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
      summary: "Also in the deprecated credentials module",
      description: COMPLETE,
      severity: "high",
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: "< 2.6.1",
          patched_versions: "2.6.1",
          vulnerable_functions: [],
        },
        {
          package: { ecosystem: "go", name: "oras.land/oras-credentials-go" },
          vulnerable_version_range: ">= 0",
          patched_versions: null,
          vulnerable_functions: [],
        },
      ],
    });
    await bed.bot.sweepAll();
    const before = trackingIssues(bed, a.ghsa_id)[0]?.body ?? "";
    expect(before).toContain("oras.land/oras-credentials-go) names no patched version: it will stay unfixed");
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(a.ghsa_id)?.state).toBe("published");
  });
});
