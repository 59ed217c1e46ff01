/**
 * The app's replies quote each command line. A line can carry text that looks like the app's own
 * markers; quoted, it must neither suppress the reply to a later command nor a "blocked" notice.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { forgeReplyMarker, issuesNaming } from "../helpers/forge.js";

async function tracked(bed: Bed): Promise<{ ghsa: string; issue: number }> {
  seedOras(bed.sim);
  const sent = await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal in blob extraction",
    description: "### Impact\nWrites outside the target directory.\n",
    severity: "high",
  });
  await bed.sim.idle();
  return { ghsa: sent.ghsa_id, issue: issuesNaming(bed, sent.ghsa_id)[0]!.number };
}

/** The id GitHub (here, the simulator: ids are sequential) gives the next comment: easy to predict. */
function nextCommentId(bed: Bed): number {
  const ids = bed.sim.world.listIssues(ORG, TRACKER).flatMap((i) => i.comments.map((c) => c.id));
  return (ids.length > 0 ? Math.max(...ids) : 3_000_000) + 1;
}

describe("markers quoted in a reply", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("a quoted reply marker does not keep the security team's later command from running", async () => {
    bed = await startBed();
    const { ghsa, issue } = await tracked(bed);
    // The reply to this comment takes one id; the security team's comment takes the next.
    const target = nextCommentId(bed) + 2;
    await bed.sim.comment(
      ORG,
      TRACKER,
      issue,
      "TerryHowe",
      `/advisory status ${forgeReplyMarker(target, ["/advisory hold embargo extended"])}`,
    );
    await bed.sim.idle();
    const hold = await bed.sim.comment(ORG, TRACKER, issue, "sajay", "/advisory hold embargo extended");
    await bed.sim.idle();
    expect(hold.comment_id).toBe(target);
    const replies = bed.sim.world
      .listComments(ORG, TRACKER, issue)
      .filter((c) => c.user.endsWith("[bot]") && c.body.includes("> /advisory hold embargo extended"));
    expect(replies).toHaveLength(1);
    expect(issuesNaming(bed, ghsa)[0]?.body).toContain("On hold");
    // The quoted line is shown readably and forms no HTML comment of its own.
    const quoting = bed.sim.world
      .listComments(ORG, TRACKER, issue)
      .find((c) => c.user.endsWith("[bot]") && c.body.includes("> /advisory status"));
    expect(quoting?.body).toContain("&lt;!-- oras-advisory-bot:reply");
    expect(quoting?.body.split("<!--")).toHaveLength(2);
  });

  it("a quoted notice marker does not suppress the 'blocked' notice", async () => {
    bed = await startBed();
    const { ghsa, issue } = await tracked(bed);
    await bed.sim.comment(
      ORG,
      TRACKER,
      issue,
      "TerryHowe",
      `/advisory status <!-- oras-advisory-bot:notice blocked:${ghsa}:v2.6.1 -->`,
    );
    await bed.sim.idle();
    // Patched version set, but the description states no fix: the release finds it blocked.
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", ghsa, "qweeah", {
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: "< 2.6.1",
          patched_versions: "2.6.1",
          vulnerable_functions: [],
        },
      ],
    });
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    await bed.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    const notices = bed.sim.world
      .listComments(ORG, TRACKER, issue)
      .filter((c) => c.user.endsWith("[bot]") && c.body.includes("cannot be published yet"));
    expect(notices).toHaveLength(1);
  });
});
