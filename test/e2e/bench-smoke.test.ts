/**
 * The cheapest API-economy scenarios of `npm run bench`, as a regression guard: counts only, never
 * times. A change that makes a release fixing nothing cost more than one request, an intake write more
 * than its floor or read the whole org, or an idle sweep read more than the first page of each list,
 * fails here.
 */
import { describe, expect, it } from "vitest";
import {
  bigSweepScenarios,
  IDLE_MAX_REQUESTS,
  idleFloor,
  intakeScenario,
  orasIdleSweepScenario,
  releaseFixingNothingScenario,
  sweepOf,
} from "../../bench/economy.js";
import { costOf, requestLines } from "../../bench/lib.js";
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

  it("a report intake writes exactly its floor: one PATCH, one fork, one tracking issue, the dashboard's new row", async () => {
    const r = await intakeScenario();
    expect(r.floor.writes).toBe(4);
    expect(r.cost.writes).toBe(r.floor.writes);
    expect(r.requests["PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}"]).toBe(1);
    expect(r.requests["POST /repos/{owner}/{repo}/security-advisories/{ghsa_id}/forks"]).toBe(1);
    expect(r.requests["POST /repos/{owner}/{repo}/issues"]).toBe(1);
    // The dashboard follows the report at once (no sweep needed).
    expect(r.requests["PATCH /repos/{owner}/{repo}/issues/{issue_number}"]).toBe(1);
    // The webhooks GitHub sends back for the app's own writes cost no write.
    expect(r.echo?.writes).toBe(0);
  });

  it("an idle sweep of the ORAS org costs its floor: installations, the change probes and one page of each list (304), no org query", async () => {
    const r = await orasIdleSweepScenario();
    expect(r.requests).toEqual({
      "GET /app/installations": 1,
      // The top repository by pushed and by updated, the security team's members: unchanged.
      "GET /orgs/{org}/repos (304)": 2,
      "GET /orgs/{org}/teams/{team_slug}/members (304)": 1,
      "GET /orgs/{org}/security-advisories (304)": 1,
      "GET /repos/{owner}/{repo}/issues (304)": 1,
    });
    expect(r.cost.total).toBe(r.floor.reads);
    expect(r.cost.writes).toBe(0);
  });

  it("in an org of more than 100 repositories, with more than a page of advisories and of tracker issues, an idle sweep reads one page of each list and no org query, an edited roster the org query, and an intake one org query", async () => {
    // 101 repositories × 1 advisory: the org query is 2 pages (103 repositories with the tracker and
    // .github), and the advisories and tracker issues are 2 pages each.
    const [idle, changed, ...events] = await bigSweepScenarios(101, 1);
    expect(idle?.requests).toEqual({
      "GET /app/installations": 1,
      "GET /orgs/{org}/repos (304)": 2,
      "GET /orgs/{org}/teams/{team_slug}/members (304)": 1,
      "GET /orgs/{org}/security-advisories (304)": 1,
      "GET /repos/{owner}/{repo}/issues (304)": 1,
    });
    expect(idle?.cost.total).toBe(6);
    expect(idle?.cost.charged).toBe(1);
    expect(idle?.cost.total).toBeLessThanOrEqual(IDLE_MAX_REQUESTS);
    // A roster file pushed (its webhook lost): the top repository by pushed changed, the org is read whole.
    expect(changed?.requests["GET /orgs/{org}/repos"]).toBe(2);
    expect(changed?.requests["GRAPHQL query OrgRepos"]).toBe(2);
    expect(changed?.requests["PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}"]).toBe(1);
    const intake = events.find((e) => e.id === "intake-big");
    expect(intake?.requests).toEqual({
      // Only the repositories the report concerns: its own, .github and the tracker.
      "GRAPHQL query OrgRepos": 1,
      "GET /repos/{owner}/{repo}/security-advisories/{ghsa_id}": 1,
      // The sweep before it edited tracking issues: the first page changed, and it is the only one read.
      "GET /repos/{owner}/{repo}/issues": 1,
      "PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}": 1,
      "POST /repos/{owner}/{repo}/issues": 1,
      // The dashboard's new row.
      "PATCH /repos/{owner}/{repo}/issues/{issue_number}": 1,
    });
    expect(intake?.cost.total).toBe(6);
    expect(intake?.cost.writes).toBe(intake?.floor.writes);
    expect(intake?.ratio).toBeLessThanOrEqual(1.5);
  });
});

describe("bench smoke: the idle sweep of 1,000 repositories", () => {
  it("costs the installations list, the change probes and one page of each list: 6 requests, 1 charged, no org query", async () => {
    const m = await sweepOf(1000, 1);
    const idle = costOf(m.requests);
    expect(requestLines(m.requests)).toEqual({
      "GET /app/installations": 1,
      "GET /orgs/{org}/repos (304)": 2,
      "GET /orgs/{org}/teams/{team_slug}/members (304)": 1,
      "GET /orgs/{org}/security-advisories (304)": 1,
      "GET /repos/{owner}/{repo}/issues (304)": 1,
    });
    expect(idle.total).toBe(idleFloor(m.repos, m.advisories, m.trackerIssues).reads);
    expect(idle.total).toBeLessThanOrEqual(IDLE_MAX_REQUESTS);
    expect(idle.charged).toBe(1);
  }, 300_000);
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
