/**
 * A `push` is one delivery with two parts — the roster check (default branch only) and the embargo watch
 * over the commit messages (every branch of a public repository): one ledger claim and one log line per
 * delivery, whose detail names both parts. One part failing, or refused for want of the org's lock,
 * neither stops nor hides the other; the delivery is then released, and a redelivery runs both again
 * without repeating what the first did.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CoordinationUnavailable, localCoordination } from "../../src/coordination/index.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, OWNERS_ORAS_GO, TRACKER } from "../../src/sim/oras-world.js";
import { capturingLogger } from "../helpers/log.js";
import { EMBARGOED_CVE, embargoed, stateIn } from "../helpers/world.js";

const CVE = EMBARGOED_CVE;

interface Line {
  event?: string;
  delivery?: string;
  handler?: string;
  outcome?: string;
  detail?: string;
  writes?: number;
  err?: { type?: string; message?: string; aggregateErrors?: unknown[] };
}

/**
 * The in-memory coordination, with a lock that can be made to refuse its next run (as a lost Redis
 * lease or an unreachable Redis would) or to fail every run.
 */
function faultyCoordination() {
  const coordination = localCoordination();
  const inner = coordination.lock;
  const control = { refuseNext: null as null | Error, failAll: false, refused: 0, failed: 0 };
  coordination.lock = {
    run: (key, work) => {
      if (control.refuseNext) {
        const err = control.refuseNext;
        control.refuseNext = null;
        control.refused += 1;
        return Promise.reject(err);
      }
      if (control.failAll) {
        control.failed += 1;
        return Promise.reject(new Error(`broken run ${control.failed}`));
      }
      return inner.run(key, work);
    },
  };
  return { coordination, control };
}

function watchNotices(bed: Bed, issue: number): string[] {
  return bed.sim.world
    .listComments(ORG, TRACKER, issue)
    .map((c) => c.body)
    .filter((b) => b.startsWith("**Embargo watch**"));
}

/** A push payload the simulator produced, for a commit the app has not seen, on `ref`, with `message`. */
async function pushPayload(bed: Bed, ref: string, message: string, files: Record<string, string>) {
  const pushed = await bed.sim.push(ORG, "oras-go", { pusher: "qweeah", message: "chore", files });
  await bed.sim.idle();
  const recorded = bed.sim.deliveries.find((d) => d.id === pushed.id);
  if (!recorded) throw new Error("no push delivery");
  const payload = structuredClone(recorded.payload) as {
    ref: string;
    commits: Array<{ id: string; message: string }>;
    installation?: unknown;
  };
  payload.ref = ref;
  const commit = payload.commits[0];
  if (!commit) throw new Error("no commit");
  commit.id = bed.sim.world.sha();
  commit.message = message;
  delete payload.installation; // added again by the simulator on delivery
  return payload as unknown as Record<string, unknown>;
}

