import type { Logger } from "pino";
import { describe, expect, it } from "vitest";
import { CoordinationUnavailable, localLedger } from "../../src/coordination/index.js";
import { instrument } from "../../src/instrument.js";
import { RecentSet } from "../../src/workflows/recent.js";
import { capturingLogger } from "../helpers/log.js";

describe("RecentSet", () => {
  it("keeps at most its capacity, forgetting the oldest first", () => {
    const set = new RecentSet(3);
    for (const k of ["a", "b", "c", "d"]) set.add(k);
    expect(set.size).toBe(3);
    expect(["a", "b", "c", "d"].map((k) => set.has(k))).toEqual([false, true, true, true]);
    set.add("b"); // touching an entry makes it the newest
    set.add("e");
    expect(["b", "c", "d", "e"].map((k) => set.has(k))).toEqual([true, false, true, true]);
  });

  it("at capacity for a long time (the set compacting itself meanwhile), still exactly the newest entries", () => {
    const set = new RecentSet(1000);
    // When each key was last added: every key, and every 7th one touched again 500 adds later.
    const last = new Map<string, number>();
    let clock = 0;
    const add = (key: string) => {
      set.add(key);
      last.set(key, clock++);
    };
    for (let i = 0; i < 50_000; i++) {
      add(`d-${i}`);
      if (i % 7 === 0 && i >= 500) add(`d-${i - 500}`);
    }
    expect(set.size).toBe(1000);
    const byRecency = [...last].sort((a, b) => b[1] - a[1]).map(([key]) => key);
    expect(byRecency.slice(0, 1000).filter((key) => !set.has(key))).toEqual([]);
    expect(byRecency.slice(1000).filter((key) => set.has(key))).toEqual([]);
  });
});

describe("instrument: one log line per delivery, duplicates answered at once", () => {
  it("logs the outcome and duration, runs a successful delivery once, and retries a failed one", async () => {
    const { log, lines } = await capturingLogger("info");
    const handled = new RecentSet(10);
    let runs = 0;
    let fail = true;
    const wrapped = instrument(
      async () => {
        runs += 1;
        if (fail) throw new Error("GitHub is down");
        return { outcome: "done" as const, detail: "1 case(s)", writes: 2 };
      },
      { ledger: localLedger(handled) },
    );
    const context = {
      id: "d-1",
      name: "release",
      payload: { action: "published", repository: { full_name: "o/r" } },
      log,
    };
    await wrapped(context); // fails: not remembered
    fail = false;
    await wrapped(context); // runs again and succeeds
    await wrapped(context); // a duplicate: not run
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(2);
    const entries = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(entries.map((e) => [e.outcome, e.delivery, e.repo, e.action])).toEqual([
      ["failed", "d-1", "o/r", "published"],
      ["done", "d-1", "o/r", "published"],
      ["ignored", "d-1", "o/r", "published"],
    ]);
    expect(entries.every((e) => typeof e.durationMs === "number")).toBe(true);
  });
});

describe("instrument: a handler that runs parts to the end reports their failure", () => {
  const context = (log: Logger) => ({
    id: "d-2",
    name: "push",
    payload: { repository: { full_name: "o/r" }, installation: { id: 7 } },
    log,
  });

  it("a reported error is logged as err on the one line, and the delivery is released, not remembered", async () => {
    const { log, lines } = await capturingLogger("info");
    let runs = 0;
    const wrapped = instrument(
      async () => {
        runs += 1;
        return runs === 1
          ? { outcome: "failed" as const, detail: "a: failed; b: 1 case(s)", writes: 1, error: new Error("a broke") }
          : { outcome: "done" as const, detail: "a: ignored; b: 1 case(s)" };
      },
      { ledger: localLedger(new RecentSet(10)) },
    );
    await wrapped(context(log)); // resolves: an ordinary failure is not Probot's to answer 500
    await wrapped(context(log)); // released: runs again
    await wrapped(context(log)); // done: a duplicate
    await new Promise((r) => setTimeout(r, 20));
    expect(runs).toBe(2);
    const entries = lines().map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(
      entries.map((e) => [e.level, e.msg, e.outcome, e.detail, e.writes, (e.err as { message?: string })?.message]),
    ).toEqual([
      [50, "push failed", "failed", "a: failed; b: 1 case(s)", 1, "a broke"],
      [30, "push done", "done", "a: ignored; b: 1 case(s)", undefined, undefined],
      [30, "push ignored", "ignored", "duplicate delivery", undefined, undefined],
    ]);
    expect(entries.every((e) => e.repo === "o/r" && e.installation === 7 && e.delivery === "d-2")).toBe(true);
  });

  it("a refusal among the reported errors escapes with its 503, after the line is written", async () => {
    const { log, lines } = await capturingLogger("info");
    const refused = new CoordinationUnavailable("the lease was lost");
    const wrapped = instrument(async () => ({
      outcome: "failed" as const,
      detail: "a: failed; b: failed",
      error: new AggregateError([new Error("b broke"), refused]),
    }));
    await expect(wrapped(context(log))).rejects.toBe(refused);
    await new Promise((r) => setTimeout(r, 20));
    const [entry, ...more] = lines().map((l) => JSON.parse(l) as { outcome?: string; err?: { type?: string } });
    expect(more).toEqual([]);
    expect([entry?.outcome, entry?.err?.type]).toEqual(["failed", "AggregateError"]);
  });
});
