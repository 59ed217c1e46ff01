/**
 * Memory and load: 2,000 webhook deliveries of the everyday kind — events the app ignores, releases
 * that fix nothing, pushes to other branches, comments without commands — through the app's HTTP
 * server, 32 at a time. Every one is answered 2xx, no promise is left rejected, and memory stays
 * loosely bounded. (`npm run bench` runs the 10,000-delivery version with figures.)
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BED_SECRET, type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras } from "../../src/sim/oras-world.js";
import { postWebhook } from "../helpers/fuzz.js";

const DELIVERIES = 2000;
const BATCH = 32;

/** A full garbage collection, so that heap figures compare live objects only. */
function collect(): void {
  setFlagsFromString("--expose_gc");
  (runInNewContext("gc") as () => void)();
}

describe("load: 2,000 mixed deliveries", () => {
  let bed: Bed;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  let kinds: { name: string; event: string; body: string }[];

  beforeAll(async () => {
    process.on("unhandledRejection", onRejection);
    bed = await startBed({ seed: 61 });
    seedOras(bed.sim);
    bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
      summary: "A draft no release fixes",
      description: "### Impact\nx\n",
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: "< 9.0.0",
          patched_versions: "9.0.0",
          vulnerable_functions: [],
        },
      ],
    });
    await bed.bot.sweepAll();
    // Real payloads from the simulator, recorded once and then sent many times with fresh delivery ids.
    const first = bed.sim.deliveries.length;
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.2", author: "qweeah" }); // fixes nothing
    await bed.sim.push(ORG, "oras", { pusher: "qweeah", message: "docs", files: { "README.md": "# oras\n" } });
    const issue = await bed.sim.openIssue(ORG, "oras", "outsider", { title: "How do I push an artifact?" });
    await bed.sim.comment(ORG, "oras", issue.number, "outsider", "Thanks, that worked.");
    await bed.sim.idle();
    const recorded = bed.sim.deliveries.slice(first);
    const pick = (event: string, action?: string) => {
      const d = recorded.find((x) => x.event === event && (action === undefined || x.action === action));
      if (!d) throw new Error(`no ${event}.${action} delivery recorded`);
      return d.payload;
    };
    const push = structuredClone(pick("push"));
    push.ref = "refs/heads/feature/experiment"; // not the default branch
    const rosterPushElsewhere = structuredClone(pick("push"));
    rosterPushElsewhere.ref = "refs/heads/release-1.2";
    (rosterPushElsewhere.commits as { modified: string[] }[])[0]!.modified = ["OWNERS.md"];
    kinds = [
      { name: "release fixing nothing", event: "release", body: JSON.stringify(pick("release", "released")) },
      { name: "full release published", event: "release", body: JSON.stringify(pick("release", "published")) },
      { name: "release created", event: "release", body: JSON.stringify(pick("release", "created")) },
      { name: "push to another branch", event: "push", body: JSON.stringify(push) },
      { name: "roster push to another branch", event: "push", body: JSON.stringify(rosterPushElsewhere) },
      { name: "issue opened", event: "issues", body: JSON.stringify(pick("issues", "opened")) },
      { name: "comment without a command", event: "issue_comment", body: JSON.stringify(pick("issue_comment")) },
      { name: "ping", event: "ping", body: JSON.stringify({ zen: "Keep it logically awesome.", hook_id: 1 }) },
      { name: "an event nobody handles", event: "check_run", body: JSON.stringify({ action: "completed" }) },
    ];
  });

  afterAll(async () => {
    process.off("unhandledRejection", onRejection);
    await bed.close();
  });

  it("every delivery answered 2xx, no unhandled rejection, memory loosely bounded", { timeout: 90_000 }, async () => {
    const url = `${bed.appUrl}/api/github/webhooks`;
    bed.sim.resetRequests();
    // Warm up (JIT, connection pools, token cache) before the baseline.
    for (const k of kinds) expect(await postWebhook(url, BED_SECRET, k.event, k.body)).toBeLessThan(300);
    collect();
    const before = process.memoryUsage();
    const statuses = new Map<string, number>();
    const started = performance.now();
    for (let sent = 0; sent < DELIVERIES; sent += BATCH) {
      const batch = Array.from(
        { length: Math.min(BATCH, DELIVERIES - sent) },
        (_, i) => kinds[(sent + i) % kinds.length]!,
      );
      const answers = await Promise.all(batch.map((k) => postWebhook(url, BED_SECRET, k.event, k.body)));
      answers.forEach((status, i) => {
        const key = `${batch[i]!.name} → ${status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
      });
    }
    const seconds = (performance.now() - started) / 1000;
    await bed.sim.idle();
    collect();
    const after = process.memoryUsage();
    const growthMb = (after.rss - before.rss) / 2 ** 20;
    const heapMb = (after.heapUsed - before.heapUsed) / 2 ** 20;
    console.log(
      `load: ${DELIVERIES} deliveries in ${seconds.toFixed(1)} s (${Math.round(DELIVERIES / seconds)}/s); RSS +${growthMb.toFixed(1)} MB; heap after GC ${heapMb >= 0 ? "+" : ""}${heapMb.toFixed(1)} MB (the simulator keeps every request it served)`,
    );
    const bad = [...statuses].filter(([key]) => !/→ 2\d\d$/.test(key));
    expect(bad).toEqual([]);
    expect([...statuses.values()].reduce((a, b) => a + b, 0)).toBe(DELIVERIES);
    expect(rejections).toEqual([]);
    expect(growthMb).toBeLessThan(200);
    expect(heapMb).toBeLessThan(64);
    // Nothing was written, and each release that fixes nothing cost one list request.
    const writes = bed.sim.requests.filter((r) => r.method !== "GET" && !r.path.endsWith("/access_tokens"));
    expect(writes.map((r) => `${r.method} ${r.path}`)).toEqual([]);
    const lists = bed.sim.requests.filter((r) => r.method === "GET" && r.path.endsWith("/security-advisories"));
    expect(lists).toHaveLength((statuses.get("release fixing nothing → 200") ?? 0) + 1);
    expect((await fetch(`${bed.appUrl}/healthz`)).status).toBe(200);
  });
});
