/**
 * Issue 14 item 6: `/advisory publish` in a release pull request goes through the whole publish gate —
 * the case's security-team hold and `publish.together` — exactly as on the tracking issue.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, ORG_CONFIG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { trackingIssues } from "../helpers/world.js";

const COMPLETE = "### Impact\nCrafted manifests escape.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";

async function fixedDraft(bed: Bed) {
  const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal",
    description: COMPLETE,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
        vulnerable_version_range: "< 2.6.1",
        patched_versions: "2.6.1",
        vulnerable_functions: [],
      },
    ],
  });
  await bed.sim.idle();
  return { ghsa: report.ghsa_id, issue: trackingIssues(bed, report.ghsa_id)[0]!.number };
}

async function publishInReleasePr(bed: Bed) {
  const pr = await bed.sim.openPullRequest(ORG, "oras-go", "qweeah", { title: "Release v2.6.1" });
  const sent = await bed.sim.comment(ORG, "oras-go", pr.number, "sajay", "/advisory publish");
  await bed.sim.idle();
  return [...bed.sim.world.comments.values()]
    .map((c) => parseReply(c.body))
    .find((m) => m?.commentId === sent.comment_id)?.entries[0];
}

describe("/advisory publish in a release pull request", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("does not publish an advisory the security team put on hold", async () => {
    bed = await startBed({ seed: 75 });
    seedOras(bed.sim);
    const { ghsa, issue } = await fixedDraft(bed);
    await bed.sim.comment(ORG, TRACKER, issue, "sajay", "/advisory hold coordinating with a downstream vendor");
    await bed.sim.idle();
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");

    const entry = await publishInReleasePr(bed);
    expect(entry?.ok).toBe(false);
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
  });

  it("with publish.together, does not publish while a sibling's release is not out", async () => {
    bed = await startBed({ seed: 76 });
    seedOras(bed.sim, { config: `${ORG_CONFIG}publish:\n  together: true\n` });
    const { ghsa, issue } = await fixedDraft(bed);
    await bed.sim.comment(ORG, TRACKER, issue, "sajay", "/advisory also-affects oras");
    await bed.sim.idle();
    const cli = bed.sim.world.listAdvisories(ORG, "oras")[0]!.ghsa_id;
    await bed.sim.comment(ORG, TRACKER, issue, "sajay", "/advisory fixed-in 1.3.1");
    await bed.sim.idle();
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");

    const entry = await publishInReleasePr(bed);
    expect(entry?.ok).toBe(false);
    expect([ghsa, cli].map((g) => bed.sim.world.getAdvisory(g)?.state)).toEqual(["draft", "draft"]);
  });
});
