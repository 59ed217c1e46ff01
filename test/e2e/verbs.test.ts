import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, ORG_CONFIG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { stateIn } from "../helpers/world.js";

async function tracked(bed: Bed, repo = "oras-go") {
  const report = await bed.sim.reportVulnerability(ORG, repo, {
    reporter: "reporter1",
    summary: "A flaw to triage",
    description: "### Impact\nx\n",
  });
  await bed.sim.idle();
  const issue = bed.sim.world
    .listIssues(ORG, TRACKER)
    .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === report.ghsa_id))!;
  return { ghsa: report.ghsa_id, issue: issue.number };
}

async function run(bed: Bed, issue: number, user: string, body: string) {
  const sent = await bed.sim.comment(ORG, TRACKER, issue, user, body);
  await bed.sim.idle();
  const reply = bed.sim.world
    .listComments(ORG, TRACKER, issue)
    .find((c) => parseReply(c.body)?.commentId === sent.comment_id);
  return parseReply(reply?.body)?.entries ?? [];
}

describe("each verb does its job", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("accept: with acceptReports off a report waits in triage until the security team accepts it", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: `${ORG_CONFIG}intake:\n  acceptReports: false\n` });
    const { ghsa, issue } = await tracked(bed);
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("triage");
    const [out] = await run(bed, issue, "sajay", "/advisory accept");
    expect(out?.ok).toBe(true);
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    expect(bed.sim.world.getAdvisory(ghsa)?.submission).toEqual({ accepted: true });
    const state = stateIn(bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.body);
    expect(state?.acknowledgedAt).not.toBeNull();
  });

  it("reject: closes the report with a reason, and its tracking issue", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = await tracked(bed);
    const [out] = await run(bed, issue, "sajay", "/advisory reject not a vulnerability: intended behaviour");
    expect(out).toMatchObject({ ok: true });
    expect(out?.message).toContain("Reason: not a vulnerability: intended behaviour");
    expect(bed.sim.world.getAdvisory(ghsa)?.state).toBe("closed");
    expect(bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.state).toBe("closed");
  });

  it("fork, sync and status: a fork when none exists, a reconcile now, a refreshed status", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: `${ORG_CONFIG}intake:\n  privateFork: false\n` });
    const { ghsa, issue } = await tracked(bed);
    expect(bed.sim.requests.filter((r) => r.route?.endsWith("/forks"))).toHaveLength(0);
    const [fork] = await run(bed, issue, "qweeah", "/advisory fork");
    expect(fork?.ok).toBe(true);
    expect(bed.sim.requests.filter((r) => r.route?.endsWith("/forks"))).toHaveLength(1);
    bed.sim.tick();
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", ghsa, "qweeah", { collaborating_users: ["qweeah"] });
    const [sync] = await run(bed, issue, "qweeah", "/advisory sync");
    expect(sync?.ok).toBe(true);
    expect(bed.sim.world.getAdvisory(ghsa)?.collaborating_users.length).toBeGreaterThan(5);
    const [status] = await run(bed, issue, "qweeah", "/advisory status");
    expect(status?.message).toContain(`${ghsa}: draft`);
    expect(status?.message).toContain("fork ready");
  });

  it("cvss, credit and cve: the vector sets the severity, a credit is added to the list, a CVE is requested", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = await tracked(bed);
    const vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    const out = await run(
      bed,
      issue,
      "qweeah",
      `/advisory cvss ${vector}\n/advisory credit @reporter1 finder\n/advisory severity low`,
    );
    expect(out.map((e) => e.ok)).toEqual([true, true, false]);
    expect(out[2]?.message).toMatch(/CVSS vector/);
    const advisory = bed.sim.world.getAdvisory(ghsa)!;
    expect(advisory.cvss_vector_string).toBe(vector);
    expect(advisory.severity).toBe("critical");
    expect(advisory.credits).toContainEqual({ login: "reporter1", type: "finder" }); // added to the list, which GitHub replaces
    expect(advisory.credits).toContainEqual({ login: "reporter1", type: "reporter" }); // the credit it had is kept
    const [cve] = await run(bed, issue, "sajay", "/advisory cve");
    expect(cve?.ok).toBe(true);
    expect(bed.sim.requests.filter((r) => r.route?.endsWith("/cve"))).toHaveLength(1);
  });
});

