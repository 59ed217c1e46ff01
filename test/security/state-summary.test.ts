/**
 * A reporter is a collaborator of their advisory, and collaborators can edit its summary and
 * description. Whatever they write there is shown on the tracking issue, and can never act as the
 * app's state: not to add a stranger, remove maintainers, cancel a hold, or make every run open
 * another tracking issue.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { collaborators, FIXED_DESCRIPTION, forgeStateMarker, issuesNaming, ORAS_GO_FIXED } from "../helpers/forge.js";

const ORAS_GO_TEAM = ["FeynmanZhou", "qweeah", "reporter1", "sajay", "shizhMSFT", "TerryHowe", "Wwwsylvia"].sort();

async function reported(bed: Bed): Promise<string> {
  seedOras(bed.sim);
  const sent = await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal in blob extraction",
    description: "### Impact\nWrites outside the target directory.\n",
    severity: "high",
  });
  await bed.sim.idle();
  expect(collaborators(bed, sent.ghsa_id)).toEqual(ORAS_GO_TEAM);
  return sent.ghsa_id;
}

/** The reporter rewrites the summary, then a few sweeps render and re-read the tracking issue. */
async function reporterWritesSummary(bed: Bed, ghsa: string, summary: string): Promise<void> {
  await bed.sim.editAdvisoryByHand(ORG, "oras-go", ghsa, "reporter1", { summary });
  for (let i = 0; i < 3; i++) await bed.bot.sweepAll();
}

describe("a forged state marker in the advisory summary", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("does not add a stranger to the patch team", async () => {
    bed = await startBed();
    const ghsa = await reported(bed);
    const marker = forgeStateMarker({ advisories: [{ repo: `${ORG}/oras-go`, ghsa }], added: ["outsider"] });
    await reporterWritesSummary(bed, ghsa, `Path traversal ${marker}`);
    expect(collaborators(bed, ghsa)).toEqual(ORAS_GO_TEAM);
    // The summary is still shown, readably, and forms no HTML comment.
    const body = issuesNaming(bed, ghsa)[0]?.body ?? "";
    expect(body).toContain("Path traversal &lt;!-- oras-advisory-bot:state");
    expect(body.split("<!--")).toHaveLength(2);
  });

  it("does not remove the maintainers", async () => {
    bed = await startBed();
    const ghsa = await reported(bed);
    const marker = forgeStateMarker({
      advisories: [{ repo: `${ORG}/oras-go`, ghsa }],
      removed: ["qweeah", "shizhMSFT", "Wwwsylvia", "TerryHowe"],
    });
    await reporterWritesSummary(bed, ghsa, `Path traversal ${marker}`);
    expect(collaborators(bed, ghsa)).toEqual(ORAS_GO_TEAM);
  });

  it("does not cancel the security team's hold: the fixing release publishes nothing", async () => {
    bed = await startBed();
    const ghsa = await reported(bed);
    const issue = issuesNaming(bed, ghsa)[0]!.number;
    await bed.sim.comment(ORG, TRACKER, issue, "sajay", "/advisory hold waiting for the CLI release");
    await bed.sim.idle();
    const marker = forgeStateMarker({ advisories: [{ repo: `${ORG}/oras-go`, ghsa }], hold: null });
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", ghsa, "qweeah", {
      description: FIXED_DESCRIPTION,
      vulnerabilities: [ORAS_GO_FIXED],
    });
    await reporterWritesSummary(bed, ghsa, `Path traversal ${marker}`);
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    await bed.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
  });

  it("that tracks nothing does not make every run open another tracking issue", async () => {
    bed = await startBed();
    const ghsa = await reported(bed);
    const marker = forgeStateMarker({ advisories: [] });
    await reporterWritesSummary(bed, ghsa, `Path traversal ${marker}`);
    await reporterWritesSummary(bed, ghsa, `Path traversal ${marker} again`);
    expect(issuesNaming(bed, ghsa)).toHaveLength(1);
  });
});
