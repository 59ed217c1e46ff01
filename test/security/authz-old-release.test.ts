/**
 * Issue 14 item 4: `/advisory fixed-in 2.5.0` naming a release that was out before the report must not
 * publish the advisory (an unfixed vulnerability would be disclosed). It waits, the tracking issue
 * says why, and only a security-team `/advisory publish` publishes it (the legitimate case: a fix
 * shipped quietly, the advisory drafted later).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { publicationVerdict } from "../../src/domain/publication.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { trackingIssues } from "../helpers/world.js";

const COMPLETE = "### Impact\nCrafted manifests escape.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";
const DAY = 86_400_000;

describe("a patched version released before the advisory existed", () => {
  const advisory = {
    ghsa_id: "GHSA-2345-6789-cfgh",
    state: "draft",
    created_at: "2026-11-10T00:00:00Z",
    severity: "high",
    cvss: null,
    description: COMPLETE,
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
        vulnerable_version_range: "< 2.5.0",
        patched_versions: "2.5.0",
        vulnerable_functions: [],
      },
    ],
  };
  const release = (published_at: string) => ({
    tag_name: "v2.5.0",
    body: "",
    draft: false,
    prerelease: false,
    published_at,
  });
  const options = { prereleases: false, waitFor: "all" as const };

  it("the verdict holds it back unless the security team confirms", () => {
    const old = publicationVerdict(advisory, [release("2026-10-01T00:00:00Z")], options, null);
    expect(old.kind).toBe("blocked");
    expect(old.kind === "blocked" && old.problems.map((p) => p.code)).toEqual(["release-predates-advisory"]);
    const confirmed = publicationVerdict(advisory, [release("2026-10-01T00:00:00Z")], options, null, {
      securityTeamConfirmed: true,
    });
    expect(confirmed.kind).toBe("ready");
    expect(publicationVerdict(advisory, [release("2026-11-11T00:00:00Z")], options, null).kind).toBe("ready");
  });

  describe("end to end", () => {
    let bed: Bed;
    let ghsa: string;
    let issue: number;
    beforeAll(async () => {
      bed = await startBed({ seed: 74 });
      seedOras(bed.sim);
      await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.5.0", author: "qweeah" });
      await bed.sim.idle();
      bed.clock.advance(30 * DAY);
      const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
        reporter: "reporter1",
        summary: "Path traversal",
        description: COMPLETE,
        severity: "high",
        vulnerabilities: [
          {
            package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
            vulnerable_version_range: null,
            patched_versions: null,
            vulnerable_functions: [],
          },
        ],
      });
      await bed.sim.idle();
      ghsa = report.ghsa_id;
      issue = trackingIssues(bed, ghsa)[0]!.number;
    });
    afterAll(async () => {
      await bed.close();
    });

    it("a patch-team fixed-in naming the old release does not publish; the tracking issue says why", async () => {
      await bed.sim.comment(ORG, TRACKER, issue, "Wwwsylvia", "/advisory fixed-in 2.5.0");
      await bed.sim.idle();
      await bed.bot.sweepAll();
      expect(bed.sim.world.getAdvisory(ghsa)?.vulnerabilities[0]?.patched_versions).toBe("2.5.0");
      expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
      const notices = bed.sim.world
        .listComments(ORG, TRACKER, issue)
        .filter((c) => parseReply(c.body) === null)
        .map((c) => c.body);
      expect(
        notices.some((b) => b.includes("before this advisory was created") && b.includes("/advisory publish")),
      ).toBe(true);
    });

    it("a patch-team member's /advisory publish is not enough; the security team's is", async () => {
      await bed.sim.comment(ORG, TRACKER, issue, "Wwwsylvia", "/advisory publish");
      await bed.sim.idle();
      expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
      await bed.sim.comment(ORG, TRACKER, issue, "sajay", "/advisory publish");
      await bed.sim.idle();
      expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("published");
    });
  });
});