describe("intake edge cases", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("no tracker configured: the report is still accepted, staffed and forked, just not tracked", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: "securityTeam:\n  members: [sajay]\n" });
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "s",
      description: "d",
    });
    await bed.sim.idle();
    const advisory = bed.sim.world.getAdvisory(report.ghsa_id)!;
    expect(advisory.state).toBe("draft");
    expect(advisory.collaborating_users).toContain("sajay");
    expect(bed.sim.requests.filter((r) => r.route?.endsWith("/forks"))).toHaveLength(1);
    expect(bed.sim.world.listIssues(ORG, TRACKER)).toEqual([]);
  });

  it("a public tracker repository gets nothing written to it, and the problem is reported", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: "tracker:\n  repo: oras\n" });
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Embargoed flaw in oras-go",
      description: "d",
    });
    await bed.sim.idle();
    const summary = await bed.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(report.ghsa_id)?.state).toBe("draft");
    expect(bed.sim.world.listIssues(ORG, "oras")).toEqual([]);
    expect(summary.orgs[0]?.problems.join("\n")).toContain(`tracker repository ${ORG}/oras is public`);
  });

  it("fork refused for lack of administration permission: the tracking issue says exactly which permission to grant", async () => {
    bed = await startBed();
    seedOras(bed.sim, {
      permissions: {
        repository_advisories: "write",
        contents: "write",
        issues: "write",
        pull_requests: "write",
        metadata: "read",
        members: "read",
      },
    });
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "s",
      description: "d",
    });
    await bed.sim.idle();
    const issue = bed.sim.world
      .listIssues(ORG, TRACKER)
      .find((i) => stateIn(i.body)?.advisories.some((a) => a.ghsa === report.ghsa_id));
    expect(bed.sim.world.getAdvisory(report.ghsa_id)?.state).toBe("draft");
    expect(issue?.body).toContain("**Administration: write**");
  });
});

describe("invalid configuration", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("a repository with an invalid file is skipped (never run on defaults), the error is on the dashboard, others proceed", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    await bed.sim.push(ORG, "oras", {
      pusher: "SteveLasker",
      files: { ".github/advisory-bot.yml": "patchTeam:\n  removeUnlisted: maybe\n" },
      message: "typo",
    });
    await bed.sim.idle();
    const bad = await bed.sim.reportVulnerability(ORG, "oras", {
      reporter: "reporter1",
      summary: "s1",
      description: "d",
    });
    const good = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "s2",
      description: "d",
    });
    await bed.sim.idle();
    const summary = await bed.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(bad.ghsa_id)?.state).toBe("triage");
    expect(bed.sim.world.getAdvisory(bad.ghsa_id)?.collaborating_users).toEqual([]);
    expect(bed.sim.world.getAdvisory(good.ghsa_id)?.state).toBe("draft");
    expect(summary.orgs[0]?.skipped.join("\n")).toContain(`${bad.ghsa_id}: invalid configuration for ${ORG}/oras`);
    const dashboard = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-dashboard"));
    expect(dashboard?.body).toContain("patchTeam.removeUnlisted");
  });

  it("a command on the tracking issue of a repository whose file turned invalid says so, and changes nothing", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const { ghsa, issue } = await tracked(bed, "oras");
    const before = bed.sim.world.getAdvisory(ghsa);
    await bed.sim.push(ORG, "oras", {
      pusher: "SteveLasker",
      files: { ".github/advisory-bot.yml": "patchTeam:\n  removeUnlisted: maybe\n" },
      message: "typo",
    });
    await bed.sim.idle();
    const [out] = await run(bed, issue, "SteveLasker", "/advisory severity critical");
    expect(out?.ok).toBe(false);
    expect(out?.message).toContain(`The configuration of \`oras\` is invalid, so its advisory ${ghsa} is skipped`);
    expect(out?.message).toContain("patchTeam.removeUnlisted");
    expect(out?.message).not.toContain("tracks no advisory yet");
    expect(bed.sim.world.getAdvisory(ghsa)?.severity).toBe(before?.severity);
  });
});
