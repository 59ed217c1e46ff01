/**
 * Restarts: the app dies in the middle of a piece of work — from a chosen request on, GitHub never
 * hears from it again (`crashAt`) — and a new instance starts (`restartApp`: new app, new server, no
 * memory). Everything the app must remember lives on GitHub, so the next sweep finishes the work:
 * nothing lost, nothing done twice.
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseReply } from "../../src/domain/command-reply.js";
import { type Bed, crashAt, restartApp, startBed } from "../../src/sim/harness.js";
import type { ArrivingRequest } from "../../src/sim/index.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { stateIn, trackingIssues } from "../helpers/world.js";

const COMPLETE =
  "### Impact\nA crafted manifest escapes the target directory.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade.\n";
const ORAS_GO_TEAM = ["FeynmanZhou", "qweeah", "reporter1", "sajay", "shizhMSFT", "TerryHowe", "Wwwsylvia"].sort();

// Predicates see requests as they arrive (method, path, body; no route or status yet).
const ADVISORY = /^\/repos\/[^/]+\/[^/]+\/security-advisories\/GHSA-[^/]+$/;
const isForkRequest = (r: ArrivingRequest) =>
  r.method === "POST" && /\/security-advisories\/GHSA-[^/]+\/forks$/.test(r.path);
const isTrackingCreate = (r: ArrivingRequest) =>
  r.method === "POST" &&
  r.path === `/repos/${ORG}/${TRACKER}/issues` &&
  ((r.body as { labels?: string[] })?.labels ?? []).includes("advisory");
const isPublish = (r: ArrivingRequest) =>
  r.method === "PATCH" && ADVISORY.test(r.path) && (r.body as { state?: string })?.state === "published";

/** Requests that change GitHub: everything but reads, token requests and GraphQL queries. */
function writes(bed: Bed): string[] {
  return bed.sim.requests
    .filter(
      (r) =>
        r.method !== "GET" &&
        !r.path.endsWith("/access_tokens") &&
        !(r.path === "/graphql" && !/^\s*mutation/.test(r.graphql?.query ?? "")),
    )
    .map((r) => `${r.method} ${r.path}`);
}

/** Trips on the first request after one that matches (the matching write itself went through). */
function justAfter(matches: (r: ArrivingRequest) => boolean): (r: ArrivingRequest) => boolean {
  let seen = false;
  return (r) => {
    if (seen) return true;
    seen = matches(r);
    return false;
  };
}

async function report(bed: Bed, fields: { description?: string; patched?: string } = {}) {
  return bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal in blob extraction",
    description: fields.description ?? COMPLETE,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
        vulnerable_version_range: fields.patched ? `< ${fields.patched}` : null,
        patched_versions: fields.patched ?? null,
        vulnerable_functions: [],
      },
    ],
  });
}

/** The app is gone; a new one starts, GitHub answers again, and the periodic sweep runs. */
async function restartAndSweep(bed: Bed, crash: { release(): void }) {
  await bed.sim.idle();
  await restartApp(bed);
  crash.release();
  const summary = await bed.bot.sweepAll();
  await bed.sim.idle();
  return summary;
}

