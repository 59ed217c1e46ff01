/**
 * GitHub's secondary rate limits, with Octokits built as Probot builds them under `run` (its own
 * throttle options, whose secondary-limit handler only logs) from the app's Octokit class.
 */
import nock from "nock";
import pino from "pino";
import { Probot, ProbotOctokit } from "probot";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appOctokit } from "../../src/github/octokit.js";
import { RATE_LIMIT_POLICY, secondaryLimitWait } from "../../src/github/rate-limit.js";
import { TEST_PRIVATE_KEY } from "../helpers/keys.js";

const API = "https://api.github.com";
const PATH = "/repos/oras-project/oras-go/security-advisories";
const SECONDARY = {
  message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
};

function failure(status: number, headers: Record<string, string> = {}, message = SECONDARY.message) {
  return { status, message, response: { headers, data: { message } } };
}

describe("the secondary-limit policy", () => {
  it("waits what retry-after says", () => {
    expect(secondaryLimitWait(failure(403, { "retry-after": "7" }), 0)).toBe(7);
    expect(secondaryLimitWait(failure(429, { "retry-after": "0" }), 2)).toBe(0);
    const now = Date.parse("2026-11-02T09:00:00Z");
    expect(
      secondaryLimitWait(failure(403, { "retry-after": "Mon, 02 Nov 2026 09:00:30 GMT" }), 0, undefined, now),
    ).toBe(30);
  });

  it("without retry-after waits at least a minute and backs off, then gives up", () => {
    const waits = [0, 1, 2, 3].map((n) => secondaryLimitWait(failure(403), n));
    expect(waits).toEqual([60, 120, 240, null]);
    expect(secondaryLimitWait(failure(429, {}, "Too Many Requests"), 0)).toBe(60);
  });

  it("leaves other refusals, the primary limit and waits too long for a run alone", () => {
    expect(secondaryLimitWait(failure(403, {}, "Resource not accessible by integration"), 0)).toBeNull();
    expect(secondaryLimitWait(failure(403, { "x-ratelimit-remaining": "0" }, "API rate limit exceeded"), 0)).toBeNull();
    expect(secondaryLimitWait(failure(502, {}, "Server Error"), 0)).toBeNull();
    expect(
      secondaryLimitWait(failure(403, { "retry-after": String(RATE_LIMIT_POLICY.maxWaitSeconds + 1) }), 0),
    ).toBeNull();
  });
});

describe("Octokits as Probot's run builds them", () => {
  beforeEach(() => {
    nock.disableNetConnect();
    nock(API)
      .persist()
      .post("/app/installations/1/access_tokens")
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} });
  });
  afterEach(() => {
    nock.cleanAll();
    nock.enableNetConnect();
  });

  const installationOctokit = async (Octokit: typeof ProbotOctokit) => {
    const probot = new Probot({ appId: 1, privateKey: TEST_PRIVATE_KEY, Octokit, log: pino({ level: "silent" }) });
    return probot.auth(1);
  };

  it("the app's Octokit retries a 403 secondary limit (with and without retry-after) and a 429", async () => {
    const octokit = await installationOctokit(appOctokit({ secondMs: 1 }));
    const scope = nock(API)
      .get(PATH)
      .reply(403, SECONDARY, { "retry-after": "2" })
      .get(PATH)
      .reply(403, SECONDARY)
      .get(PATH)
      .reply(429, { message: "Too Many Requests" })
      .get(PATH)
      .reply(200, [{ ghsa_id: "GHSA-2345-6789-cfgh" }]);
    const { data } = await octokit.rest.securityAdvisories.listRepositoryAdvisories({
      owner: "oras-project",
      repo: "oras-go",
    });
    expect(data.map((a) => a.ghsa_id)).toEqual(["GHSA-2345-6789-cfgh"]);
    expect(scope.isDone()).toBe(true);
  });

  it("retries a create GitHub refused for the limit (it was not carried out), even with Octokit's retries off", async () => {
    const octokit = await installationOctokit(appOctokit({ secondMs: 1 }));
    const bodies: unknown[] = [];
    nock(API)
      .post("/repos/oras-project/security-response/issues/1/comments", (b) => bodies.push(b) > 0)
      .reply(403, SECONDARY, { "retry-after": "1" })
      .post("/repos/oras-project/security-response/issues/1/comments", (b) => bodies.push(b) > 0)
      .reply(201, { id: 9 });
    const { data } = await octokit.rest.issues.createComment({
      owner: "oras-project",
      repo: "security-response",
      issue_number: 1,
      body: "hello",
      request: { retries: 0 },
    });
    expect(data.id).toBe(9);
    expect(bodies).toEqual([{ body: "hello" }, { body: "hello" }]);
  });

  it("gives up after a bounded number of attempts", async () => {
    const octokit = await installationOctokit(appOctokit({ secondMs: 1 }));
    const scope = nock(API)
      .get(PATH)
      .times(RATE_LIMIT_POLICY.maxRetries + 1)
      .reply(403, SECONDARY, { "retry-after": "1" });
    const error = await octokit.rest.securityAdvisories
      .listRepositoryAdvisories({ owner: "oras-project", repo: "oras-go" })
      .catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(403);
    expect(scope.isDone()).toBe(true);
  });

  it("Probot's own Octokit under the same options does not retry a secondary limit: why the app sets its own", async () => {
    const octokit = await installationOctokit(ProbotOctokit);
    nock(API).get(PATH).reply(403, SECONDARY, { "retry-after": "1" });
    const error = await octokit.rest.securityAdvisories
      .listRepositoryAdvisories({ owner: "oras-project", repo: "oras-go" })
      .catch((e: unknown) => e);
    expect((error as { status?: number }).status).toBe(403);
  });
});
