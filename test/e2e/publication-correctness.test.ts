/**
 * Publication correctness: each test here is a defect that once let an advisory wait forever, be
 * published on the wrong release, or leave its tracking issue wrong.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, ORG_CONFIG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { stateIn, trackingIssues, trackingStateOf } from "../helpers/world.js";

const COMPLETE = "### Impact\nCrafted manifests escape.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";
const DAY = 24 * 3600_000;

function draft(bed: Bed, repo: string, patched: string, summary = `A flaw fixed in ${patched}`) {
  return bed.sim.createAdvisoryByHand(ORG, repo, "qweeah", {
    summary,
    description: COMPLETE,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: repo === "oras" ? "oras.land/oras" : "oras.land/oras-go/v2" },
        vulnerable_version_range: `< ${patched}`,
        patched_versions: patched,
        vulnerable_functions: [],
      },
    ],
  });
}

const stateOf = (bed: Bed, ghsa: string) => bed.sim.world.getAdvisory(ghsa)?.state;

function replyTo(bed: Bed, issue: number, commentId: number) {
  const reply = bed.sim.world
    .listComments(ORG, TRACKER, issue)
    .find((c) => parseReply(c.body)?.commentId === commentId);
  return parseReply(reply?.body)?.entries ?? [];
}

describe("publication correctness", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("a prerelease promoted to a full release (release.released) publishes at once, without waiting for a sweep", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1");
    await bed.bot.sweepAll();
    // Published first as a prerelease (the flag, with a final version number): not a fixing release by default.
    const { release_id } = await bed.sim.publishRelease(ORG, "oras-go", {
      tag_name: "v2.6.1",
      prerelease: true,
      author: "qweeah",
    });
    await bed.sim.idle();
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
    const { deliveries } = await bed.sim.promoteRelease(release_id, "qweeah");
    await bed.sim.idle();
    expect(deliveries.map((d) => `${d.event}.${d.action}`)).toEqual(["release.edited", "release.released"]);
    expect(stateOf(bed, a.ghsa_id)).toBe("published");
  });

  it("a full release triggers publication once: published and released together cost one list of drafts", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    await bed.bot.sweepAll();
    bed.sim.resetRequests();
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v9.9.9", author: "qweeah" });
    await bed.sim.idle();
    const lists = bed.sim.requests.filter((r) => r.method === "GET" && r.path.endsWith("/security-advisories"));
    expect(lists).toHaveLength(1);
  });

  it("a rejected report reopened on GitHub (closed → draft) reopens its tracking issue", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Not a vulnerability after all?",
      description: COMPLETE,
      severity: "low",
    });
    await bed.sim.idle();
    const [issue] = trackingIssues(bed, report.ghsa_id);
    await bed.sim.comment(ORG, TRACKER, issue!.number, "sajay", "/advisory reject works as intended");
    await bed.sim.idle();
    expect(stateOf(bed, report.ghsa_id)).toBe("closed");
    expect(trackingIssues(bed, report.ghsa_id).map((i) => i.state)).toEqual(["closed"]);

    await bed.sim.editAdvisoryByHand(ORG, "oras-go", report.ghsa_id, "sajay", { state: "draft" });
    await bed.bot.sweepAll();
    await bed.sim.idle();
    const after = trackingIssues(bed, report.ghsa_id);
    expect(after.map((i) => [i.number, i.state])).toEqual([[issue!.number, "open"]]);
  });

  it("a delivery that waited for the org lock behind a sweep works with the time it ran, not the time it arrived", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "A report acknowledged while a sweep runs",
      description: COMPLETE,
      severity: "high",
    });
    await bed.sim.idle();
    const [issue] = trackingIssues(bed, report.ghsa_id);
    expect(stateIn(issue!.body)?.acknowledgedAt).toBeNull();
    // Every request is slow: the sweep holds the org's lock for a while.
    bed.sim.setFaults({ rate: 1, kinds: ["slow"], slowMs: 150 });
    const sweep = bed.bot.sweepAll();
    await new Promise((r) => setTimeout(r, 400));
    const comment = bed.sim.comment(ORG, TRACKER, issue!.number, "qweeah", "Looking into it.");
    await new Promise((r) => setTimeout(r, 150));
    // Three days pass while the comment's run waits for the lock.
    bed.clock.advance(3 * DAY);
    const released = bed.clock.now().toISOString();
    await sweep;
    await comment;
    bed.sim.setFaults(null);
    await bed.sim.idle();
    const [after] = trackingIssues(bed, report.ghsa_id);
    const acknowledgedAt = stateIn(after!.body)?.acknowledgedAt ?? "";
    expect(acknowledgedAt >= released, `${acknowledgedAt} ≥ ${released}`).toBe(true);
  });

  /** v1.2.5 released, then `newer` releases after it (the org view reads the newest 20). */
  function oldPatchRelease(b: Bed, newer: number) {
    b.sim.world.createRelease(ORG, "oras-go", { tag_name: "v1.2.5", draft: false, author: "qweeah" });
    for (let i = 0; i < newer; i++) {
      b.clock.advance(60_000);
      b.sim.world.createRelease(ORG, "oras-go", { tag_name: `v2.5.${i}`, draft: false, author: "qweeah" });
    }
    b.clock.advance(60_000);
  }

  it("waitFor: all — a patched version released before twenty newer releases is found: the release of the other publishes", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    // The advisory is drafted first: a release older than the advisory waits for the security team.
    const a = draft(bed, "oras-go", "1.2.5, 2.6.1");
    bed.clock.advance(60_000);
    oldPatchRelease(bed, 25);
    await bed.bot.sweepAll();
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(stateOf(bed, a.ghsa_id)).toBe("published");
  });

  it("waitFor: all — the sweep publishes a draft whose older patched version is beyond the newest twenty releases", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1, 1.2.5");
    bed.clock.advance(60_000);
    oldPatchRelease(bed, 25);
    bed.sim.world.createRelease(ORG, "oras-go", { tag_name: "v2.6.1", draft: false, author: "qweeah" });
    await bed.bot.sweepAll();
    await bed.sim.idle();
    expect(stateOf(bed, a.ghsa_id)).toBe("published");
  });

  it("a version that is not released is not invented by the deeper look-up", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    oldPatchRelease(bed, 25);
    const a = draft(bed, "oras-go", "1.2.4, 2.6.1");
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.bot.sweepAll();
    await bed.sim.idle();
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
    const [issue] = trackingIssues(bed, a.ghsa_id);
    expect(issue?.body).toContain("waiting for 1.2.4");
  });

  it("publish.together: a sibling closed by hand leaves the group; the tracking issue says so and the other publishes on its release", async () => {
    bed = await startBed();
    seedOras(bed.sim, { config: `${ORG_CONFIG}publish:\n  together: true\n` });
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Shared by oras-go and oras",
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
    const [issue] = trackingIssues(bed, report.ghsa_id);
    await bed.sim.comment(ORG, TRACKER, issue!.number, "sajay", "/advisory also-affects oras");
    await bed.sim.idle();
    const [cli] = bed.sim.world.listAdvisories(ORG, "oras");
    // The CLI turns out not to be affected: its draft is closed on GitHub.
    await bed.sim.editAdvisoryByHand(ORG, "oras", cli!.ghsa_id, "sajay", { state: "closed" });
    await bed.bot.sweepAll();
    const body = trackingIssues(bed, report.ghsa_id)[0]?.body ?? "";
    expect(body).toContain(`${cli!.ghsa_id} in ${ORG}/oras is closed: it no longer holds back`);
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect([report.ghsa_id, cli!.ghsa_id].map((g) => stateOf(bed, g))).toEqual(["published", "closed"]);
  });

  it("a fork request GitHub refuses with a 422 that is not 'already exists' is explained and retried", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1");
    const isFork = (r: { method: string; path: string }) => r.method === "POST" && r.path.endsWith("/forks");
    bed.sim.failNext(isFork, 1, { status: 422, message: "Validation Failed" });
    await bed.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(a.ghsa_id)?.private_fork).toBeNull();
    const [issue] = trackingIssues(bed, a.ghsa_id);
    expect(issue?.body).toContain("GitHub refused advisory.fork");
    expect(stateIn(issue?.body)?.forkRequestedAt[a.ghsa_id]).toBeUndefined();
    bed.clock.advance(15 * 60_000);
    bed.sim.resetRequests();
    await bed.bot.sweepAll();
    expect(bed.sim.requests.filter(isFork).map((r) => r.status)).toEqual([202]);
  });

  it("a fork request GitHub refuses because the fork already exists is taken as done", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1");
    bed.sim.failNext((r) => r.method === "POST" && r.path.endsWith("/forks"), 1, {
      status: 422,
      message: "A temporary private fork already exists.",
    });
    await bed.bot.sweepAll();
    const [issue] = trackingIssues(bed, a.ghsa_id);
    expect(issue?.body).not.toContain("GitHub refused");
    expect(stateIn(issue?.body)?.forkRequestedAt[a.ghsa_id]).toBeDefined();
  });

  it("/advisory create that created the draft but failed later says so, and a retry finishes it without a second draft", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const pasted = await bed.sim.openIssue(ORG, TRACKER, "sajay", {
      title: "Token printed in debug log",
      body: "Reported by email.\n\n### Impact\nTokens leak.",
    });
    // The first write after the draft (keeping the report text on the issue) fails.
    bed.sim.failNext(
      (r) => r.method === "POST" && r.path === `/repos/${ORG}/${TRACKER}/issues/${pasted.number}/comments`,
    );
    const first = await bed.sim.comment(ORG, TRACKER, pasted.number, "sajay", "/advisory create oras high");
    await bed.sim.idle();
    const drafts = bed.sim.world.listAdvisories(ORG, "oras");
    expect(drafts).toHaveLength(1);
    const [entry] = replyTo(bed, pasted.number, first.comment_id);
    expect(entry?.ok).toBe(false);
    expect(entry?.message).toContain(`Created draft advisory ${drafts[0]!.ghsa_id}`);

    const retry = await bed.sim.comment(ORG, TRACKER, pasted.number, "sajay", "/advisory create oras high");
    await bed.sim.idle();
    expect(bed.sim.world.listAdvisories(ORG, "oras").map((a) => a.ghsa_id)).toEqual([drafts[0]!.ghsa_id]);
    expect(replyTo(bed, pasted.number, retry.comment_id)[0]).toMatchObject({ ok: true });
    const tracking = bed.sim.world.listIssues(ORG, TRACKER).filter((i) => i.labels.includes("advisory"));
    expect(tracking.map((i) => i.number)).toEqual([pasted.number]);
    // A person opened the issue: the app keeps its state in its own comment there.
    expect(trackingStateOf(bed, pasted.number)?.advisories.map((x) => x.ghsa)).toEqual([drafts[0]!.ghsa_id]);
  });
});

