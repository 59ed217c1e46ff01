/**
 * Memory: resident set size before and after 10,000 signed deliveries of mixed events through the
 * app's HTTP server. The simulator runs in the same process; its request log is cleared as the run
 * goes, so what remains is the app's (and Probot's) own growth.
 */
import { latencyWorld } from "./latency.js";
import { gcFunction, load, mb, type PreparedDelivery, summarize } from "./lib.js";

export interface MemoryResult {
  deliveries: number;
  mix: Record<string, number>;
  rssBeforeMb: number;
  rssAfterMb: number;
  rssDeltaMb: number;
  heapBeforeMb: number;
  heapAfterMb: number;
  heapDeltaMb: number;
  perSecond: number;
  gc: "exposed" | "v8 flag";
}

export async function runMemory(deliveries = 10_000, concurrency = 32): Promise<MemoryResult> {
  const gcExposed = typeof (globalThis as { gc?: unknown }).gc === "function";
  const gc = gcFunction();
  const world = await latencyWorld();
  try {
    // Of every 10 deliveries: 6 issues.labeled, 2 pushes to another branch, 2 releases fixing nothing.
    const cycle: Array<[string, PreparedDelivery]> = [
      ["issues.labeled", world.labeled],
      ["push (other branch)", world.pushOther],
      ["issues.labeled", world.labeled],
      ["release fixing nothing", world.releaseNothing],
      ["issues.labeled", world.labeled],
      ["issues.labeled", world.labeled],
      ["push (other branch)", world.pushOther],
      ["issues.labeled", world.labeled],
      ["release fixing nothing", world.releaseNothing],
      ["issues.labeled", world.labeled],
    ];
    const next = (i: number) => (cycle[i % cycle.length] as [string, PreparedDelivery])[1];
    const mix: Record<string, number> = {};
    for (let i = 0; i < deliveries; i++) {
      const name = (cycle[i % cycle.length] as [string, PreparedDelivery])[0];
      mix[name] = (mix[name] ?? 0) + 1;
    }

    // Warm-up: code loaded, sockets open, token cached; then settle and measure.
    await load(world.appUrl, next, 500, concurrency);
    world.bed.sim.resetRequests();
    const settle = async () => {
      for (let i = 0; i < 3; i++) {
        gc();
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await settle();
    const before = process.memoryUsage();

    const runs = [];
    const batch = 1000;
    for (let done = 0; done < deliveries; done += batch) {
      const n = Math.min(batch, deliveries - done);
      runs.push(await load(world.appUrl, (i) => next(done + i), n, concurrency));
      await world.bed.sim.idle();
      world.bed.sim.resetRequests();
    }
    await settle();
    const after = process.memoryUsage();
    const summary = summarize(runs, concurrency);
    return {
      deliveries,
      mix,
      rssBeforeMb: mb(before.rss),
      rssAfterMb: mb(after.rss),
      rssDeltaMb: mb(after.rss - before.rss),
      heapBeforeMb: mb(before.heapUsed),
      heapAfterMb: mb(after.heapUsed),
      heapDeltaMb: mb(after.heapUsed - before.heapUsed),
      perSecond: summary.perSecond,
      gc: gcExposed ? "exposed" : "v8 flag",
    };
  } finally {
    await world.bed.close();
  }
}