describe("push: one delivery, two parts", () => {
  let bed: Bed;
  afterEach(async () => {
    // The bed fails the test if anything was written to a public repository naming the advisory.
    await bed.close();
  });

  it("to another branch, naming nothing: one log line for both parts, nothing read; its duplicate does nothing", async () => {
    const log = await capturingLogger("info");
    bed = await startBed({ seed: 71, log: log.log });
    await embargoed(bed);
    const payload = await pushPayload(bed, "refs/heads/feature/docs", "docs: typo", { "README.md": "# oras-go\n" });
    bed.sim.resetRequests();

    const sent = await bed.sim.deliver("push", payload);
    expect(sent.status).toBe(200);
    const again = await bed.sim.redeliver(sent.id);
    expect(again.status).toBe(200);
    await bed.sim.idle();

    const lines = log
      .lines()
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.delivery === sent.id);
    expect(lines.map((l) => [l.event, l.handler, l.outcome, l.detail])).toEqual([
      [
        "push",
        undefined,
        "ignored",
        "roster check: not the default branch; embargo watch: names no unpublished advisory",
      ],
      ["push", undefined, "ignored", "duplicate delivery"],
    ]);
    expect(bed.sim.requests.filter((r) => !r.path.endsWith("/access_tokens"))).toEqual([]);
  });

  it("to another branch, a commit naming the embargoed CVE: the watch posts its notice; the line says both parts", async () => {
    const log = await capturingLogger("info");
    bed = await startBed({ seed: 72, log: log.log });
    const { issue } = await embargoed(bed);
    const payload = await pushPayload(bed, "refs/heads/release-2.6", `backport the fix for ${CVE}`, {
      "content/file.go": "package content\n",
    });

    const sent = await bed.sim.deliver("push", payload);
    await bed.sim.idle();
    expect(sent.status).toBe(200);
    const notices = watchNotices(bed, issue);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toContain(`its CVE id (${CVE})`);
    const [line, ...more] = log
      .lines()
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.delivery === sent.id && l.outcome !== undefined);
    expect(more).toEqual([]);
    expect(line?.outcome).toBe("done");
    expect(line?.detail).toBe("roster check: not the default branch; embargo watch: 1 case(s)");
    expect(line?.writes).toBeGreaterThan(0);
    // Nothing embargoed in the log: neither the commit message nor the CVE.
    expect(log.text()).not.toContain("backport the fix");

    await bed.sim.redeliver(sent.id);
    await bed.sim.idle();
    expect(watchNotices(bed, issue)).toHaveLength(1);
  });

  it("the roster check refused for want of the org's lock: 503, the watch still posts its notice, a redelivery finishes both once", async () => {
    const log = await capturingLogger("info");
    const { coordination, control } = faultyCoordination();
    bed = await startBed({ seed: 73, log: log.log, coordination: () => coordination });
    const { ghsa, issue } = await embargoed(bed);
    // The default branch, a roster file and a message naming the CVE: both parts need the org's lock,
    // and the roster check asks for it first.
    const payload = await pushPayload(bed, "refs/heads/main", `owners: ${CVE} responders`, {
      "OWNERS.md": `${OWNERS_ORAS_GO}\n`,
    });
    control.refuseNext = new CoordinationUnavailable("the lease on the org was lost");

    const sent = await bed.sim.deliver("push", payload);
    await bed.sim.idle();
    expect(control.refused).toBe(1);
    expect(sent.status).toBe(503);
    expect(watchNotices(bed, issue)).toHaveLength(1);
    const failed = log
      .lines()
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.delivery === sent.id && l.outcome !== undefined);
    expect(failed.map((l) => [l.outcome, l.detail, l.err?.type, l.err?.message])).toEqual([
      [
        "failed",
        "roster check: failed; embargo watch: 1 case(s)",
        "CoordinationUnavailable",
        "the lease on the org was lost",
      ],
    ]);

    // GitHub redelivers: the claim was released, both parts run; the notice is not repeated.
    const again = await bed.sim.redeliver(sent.id);
    await bed.sim.idle();
    expect(again.status).toBe(200);
    expect(watchNotices(bed, issue)).toHaveLength(1);
    const after = stateIn(bed.sim.world.listIssues(ORG, TRACKER).find((i) => i.number === issue)?.body);
    expect(after?.notices.filter((k) => k.startsWith("embargo:"))).toEqual([
      expect.stringMatching(new RegExp(`^embargo:${ghsa.toLowerCase()}:`)),
    ]);
    const last = log
      .lines()
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.delivery === sent.id && l.outcome !== undefined)
      .at(-1);
    expect([last?.outcome, last?.detail?.startsWith("roster check: "), last?.err]).toEqual(["done", true, undefined]);
  });

  it("both parts failing: one line, both errors, answered 200 (a redelivery would not fix it) and released", async () => {
    const log = await capturingLogger("info");
    const { coordination, control } = faultyCoordination();
    bed = await startBed({ seed: 74, log: log.log, coordination: () => coordination });
    const { issue } = await embargoed(bed);
    const payload = await pushPayload(bed, "refs/heads/main", `owners: ${CVE} responders`, {
      "OWNERS.md": `${OWNERS_ORAS_GO}\n`,
    });
    // Every run throws an ordinary error (a bug, GitHub answering nonsense): not a refusal.
    control.failAll = true;

    const sent = await bed.sim.deliver("push", payload);
    await bed.sim.idle();
    expect(sent.status).toBe(200);
    expect(control.failed).toBe(2);
    expect(watchNotices(bed, issue)).toHaveLength(0);
    const lines = log
      .lines()
      .map((l) => JSON.parse(l) as Line)
      .filter((l) => l.delivery === sent.id && l.outcome !== undefined);
    expect(lines.map((l) => [l.outcome, l.detail, l.err?.type, l.err?.aggregateErrors?.length])).toEqual([
      ["failed", "roster check: failed; embargo watch: failed", "AggregateError", 2],
    ]);

    // Released, not remembered: once the runs work again, the redelivery does the work.
    control.failAll = false;
    await bed.sim.redeliver(sent.id);
    await bed.sim.idle();
    expect(watchNotices(bed, issue)).toHaveLength(1);
  });
});
