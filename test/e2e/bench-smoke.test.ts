/**
 * The cheapest API-economy scenarios of `npm run bench`, as a regression guard: counts only, never
 * times. A change that makes a release fixing nothing cost more than one request, an intake write more
 * than its floor, or an idle sweep read more than the first page of each list, fails here.
 */
import { describe, expect, it } from "vitest";
import {
  bigSweepScenarios,
  IDLE_MAX_REQUESTS,
  intakeScenario,
  orasIdleSweepScenario,
  releaseFixingNothingScenario,
} from "../../bench/economy.js";

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

  it("an idle sweep of the ORAS org costs its floor: installations, one org query, one page of each list (304)", async () => {
    const r = await orasIdleSweepScenario();
    expect(r.requests).toEqual({
      "GET /app/installations": 1,
      "GRAPHQL query OrgRepos": 1,
      "GET /orgs/{org}/security-advisories (304)": 1,
      "GET /repos/{owner}/{repo}/issues (304)": 1,
    });
    expect(r.cost.total).toBe(r.floor.reads);
    expect(r.cost.writes).toBe(0);
  });

  it("in an org with more than a page of advisories and of tracker issues, an idle sweep and an intake read one page of each list", async () => {
    // 4 repositories × 30 advisories: 120 advisories and some 120 tracker issues, two pages each.
    const [idle, , ...events] = await bigSweepScenarios(4, 30);
    expect(idle?.requests).toEqual({
      "GET /app/installations": 1,
      "GRAPHQL query OrgRepos": 1,
      "GET /orgs/{org}/security-advisories (304)": 1,
      "GET /repos/{owner}/{repo}/issues (304)": 1,
    });
    expect(idle?.cost.total).toBeLessThanOrEqual(IDLE_MAX_REQUESTS);
    const intake = events.find((e) => e.id === "intake-big");
    expect(intake?.requests).toEqual({
      "GRAPHQL query OrgRepos": 1,
      "GET /repos/{owner}/{repo}/security-advisories/{ghsa_id}": 1,
      // The sweep before it edited tracking issues: the first page changed, and it is the only one read.
      "GET /repos/{owner}/{repo}/issues": 1,
      "PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}": 1,
      "POST /repos/{owner}/{repo}/issues": 1,
    });
    expect(intake?.cost.writes).toBe(intake?.floor.writes);
  });
});
