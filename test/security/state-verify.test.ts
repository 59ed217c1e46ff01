/**
 * The tracking state is authenticated with the app's key. A state that fails verification — edited
 * by a person, or signed under a key since rotated — changes nothing: nobody is added or removed,
 * automatic publication waits, and the tracking issue asks the security team, once, to confirm the
 * case. A security-team `/advisory sync` re-signs the state from what GitHub shows and resumes.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, restartApp, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { collaborators, FIXED_DESCRIPTION, forgeStateMarker, issuesNaming, ORAS_GO_FIXED } from "../helpers/forge.js";

const ORAS_GO_TEAM = ["FeynmanZhou", "qweeah", "reporter1", "sajay", "shizhMSFT", "TerryHowe", "Wwwsylvia"].sort();
const UNVERIFIED = "could not be verified";

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

/** The fix is described and versioned, and its release is published. */
async function fixReleased(bed: Bed, ghsa: string): Promise<void> {
  await bed.sim.editAdvisoryByHand(ORG, "oras-go", ghsa, "qweeah", {
    description: FIXED_DESCRIPTION,
    vulnerabilities: [ORAS_GO_FIXED],
  });
  await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
  await bed.sim.idle();
}

function notices(bed: Bed, issue: number) {
  return bed.sim.world
    .listComments(ORG, TRACKER, issue)
    .filter(
      (c) =>
        c.user.endsWith("[bot]") &&
        c.body.includes(UNVERIFIED) &&
        c.body.trimEnd().endsWith(" -->") &&
        c.body.includes("<!-- oras-advisory-bot:notice unverified-state:"),
    );
}

async function command(bed: Bed, issue: number, user: string, body: string) {
  const sent = await bed.sim.comment(ORG, TRACKER, issue, user, body);
  await bed.sim.idle();
  const reply = bed.sim.world
    .listComments(ORG, TRACKER, issue)
    .find((c) => c.user.endsWith("[bot]") && parseReply(c.body)?.commentId === sent.comment_id);
  return parseReply(reply?.body)?.entries ?? [];
}

describe("an unverifiable tracking state", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("an edited body marker is not obeyed: nothing changes, publication waits, the security team is asked once", async () => {
    bed = await startBed();
    const { ghsa, issue } = await tracked(bed);
    const record = bed.sim.world.issue(ORG, TRACKER, issue);
    const forged = forgeStateMarker({
      advisories: [{ repo: `${ORG}/oras-go`, ghsa }],
      added: ["outsider"],
      removed: ["qweeah"],
    });
    // A tracker writer edits the app's issue body: the state marker at its end is replaced.
    bed.sim.world.updateIssue(record, {
      body: (record.body ?? "").replace(/<!-- oras-advisory-bot:state [^>]*-->\s*$/, forged),
    });
    await fixReleased(bed, ghsa);
    await bed.bot.sweepAll();
    await bed.bot.sweepAll();
    expect(collaborators(bed, ghsa)).toEqual(ORAS_GO_TEAM);
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    expect(notices(bed, issue)).toHaveLength(1);
    expect(notices(bed, issue)[0]?.body).toContain("/advisory sync");

    // The patch team cannot confirm it; the security team can, and the case resumes from what GitHub shows.
    const [byMaintainer] = await command(bed, issue, "qweeah", "/advisory sync");
    expect(byMaintainer?.ok).toBe(false);
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    const [bySecurity] = await command(bed, issue, "sajay", "/advisory sync");
    expect(bySecurity?.ok).toBe(true);
    await bed.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("published");
    expect(collaborators(bed, ghsa)).not.toContain("outsider");
    expect(notices(bed, issue)).toHaveLength(1);
  }, 60_000);

  it("a state signed under a rotated key: nothing changes until the security team re-signs it", async () => {
    bed = await startBed();
    const { ghsa, issue } = await tracked(bed);
    await command(bed, issue, "sajay", "/advisory add FeynmanZhou");
    await restartApp(bed, { settings: { stateSecret: "a-new-state-secret-after-rotation" } });
    await fixReleased(bed, ghsa);
    await bed.bot.sweepAll();
    await bed.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    expect(collaborators(bed, ghsa)).toEqual(ORAS_GO_TEAM);
    expect(notices(bed, issue)).toHaveLength(1);

    const [sync] = await command(bed, issue, "sajay", "/advisory sync");
    expect(sync?.ok).toBe(true);
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("published");
    expect(notices(bed, issue)).toHaveLength(1);
  });

  it("a hold in the unverified state is kept when the security team re-signs it", async () => {
    bed = await startBed();
    const { ghsa, issue } = await tracked(bed);
    await command(bed, issue, "sajay", "/advisory hold waiting for the CLI");
    await restartApp(bed, { settings: { stateSecret: "a-new-state-secret-after-rotation" } });
    await fixReleased(bed, ghsa);
    const [sync] = await command(bed, issue, "sajay", "/advisory sync");
    expect(sync?.ok).toBe(true);
    await bed.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    expect(issuesNaming(bed, ghsa)[0]?.body).toContain("On hold");
  });
});
