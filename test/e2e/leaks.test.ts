import { describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
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

describe("successful verbs in public repositories leak nothing", () => {
  const COMPLETE = "### Impact\nCrafted input escapes.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";
  const draft = (bed: Awaited<ReturnType<typeof startBed>>, patched: string, summary: string) =>
    bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
      summary,
      description: COMPLETE,
      severity: "high",
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: `< ${patched}`,
          patched_versions: patched,
          vulnerable_functions: [],
        },
      ],
    });

  it("/advisory publish in a release pull request publishes one draft and names neither the other nor its content", async () => {
    const bed = await startBed();
    try {
      seedOras(bed.sim);
      const fixed = draft(bed, "2.6.1", "Embargoed path traversal in copy");
      const waiting = draft(bed, "2.7.0", "Embargoed token exposure in auth");
      await bed.bot.sweepAll();
      // Released without a webhook reaching the app: the command does the publishing.
      bed.sim.world.createRelease(ORG, "oras-go", { tag_name: "v2.6.1", draft: false, author: "qweeah" });
      const pr = await bed.sim.openPullRequest(ORG, "oras-go", "qweeah", { title: "Release v2.6.1" });
      const sent = await bed.sim.comment(ORG, "oras-go", pr.number, "sajay", "/advisory publish");
      await bed.sim.idle();
      expect(bed.sim.world.getAdvisory(fixed.ghsa_id)?.state).toBe("published");
      expect(bed.sim.world.getAdvisory(waiting.ghsa_id)?.state).toBe("draft");
      const reply = bed.sim.world
        .listComments(ORG, "oras-go", pr.number)
        .find((c) => parseReply(c.body)?.commentId === sent.comment_id);
      expect(parseReply(reply?.body)?.entries).toEqual([{ text: "/advisory publish", ok: true, message: "Done." }]);
      expect(bed.leaks()).toEqual([]);
    } finally {
      await bed.close();
    }
  });

  it("/advisory convert and /advisory help in a public issue succeed and leave nothing embargoed in public", async () => {
    const bed = await startBed();
    try {
      seedOras(bed.sim);
      draft(bed, "2.7.0", "Embargoed token exposure in auth");
      await bed.bot.sweepAll();
      const report = await bed.sim.openIssue(ORG, "oras", "reporter2", {
        title: "RCE via crafted config",
        body: "Send this config and the CLI runs it.",
      });
      await bed.sim.comment(ORG, "oras", report.number, "SteveLasker", "/advisory help\n/advisory convert");
      await bed.sim.idle();
      const [converted] = bed.sim.world.listAdvisories(ORG, "oras");
      expect(converted?.state).toBe("draft");
      const question = await bed.sim.openIssue(ORG, "oras-go", "outsider", { title: "Any security news?" });
      await bed.sim.comment(ORG, "oras-go", question.number, "sajay", "/advisory help");
      await bed.sim.idle();
      expect(bed.leaks()).toEqual([]);
    } finally {
      await bed.close();
    }
  });

  it("the scanner reads the app's hidden markers: a GHSA id encoded in one is a leak", async () => {
    const bed = await startBed({ allowLeaks: true });
    try {
      const installationId = seedOras(bed.sim);
      const secret = draft(bed, "2.7.0", "Embargoed token exposure in auth");
      const issue = await bed.sim.openIssue(ORG, "oras", "outsider", { title: "q" });
      const octokit = await installationOctokit(bed.sim, installationId);
      const hidden = Buffer.from(JSON.stringify({ e: [{ message: `see ${secret.ghsa_id}` }] }), "utf8").toString(
        "base64url",
      );
      await octokit.rest.issues.createComment({
        owner: ORG,
        repo: "oras",
        issue_number: issue.number,
        body: `Done.\n\n<!-- oras-advisory-bot:reply ${hidden} -->`,
      });
      expect(bed.leaks()).toEqual([
        `POST /repos/${ORG}/oras/issues/${issue.number}/comments carries the GHSA id of unpublished ${secret.ghsa_id}`,
      ]);
    } finally {
      await bed.close();
    }
  });
});
