/**
 * The two cheapest API-economy scenarios of `npm run bench`, as a regression guard: counts only, never
 * times. A change that makes a release fixing nothing cost more than one request, or an intake write
 * more than its floor, fails here.
 */
import { describe, expect, it } from "vitest";
import { intakeScenario, releaseFixingNothingScenario } from "../../bench/economy.js";
import { runReplicas } from "../../bench/replicas.js";
import { REDIS_URL, redisServed } from "../helpers/redis.js";

describe("bench smoke: API economy of the cheapest scenarios", () => {
  it("a release that fixes nothing costs exactly one request (the list of the repo's drafts) and writes nothing", async () => {
    const r = await releaseFixingNothingScenario();
    expect(r.floor.reads + r.floor.writes).toBe(1);
    expect(r.cost.total).toBe(1);
    expect(r.cost.writes).toBe(0);
    expect(r.requests).toEqual({ "GET /repos/{owner}/{repo}/security-advisories": 1 });
  });

  it("a report intake writes exactly its floor: one PATCH, one fork, one tracking issue", async () => {
    const r = await intakeScenario();
    expect(r.floor.writes).toBe(3);
    expect(r.cost.writes).toBe(r.floor.writes);
    expect(r.requests["PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}"]).toBe(1);
    expect(r.requests["POST /repos/{owner}/{repo}/security-advisories/{ghsa_id}/forks"]).toBe(1);
    expect(r.requests["POST /repos/{owner}/{repo}/issues"]).toBe(1);
    // The webhooks GitHub sends back for the app's own writes cost no write.
    expect(r.echo?.writes).toBe(0);
  });
});

describe.runIf(redisServed)("bench smoke: the replicas rows", () => {
  it("one replica in memory, one and two on Redis: every delivery answered 2xx", async () => {
    const rows = await runReplicas(() => undefined, REDIS_URL, { deliveries: [20, 5], concurrency: 4 });
    expect(rows.map((r) => [r.setup, r.replicas])).toEqual([
      ["memory", 1],
      ["memory", 1],
      ["Redis", 1],
      ["Redis", 1],
      ["Redis", 2],
      ["Redis", 2],
    ]);
    expect(rows.every((r) => r.failures === 0 && r.perSecond > 0)).toBe(true);
  });
});
