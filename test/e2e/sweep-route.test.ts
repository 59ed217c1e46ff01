import { afterEach, describe, expect, it } from "vitest";
import { SWEEP_PATH, type SweepSummary } from "../../src/index.js";
import { type Bed, startBed } from "../../src/sim/harness.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";

const TOKEN = "sweep-token-0123456789abcdef";

describe("POST /api/advisory-bot/sweep", () => {
  let bed: Bed;
  afterEach(async () => {
    await bed.close();
  });

  it("refuses a missing or wrong token with 401 and runs nothing", async () => {
    bed = await startBed({ settings: { sweepToken: TOKEN } });
    seedOras(bed.sim);
    bed.sim.resetRequests();
    expect((await fetch(`${bed.appUrl}${SWEEP_PATH}`, { method: "POST" })).status).toBe(401);
    const wrong = await fetch(`${bed.appUrl}${SWEEP_PATH}`, {
      method: "POST",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(401);
    expect(bed.sim.requests).toEqual([]);
  });

  it("with the right token sweeps every installation and answers a JSON summary when done", async () => {
    bed = await startBed({ settings: { sweepToken: TOKEN } });
    seedOras(bed.sim);
    bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
      summary: "Unbounded manifest read",
      description: "### Impact\nMemory exhaustion.\n",
      severity: "low",
      vulnerabilities: [
        {
          package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
          vulnerable_version_range: "< 2.6.1",
          patched_versions: "2.6.1",
          vulnerable_functions: [],
        },
      ],
    });
    const res = await fetch(`${bed.appUrl}${SWEEP_PATH}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(200);
    const summary = (await res.json()) as SweepSummary;
    expect(summary.installations).toBe(1);
    expect(summary.orgs).toHaveLength(1);
    expect(summary.orgs[0]).toMatchObject({ org: ORG, cases: 1, problems: [], skipped: [] });
    expect(summary.orgs[0]?.writes).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(summary)).not.toContain("Memory exhaustion");
    expect(bed.sim.world.listIssues(ORG, TRACKER).filter((i) => i.labels.includes("advisory"))).toHaveLength(1);
  });

  it("is off when SWEEP_TOKEN is unset", async () => {
    bed = await startBed();
    seedOras(bed.sim);
    const res = await fetch(`${bed.appUrl}${SWEEP_PATH}`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.status).toBe(404);
  });
});
