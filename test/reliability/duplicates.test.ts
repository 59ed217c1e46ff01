/**
 * Duplicates and races: GitHub may deliver a webhook more than once, several deliveries about one
 * advisory may arrive together, and the periodic sweep may run while a webhook is being handled. Each
 * must have one effect: one tracking issue, one fork request, the collaborators PATCHed at most once,
 * one reply per command comment. Runs for one org hold its lock from reading GitHub to their last
 * write, so the second of two concurrent runs sees what the first wrote.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { encodeState } from "../../src/domain/tracking.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import type { RecordedRequest } from "../../src/sim/index.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { BED_STATE_KEY, ORAS_GO_UNVERSIONED, stateIn, trackingIssues } from "../helpers/world.js";

const REPORT = {
  reporter: "reporter1",
  summary: "Path traversal in blob extraction",
  description: "### Impact\nWrites outside the target directory.\n",
  severity: "high" as const,
};

const ORAS_GO_TEAM = ["FeynmanZhou", "qweeah", "reporter1", "sajay", "shizhMSFT", "TerryHowe", "Wwwsylvia"].sort();

const isForkRequest = (r: RecordedRequest) => r.method === "POST" && r.route?.endsWith("/forks") === true;
const isAdvisoryPatch = (r: RecordedRequest) =>
  r.method === "PATCH" && r.route === "/repos/{owner}/{repo}/security-advisories/{ghsa_id}";
const isTrackingCreate = (r: RecordedRequest) =>
  r.method === "POST" && r.path === `/repos/${ORG}/${TRACKER}/issues` && r.status === 201;

/** One report handled: one tracking issue, one fork request, one PATCH that accepts and staffs it. */
const ONE_EACH = {
  trackingIssues: 1,
  trackingIssueCreates: 1,
  forkRequests: 1,
  forkRequestsAccepted: 1,
  collaboratorPatches: 1,
  acceptPatches: 1,
};

/** What the app wrote about one advisory, counted. */
function effects(bed: Bed, ghsa: string) {
  const mine = bed.sim.requests.filter((r) => r.path.includes(ghsa));
  return {
    trackingIssues: trackingIssues(bed, ghsa).length,
    trackingIssueCreates: bed.sim.requests.filter(isTrackingCreate).length,
    forkRequests: mine.filter(isForkRequest).length,
    // a 422 for a second fork request would be tolerated, but it is a wasted write all the same
    forkRequestsAccepted: mine.filter((r) => isForkRequest(r) && r.status === 202).length,
    collaboratorPatches: mine.filter(
      (r) => isAdvisoryPatch(r) && (r.body as Record<string, unknown>)?.collaborating_users !== undefined,
    ).length,
    acceptPatches: mine.filter((r) => isAdvisoryPatch(r) && (r.body as { state?: string })?.state === "draft").length,
  };
}

/** Runs a user action whose webhooks are signed and recorded but not sent, to (re)deliver them at will. */
async function held<T>(bed: Bed, action: () => Promise<T>): Promise<T> {
  bed.sim.setFaults({ rate: 0, kinds: [], dropWebhooks: 1 });
  try {
    return await action();
  } finally {
    bed.sim.setFaults(null);
  }
}

const undeliveredReport = (bed: Bed) => held(bed, () => bed.sim.reportVulnerability(ORG, "oras-go", REPORT));