describe("restarts: a new instance finishes what a dead one started", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("dies after accepting and staffing a report, before its fork and tracking issue", async () => {
    bed = await startBed({ seed: 31 });
    seedOras(bed.sim);
    await bed.bot.sweepAll();
    const crash = crashAt(bed.sim, isForkRequest);
    const sent = await report(bed);
    expect(sent.status).toBe(200); // the handler's failure is logged, not turned into a 500
    expect(crash.tripped).toBe(true);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.state).toBe("draft");
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(0);

    const summary = await restartAndSweep(bed, crash);
    expect(summary.errors).toEqual([]);
    const advisory = bed.sim.world.getAdvisory(sent.ghsa_id)!;
    expect(advisory.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);
    const performedForks = bed.sim.requests.filter((r) => isForkRequest(r) && r.status === 202);
    expect(performedForks).toHaveLength(1);
    expect(advisory.private_fork ?? advisory.forkPending).not.toBeNull();
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(1);
    // A second restart and sweep change nothing.
    await restartApp(bed);
    bed.sim.resetRequests();
    await bed.bot.sweepAll();
    expect(writes(bed)).toEqual([]);
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(1);
  });

  it("dies while opening the tracking issue: the next instance opens it once; the fork is not requested twice", async () => {
    bed = await startBed({ seed: 32 });
    seedOras(bed.sim);
    await bed.bot.sweepAll();
    const crash = crashAt(bed.sim, isTrackingCreate);
    const sent = await report(bed);
    expect(crash.tripped).toBe(true);
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(0);

    const summary = await restartAndSweep(bed, crash);
    expect(summary.errors).toEqual([]);
    const [issue, ...more] = trackingIssues(bed, sent.ghsa_id);
    expect(more).toEqual([]);
    expect(issue?.state).toBe("open");
    // The dead instance's fork request went through; the new one may ask again only to hear 422.
    const forks = bed.sim.requests.filter(isForkRequest);
    expect(forks.filter((r) => r.status === 202)).toHaveLength(1);
    expect(forks.every((r) => r.status === 202 || r.status === 422)).toBe(true);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);
    expect(summary.orgs[0]?.problems).toEqual([]);
  });

  it("dies right after publishing: the next sweep closes the tracking issue; nothing is published twice", async () => {
    bed = await startBed({ seed: 33 });
    seedOras(bed.sim);
    const sent = await report(bed, { patched: "2.6.1" });
    await bed.sim.idle();
    const crash = crashAt(bed.sim, justAfter(isPublish));
    const release = await bed.sim.publishRelease(ORG, "oras-go", {
      tag_name: "v2.6.1",
      body: "Fixes.",
      author: "qweeah",
    });
    expect(crash.tripped).toBe(true);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.state).toBe("published");
    expect(trackingIssues(bed, sent.ghsa_id)[0]?.state).toBe("open");

    await restartAndSweep(bed, crash);
    expect(bed.sim.requests.filter(isPublish).filter((r) => r.status === 200)).toHaveLength(1);
    const [issue, ...more] = trackingIssues(bed, sent.ghsa_id);
    expect(more).toEqual([]);
    expect(issue).toMatchObject({ state: "closed", state_reason: "completed" });
    // The "Security advisories" section the dead instance was about to add is added by the next sweep.
    const notes = bed.sim.world.listReleases(ORG, "oras-go").find((r) => r.id === release.release_id)?.body ?? "";
    expect(notes.match(/## Security advisories/g)).toHaveLength(1);
    expect(notes.split(`[${sent.ghsa_id}](`)).toHaveLength(2);
  });

  it("dies between the blocked notice and recording it: the next sweep leaves the tracking issue consistent", async () => {
    bed = await startBed({ seed: 34 });
    seedOras(bed.sim);
    const sent = await report(bed, { description: "### Impact\nOnly an impact section.\n", patched: "2.6.1" });
    await bed.sim.idle();
    const isNotice = (r: ArrivingRequest) =>
      r.method === "POST" &&
      /\/issues\/\d+\/comments$/.test(r.path) &&
      String((r.body as { body?: string })?.body).includes("cannot be published yet");
    const crash = crashAt(bed.sim, justAfter(isNotice));
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", author: "qweeah" });
    expect(crash.tripped).toBe(true);
    await restartAndSweep(bed, crash);
    await bed.bot.sweepAll();
    const [issue] = trackingIssues(bed, sent.ghsa_id);
    const notices = bed.sim.world
      .listComments(ORG, TRACKER, issue!.number)
      .filter((c) => c.body.includes("cannot be published yet"));
    // The notice is posted before the tracking body records it; its marker keeps the next run from posting it again.
    expect(notices).toHaveLength(1);
    expect(stateIn(issue?.body)?.notices.some((n) => n.startsWith(`blocked:${sent.ghsa_id}`))).toBe(true);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.state).toBe("draft");
  });

  it("dies after a command changed the advisory, before replying: redelivered, it replies once", async () => {
    bed = await startBed({ seed: 35 });
    seedOras(bed.sim);
    const sent = await report(bed);
    await bed.sim.idle();
    const [issue] = trackingIssues(bed, sent.ghsa_id);
    const isSeverity = (r: ArrivingRequest) =>
      r.method === "PATCH" && ADVISORY.test(r.path) && (r.body as { severity?: string })?.severity === "critical";
    const crash = crashAt(bed.sim, justAfter(isSeverity));
    const comment = await bed.sim.comment(ORG, TRACKER, issue!.number, "qweeah", "/advisory severity critical");
    expect(crash.tripped).toBe(true);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.severity).toBe("critical");
    await restartAndSweep(bed, crash);
    // GitHub's redelivery (an operator, or the user commenting again) gets the reply out.
    await bed.sim.redeliver(comment.id);
    await bed.sim.idle();
    await bed.sim.redeliver(comment.id);
    await bed.sim.idle();
    const replies = bed.sim.world
      .listComments(ORG, TRACKER, issue!.number)
      .filter((c) => parseReply(c.body)?.commentId === comment.comment_id);
    expect(replies).toHaveLength(1);
    expect(parseReply(replies[0]?.body)?.entries).toEqual([expect.objectContaining({ ok: true })]);
  });

  it("dies while creating the dashboard: the next instance creates exactly one", async () => {
    bed = await startBed({ seed: 36 });
    seedOras(bed.sim);
    const isDashboardCreate = (r: ArrivingRequest) =>
      r.method === "POST" &&
      r.path === `/repos/${ORG}/${TRACKER}/issues` &&
      ((r.body as { labels?: string[] })?.labels ?? []).includes("advisory-dashboard");
    const crash = crashAt(bed.sim, justAfter(isDashboardCreate));
    await bed.bot.sweepAll();
    expect(crash.tripped).toBe(true);
    await restartAndSweep(bed, crash);
    await bed.bot.sweepAll();
    const issues = bed.sim.world.listIssues(ORG, TRACKER);
    expect(issues.filter((i) => i.labels.includes("advisory-dashboard"))).toHaveLength(1);
    expect(issues.filter((i) => i.labels.includes("advisory-audit"))).toHaveLength(1);
  });
});