describe("the publish gate acts on what GitHub answers now, not on the org view", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  /**
   * Changes the advisory on GitHub just before the gate reads it (by its GHSA id, or in the
   * repository's drafts), after the run has read its org view: the view still has the old copy.
   */
  function changeBeforeTheGate(b: Bed, ghsa: string, patch: Record<string, unknown>) {
    let viewRead = false;
    let done = false;
    b.sim.failNext((r) => {
      if (r.method === "POST" && r.path === "/graphql") viewRead = true;
      const gateRead =
        r.path.endsWith(`/security-advisories/${ghsa}`) || r.path.endsWith("/oras-go/security-advisories");
      if (!done && viewRead && r.method === "GET" && gateRead) {
        done = true;
        b.sim.world.updateAdvisory(b.sim.world.advisory(ORG, "oras-go", ghsa), patch, "qweeah");
      }
      return false;
    }, Number.POSITIVE_INFINITY);
    return () => done;
  }

  it("a patched version changed after the view was read: the gate sees the new one and waits", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1");
    await bed.bot.sweepAll();
    const changed = changeBeforeTheGate(bed, a.ghsa_id, {
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: "< 2.6.2",
          patched_versions: "2.6.2",
          vulnerable_functions: [],
        },
      ],
    });
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(changed()).toBe(true);
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
  });

  it("a description emptied after the view was read: the gate blocks it", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const a = draft(bed, "oras-go", "2.6.1");
    await bed.bot.sweepAll();
    const changed = changeBeforeTheGate(bed, a.ghsa_id, { description: "### Impact\nTBD.\n" });
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(changed()).toBe(true);
    expect(stateOf(bed, a.ghsa_id)).toBe("draft");
  });
});