describe("duplicates and races: one effect each", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("the same report delivered three times: one tracking issue, one fork request, one PATCH", async () => {
    bed = await startBed({ seed: 5 });
    seedOras(bed.sim);
    await bed.bot.sweepAll();
    bed.sim.resetRequests();
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    await bed.sim.idle();
    for (let i = 0; i < 2; i++) {
      expect((await bed.sim.redeliver(sent.id)).status).toBe(200);
      await bed.sim.idle();
    }
    expect(effects(bed, sent.ghsa_id)).toEqual(ONE_EACH);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.state).toBe("draft");
  });

  it("three concurrent deliveries of one report: every one answered, one tracking issue, one fork, one PATCH", async () => {
    bed = await startBed({ seed: 6 });
    seedOras(bed.sim);
    await bed.bot.sweepAll();
    bed.sim.resetRequests();
    const sent = await undeliveredReport(bed);
    const answers = await Promise.all([sent.id, sent.id, sent.id].map((id) => bed.sim.redeliver(id)));
    await bed.sim.idle();
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(effects(bed, sent.ghsa_id)).toEqual(ONE_EACH);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)).toMatchObject({ state: "draft" });
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);
    // A later sweep writes nothing to the advisory.
    bed.sim.resetRequests();
    await bed.bot.sweepAll();
    expect(bed.sim.requests.filter((r) => isAdvisoryPatch(r) || isForkRequest(r))).toEqual([]);
  });

  it("a sweep racing the report's webhook: both finish, one tracking issue, one fork, one PATCH", async () => {
    bed = await startBed({ seed: 7 });
    seedOras(bed.sim);
    await bed.bot.sweepAll();
    bed.sim.resetRequests();
    const sent = await undeliveredReport(bed);
    const [summary, answer] = await Promise.all([bed.bot.sweepAll(), bed.sim.redeliver(sent.id)]);
    await bed.sim.idle();
    expect(summary.errors).toEqual([]);
    expect(summary.orgs[0]?.problems).toEqual([]);
    expect(answer.status).toBe(200);
    expect(effects(bed, sent.ghsa_id)).toEqual(ONE_EACH);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);
  });

  it("a sweep racing a redelivery of an already handled report: nothing is written twice", async () => {
    bed = await startBed({ seed: 10 });
    seedOras(bed.sim);
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    await bed.sim.idle();
    bed.sim.tick(); // the fork has appeared
    await bed.bot.sweepAll();
    await bed.sim.idle();
    bed.sim.resetRequests();
    await Promise.all([bed.bot.sweepAll(), bed.sim.redeliver(sent.id), bed.sim.redeliver(sent.id)]);
    await bed.sim.idle();
    expect(effects(bed, sent.ghsa_id)).toEqual({
      trackingIssues: 1,
      trackingIssueCreates: 0,
      forkRequests: 0,
      forkRequestsAccepted: 0,
      collaboratorPatches: 0,
      acceptPatches: 0,
    });
  });

  it("two sweeps at once share one run", async () => {
    bed = await startBed({ seed: 8 });
    seedOras(bed.sim);
    const sent = await undeliveredReport(bed);
    bed.sim.resetRequests();
    const [a, b] = await Promise.all([bed.bot.sweepAll(), bed.bot.sweepAll()]);
    expect(a).toBe(b);
    expect(effects(bed, sent.ghsa_id)).toMatchObject({ trackingIssues: 1, forkRequests: 1, collaboratorPatches: 1 });
  });

  it("a command comment delivered three times, in sequence or at once, runs once with one reply", async () => {
    bed = await startBed({ seed: 9 });
    seedOras(bed.sim);
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    await bed.sim.idle();
    const [issue] = trackingIssues(bed, sent.ghsa_id);
    const replies = (commentId: number) =>
      bed.sim.world
        .listComments(ORG, TRACKER, issue!.number)
        .filter((c) => parseReply(c.body)?.commentId === commentId);
    const severityPatches = () =>
      bed.sim.requests.filter((r) => isAdvisoryPatch(r) && (r.body as { severity?: string })?.severity !== undefined)
        .length;

    // In sequence: the reply remembers what ran.
    bed.sim.resetRequests();
    const first = await bed.sim.comment(ORG, TRACKER, issue!.number, "qweeah", "/advisory severity critical");
    await bed.sim.idle();
    for (let i = 0; i < 2; i++) await bed.sim.redeliver(first.id);
    await bed.sim.idle();
    expect(replies(first.comment_id)).toHaveLength(1);
    expect(severityPatches()).toBe(1);
    expect(bed.sim.world.listReactions(first.comment_id).map((r) => r.content)).toEqual(["eyes", "rocket"]);

    // At once: the second and third wait for the first, then find its reply.
    const second = await held(bed, () =>
      bed.sim.comment(ORG, TRACKER, issue!.number, "qweeah", "/advisory severity low"),
    );
    bed.sim.resetRequests();
    const answers = await Promise.all([second.id, second.id, second.id].map((id) => bed.sim.redeliver(id)));
    await bed.sim.idle();
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.severity).toBe("low");
    expect(severityPatches()).toBe(1);
    expect(replies(second.comment_id)).toHaveLength(1);
    expect(parseReply(replies(second.comment_id)[0]!.body)?.entries).toEqual([expect.objectContaining({ ok: true })]);
    // Delivered once more afterwards, it runs nothing and adds no reply.
    bed.sim.resetRequests();
    await bed.sim.redeliver(second.id);
    await bed.sim.idle();
    expect(replies(second.comment_id)).toHaveLength(1);
    expect(severityPatches()).toBe(0);
  });

  it("a tracking issue opened twice (two processes at once): the next run keeps the first, carries over what the second recorded and closes it", async () => {
    bed = await startBed({ seed: 11 });
    seedOras(bed.sim);
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    await bed.sim.idle();
    const [first] = trackingIssues(bed, sent.ghsa_id);
    // What another process would have written in the same instant, with a hold recorded on it since.
    const state = stateIn(first!.body)!;
    const other = { ...state, hold: { reason: "coordinating with the CLI", by: "FeynmanZhou" }, added: ["TerryHowe"] };
    const app = `${bed.sim.world.app.slug}[bot]`;
    const second = await bed.sim.openIssue(ORG, TRACKER, app, {
      title: first!.title,
      body: first!.body!.replace(encodeState(state, BED_STATE_KEY), encodeState(other, BED_STATE_KEY)),
      labels: ["advisory"],
    });
    await bed.sim.idle();

    // Commands on the duplicate are turned away, not run.
    const cmd = await bed.sim.comment(ORG, TRACKER, second.number, "qweeah", "/advisory severity low");
    await bed.sim.idle();
    const reply = bed.sim.world
      .listComments(ORG, TRACKER, second.number)
      .map((c) => parseReply(c.body))
      .find((m) => m?.commentId === cmd.comment_id);
    expect(reply?.entries).toEqual([
      expect.objectContaining({ ok: false, message: `This issue duplicates #${first!.number}; use that one.` }),
    ]);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.severity).toBe("high");

    await bed.bot.sweepAll();
    const closed = bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === second.number);
    expect([closed?.state, closed?.state_reason]).toEqual(["closed", "duplicate"]);
    expect(
      bed.sim.world.listComments(ORG, TRACKER, second.number).filter((c) => c.body.startsWith("Duplicate of")),
    ).toHaveLength(1);
    const kept = trackingIssues(bed, sent.ghsa_id).find((i) => i.number === first!.number);
    expect(kept?.state).toBe("open");
    expect(stateIn(kept?.body)?.hold).toEqual({ reason: "coordinating with the CLI", by: "FeynmanZhou" });
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.collaborating_users).toContain("TerryHowe");

    // The hold it carried over holds: the fixing release publishes nothing.
    await bed.sim.editAdvisoryByHand(ORG, "oras-go", sent.ghsa_id, "qweeah", {
      description: "### Impact\nWrites outside.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n",
      vulnerabilities: [{ ...ORAS_GO_UNVERSIONED, vulnerable_version_range: "< 2.6.1", patched_versions: "2.6.1" }],
    });
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.state).toBe("draft");

    // Nothing more happens to the duplicate.
    bed.sim.resetRequests();
    await bed.bot.sweepAll();
    expect(bed.sim.requests.filter((r) => r.method !== "GET" && r.path.endsWith(`/issues/${second.number}`))).toEqual(
      [],
    );
  });
});
