import nock from "nock";
import { ProbotOctokit } from "probot";
import { describe, expect, it } from "vitest";
import type { Plan } from "../../src/domain/plan.js";
import { ApplyError, apply } from "../../src/github/apply.js";
import { capturingLogger } from "../helpers/log.js";
import { testOctokit } from "../helpers/probot.js";

const API = "https://api.github.com";
const repo = { owner: "oras-project", repo: "oras-go" };

const plan: Plan = [
  {
    op: "advisory.update",
    params: { ...repo, ghsa_id: "GHSA-2345-6789-cfgh", collaborating_users: ["alice", "bob"], collaborating_teams: [] },
    why: "patch team differs",
  },
  {
    op: "issue.comment",
    params: { owner: "oras-project", repo: "security-response", issue_number: 7, body: "Embargoed detail" },
    why: "report staffing",
  },
];

describe("apply(plan)", () => {
  it("performs each write in order with the planned request bodies", async () => {
    const bodies: unknown[] = [];
    nock(API)
      .patch("/repos/oras-project/oras-go/security-advisories/GHSA-2345-6789-cfgh", (b) => bodies.push(b) > 0)
      .reply(200, { ghsa_id: "GHSA-2345-6789-cfgh" })
      .post("/repos/oras-project/security-response/issues/7/comments", (b) => bodies.push(b) > 0)
      .reply(201, { id: 99 });
    const { log } = await capturingLogger();
    const done = await apply(plan, { octokit: testOctokit(), log, dryRun: false });
    expect(done.map((d) => d.performed)).toEqual([true, true]);
    expect(bodies).toEqual([
      { collaborating_users: ["alice", "bob"], collaborating_teams: [] },
      { body: "Embargoed detail" },
    ]);
    expect(nock.isDone()).toBe(true);
  });

  it("in dry-run mode logs every planned write and sends nothing", async () => {
    const scope = nock(API).patch(/.*/).reply(200, {}).post(/.*/).reply(201, {});
    const { log, lines } = await capturingLogger();
    const done = await apply(plan, { octokit: testOctokit(), log, dryRun: true });
    await new Promise((r) => setTimeout(r, 20));
    expect(done.map((d) => d.performed)).toEqual([false, false]);
    expect(scope.isDone()).toBe(false);
    const dry = lines()
      .map((l) => JSON.parse(l) as { dryRun?: boolean; op?: string; target?: string })
      .filter((l) => l.dryRun);
    expect(dry.map((l) => [l.op, l.target])).toEqual([
      ["advisory.update", "oras-project/oras-go GHSA-2345-6789-cfgh"],
      ["issue.comment", "oras-project/security-response#7"],
    ]);
    expect(lines().join("\n")).not.toContain("Embargoed detail");
  });

  it("stops at the first refused write and reports what was already done", async () => {
    nock(API)
      .patch("/repos/oras-project/oras-go/security-advisories/GHSA-2345-6789-cfgh")
      .reply(422, { message: "Validation Failed" });
    const { log } = await capturingLogger();
    const error = await apply(plan, { octokit: testOctokit(), log, dryRun: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).status).toBe(422);
    expect((error as ApplyError).done).toEqual([]);
    expect((error as ApplyError).message).toBe(
      "advisory.update oras-project/oras-go GHSA-2345-6789-cfgh failed (422: Validation Failed)",
    );
  });

  it("with Octokit's retries on, retries an update GitHub failed to answer but never resends a create", async () => {
    // Production retries (no throttling, so the test needs no pacing); the retry waits are shortened.
    const Retrying = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { retryAfterBaseValue: 1 },
      throttle: { ...(o.throttle as object), enabled: false },
    }));
    const octokit = new Retrying({ auth: { token: "test-token" } });
    const patch = "/repos/oras-project/oras-go/security-advisories/GHSA-2345-6789-cfgh";
    const comment = "/repos/oras-project/security-response/issues/7/comments";
    const patches = nock(API).patch(patch).reply(502, {}).patch(patch).reply(200, {});
    const comments = nock(API).post(comment).reply(502, {}).post(comment).reply(201, { id: 99 });
    const { log } = await capturingLogger();
    const error = await apply(plan, { octokit, log, dryRun: false }).catch((e: unknown) => e);
    expect(patches.isDone()).toBe(true); // the PATCH was sent twice and succeeded
    expect(error).toBeInstanceOf(ApplyError);
    expect((error as ApplyError).write.op).toBe("issue.comment");
    expect((error as ApplyError).done.map((d) => d.write.op)).toEqual(["advisory.update"]);
    expect(comments.pendingMocks()).toHaveLength(1); // sent once: the second answer was never asked for
    nock.cleanAll();
  });
});
