/**
 * Per-case isolation: a sweep that cannot read or write one case reports it — in its summary, in the
 * log and on the dashboard — and finishes every other case; the next sweep retries it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { HAND_MADE_DESCRIPTION, ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { capturingLogger } from "../helpers/log.js";

function draft(bed: Bed, repo: string, version: string, name: string): string {
  return bed.sim.createAdvisoryByHand(ORG, repo, "sajay", {
    summary: `Flaw in ${repo}`,
    description: HAND_MADE_DESCRIPTION,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name },
        vulnerable_version_range: `< ${version}`,
        patched_versions: version,
        vulnerable_functions: [],
      },
    ],
  }).ghsa_id;
}

describe("per-case isolation in the sweep", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("a case whose reads keep failing is reported and retried; every other case is finished", async () => {
    const log = await capturingLogger("info");
    bed = await startBed({ log: log.log });
    seedOras(bed.sim);
    const broken = draft(bed, "oras-go", "2.6.1", "oras.land/oras-go/v2");
    const fine = draft(bed, "oras", "1.3.1", "oras.land/oras");
    await bed.bot.sweepAll();

    // Both fixing releases come out while the app hears nothing of them.
    bed.clock.advance(3_600_000);
    bed.sim.setFaults({ rate: 0, kinds: [], dropWebhooks: 1 });
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.publishRelease(ORG, "oras", { tag_name: "v1.3.1", author: "SteveLasker" });
    bed.sim.setFaults(null);

    // GitHub keeps failing one case's read of its releases (every attempt, retries included).
    let outage = true;
    bed.sim.failNext((r) => outage && r.method === "GET" && r.path === `/repos/${ORG}/oras-go/releases`, 1_000);
    const first = await bed.bot.sweepAll();
    expect(first.errors).toEqual([]);
    const org = first.orgs[0]!;
    expect(bed.sim.world.getAdvisory(fine)?.state).toBe("published");
    expect(bed.sim.world.getAdvisory(broken)?.state).toBe("draft");
    expect(org.failedCases).toHaveLength(1);
    const [failedKey] = org.failedCases;
    expect(org.problems.some((p) => p.startsWith(`${failedKey}: `) && p.includes("502"))).toBe(true);
    const lines = log.lines().map((l) => JSON.parse(l) as { msg?: string; case?: string });
    expect(lines.some((l) => l.msg === "reconcile failed" && l.case === failedKey)).toBe(true);
    const dashboard = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-dashboard"));
    expect(dashboard?.body).toContain("not reconciled");
    expect(dashboard?.body).toContain(broken);

    outage = false;
    const second = await bed.bot.sweepAll();
    expect(second.orgs[0]?.failedCases).toEqual([]);
    expect(bed.sim.world.getAdvisory(broken)?.state).toBe("published");
  });

  it("a case that fails in its second phase, at its tracking issue, is reported; the others finish; the next sweep finishes it", async () => {
    const log = await capturingLogger("info");
    bed = await startBed({ log: log.log });
    seedOras(bed.sim);
    const broken = draft(bed, "oras-go", "2.6.1", "oras.land/oras-go/v2");
    const fine = draft(bed, "oras", "1.3.1", "oras.land/oras");
    await bed.bot.sweepAll();
    const trackingOf = (ghsa: string) =>
      bed.sim.world
        .listIssues(ORG, TRACKER)
        .find((i) => i.labels.includes("advisory") && (i.body ?? "").includes(ghsa));
    const issue = trackingOf(broken)!;
    expect(issue.state).toBe("open");

    // One description says nothing of the fix any more: its tracking issue needs a blocked notice,
    // which is posted once the issue's comments show it is not there yet.
    bed.clock.advance(3_600_000);
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", broken, "sajay", { description: "### Impact\nA flaw.\n" });
    bed.sim.setFaults({ rate: 0, kinds: [], dropWebhooks: 1 });
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.publishRelease(ORG, "oras", { tag_name: "v1.3.1", author: "SteveLasker" });
    bed.sim.setFaults(null);

    // Reading that issue's comments keeps failing (every attempt, retries included).
    let outage = true;
    const comments = `/repos/${ORG}/${TRACKER}/issues/${issue.number}/comments`;
    bed.sim.failNext((r) => outage && r.method === "GET" && r.path === comments, 1_000);
    const first = await bed.bot.sweepAll();
    expect(first.errors).toEqual([]);
    const org = first.orgs[0]!;
    const key = `${TRACKER.toLowerCase()}#${issue.number}`;
    expect(org.failedCases).toEqual([key]);
    expect(org.problems.some((p) => p.startsWith(`${key}: `) && p.includes("502"))).toBe(true);
    const lines = log.lines().map((l) => JSON.parse(l) as { msg?: string; case?: string });
    expect(lines.some((l) => l.msg === "reconcile failed" && l.case === key)).toBe(true);
    // Every other case is finished: published, its release annotated, its tracking issue closed.
    expect(bed.sim.world.getAdvisory(fine)?.state).toBe("published");
    expect(trackingOf(fine)?.state).toBe("closed");
    const notes = bed.sim.world.listReleases(ORG, "oras").find((r) => r.tag_name === "v1.3.1")?.body ?? "";
    expect(notes).toContain(fine);
    expect(bed.sim.world.getAdvisory(broken)?.state).toBe("draft");
    const dashboard = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-dashboard"));
    expect(dashboard?.body).toContain("not reconciled");

    outage = false;
    const second = await bed.bot.sweepAll();
    expect(second.orgs[0]?.failedCases).toEqual([]);
    const blocked = bed.sim.world
      .listComments(ORG, TRACKER, issue.number)
      .filter((c) => c.body.includes("cannot be published yet"));
    expect(blocked).toHaveLength(1);
    expect(bed.sim.world.getAdvisory(broken)?.state).toBe("draft");
  });
});
