import { describe, expect, it } from "vitest";
import { startBed } from "../../src/sim/harness.js";
import { ORG, seedOras } from "../../src/sim/oras-world.js";
import { installationOctokit } from "../sim/seed.js";

describe("the leak scanner every e2e bed runs on close", () => {
  it("catches a comment in a public repository that names an unpublished advisory", async () => {
    const bed = await startBed({ allowLeaks: true });
    try {
      const installationId = seedOras(bed.sim);
      const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
        reporter: "reporter1",
        summary: "Embargoed flaw in blob copy",
        description: "d",
        severity: "high",
      });
      await bed.sim.idle();
      const issue = await bed.sim.openIssue(ORG, "oras", "outsider", { title: "q" });
      const octokit = await installationOctokit(bed.sim, installationId);
      await octokit.rest.issues.createComment({
        owner: ORG,
        repo: "oras",
        issue_number: issue.number,
        body: `see ${report.ghsa_id}`,
      });
      await octokit.rest.issues.createComment({
        owner: ORG,
        repo: "oras",
        issue_number: issue.number,
        body: "Embargoed flaw in blob copy, severity: high",
      });
      expect(bed.leaks()).toEqual([
        `POST /repos/${ORG}/oras/issues/${issue.number}/comments carries the GHSA id of unpublished ${report.ghsa_id}`,
        `POST /repos/${ORG}/oras/issues/${issue.number}/comments carries the summary, severity of unpublished ${report.ghsa_id}`,
      ]);
    } finally {
      await bed.close();
    }
  });

  it("the app itself leaks nothing through a lifecycle with public-repository commands", async () => {
    const bed = await startBed();
    seedOras(bed.sim);
    await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Embargoed flaw in blob copy",
      description: "d",
      severity: "high",
    });
    await bed.sim.idle();
    const issue = await bed.sim.openIssue(ORG, "oras-go", "outsider", { title: "Is there a security issue?" });
    await bed.sim.comment(
      ORG,
      "oras-go",
      issue.number,
      "qweeah",
      "/advisory help\n/advisory status\n/advisory publish\n/advisory fixed-in 1.0.0",
    );
    await bed.sim.idle();
    expect(bed.leaks()).toEqual([]);
    await bed.close();
  });
});
