/**
 * Anyone who can write to the tracker can open an issue with the `advisory` label. Only issues the app
 * opened are merged as duplicates: a person's labelled issue carrying a forged state changes nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { collaborators, forgeStateMarker, issuesNaming } from "../helpers/forge.js";

describe("a person's labelled issue with a forged state", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("is not merged as a duplicate: nobody is added, the hold stays", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Path traversal in blob extraction",
      description: "### Impact\nWrites outside the target directory.\n",
      severity: "high",
    });
    await bed.sim.idle();
    const ghsa = sent.ghsa_id;
    const [first] = issuesNaming(bed, ghsa);
    await bed.sim.comment(ORG, TRACKER, first!.number, "sajay", "/advisory hold coordinating");
    await bed.sim.idle();
    const team = collaborators(bed, ghsa);
    const forged = forgeStateMarker({
      advisories: [{ repo: `${ORG}/oras-go`, ghsa }],
      added: ["outsider"],
      removed: ["qweeah"],
    });
    const theirs = await bed.sim.openIssue(ORG, TRACKER, "TerryHowe", {
      title: first!.title,
      body: `Same advisory, tracked twice.\n\n${forged}`,
      labels: ["advisory"],
    });
    await bed.sim.idle();
    await bed.bot.sweepAll();
    await bed.bot.sweepAll();
    expect(collaborators(bed, ghsa)).toEqual(team);
    expect(collaborators(bed, ghsa)).not.toContain("outsider");
    expect(issuesNaming(bed, ghsa).find((i) => i.number === first!.number)?.body).toContain("On hold");
    // The person's issue is theirs: the app neither closes nor comments on it.
    const mine = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === theirs.number);
    expect(mine?.state).toBe("open");
    expect(bed.sim.world.listComments(ORG, TRACKER, theirs.number)).toEqual([]);
  });
});
