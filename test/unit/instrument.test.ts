import { describe, expect, it } from "vitest";
import { localLedger } from "../../src/coordination/index.js";
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
