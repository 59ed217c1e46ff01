import nock from "nock";
import { ProbotOctokit } from "probot";
import { afterEach, describe, expect, it } from "vitest";
import { useRequestTimeout } from "../../src/github/timeout.js";
import { testOctokit } from "../helpers/probot.js";

const API = "https://api.github.com";
const PATH = "/repos/oras-project/oras-go/security-advisories";

describe("request timeout", () => {
  afterEach(() => {
    nock.cleanAll();
  });

  it("abandons an attempt GitHub does not answer in time", async () => {
    nock(API).get(PATH).delay(2_000).reply(200, []);
    const octokit = useRequestTimeout(testOctokit(), 50);
    const started = performance.now();
    const error = await octokit.rest.securityAdvisories
      .listRepositoryAdvisories({ owner: "oras-project", repo: "oras-go" })
      .catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(1_500);
    expect((error as { status?: number }).status).toBe(500);
  });

  it("bounds each attempt, so Octokit's retry gets its own time", async () => {
    const Retrying = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
      ...o,
      retry: { retryAfterBaseValue: 1 },
      throttle: { ...(o.throttle as object), enabled: false },
    }));
    const scope = nock(API)
      .get(PATH)
      .delay(2_000)
      .reply(200, [])
      .get(PATH)
      .reply(200, [{ ghsa_id: "GHSA-2345-6789-cfgh" }]);
    const octokit = useRequestTimeout(new Retrying({ auth: { token: "test-token" } }), 100);
    const { data } = await octokit.rest.securityAdvisories.listRepositoryAdvisories({
      owner: "oras-project",
      repo: "oras-go",
    });
    expect(data.map((a) => a.ghsa_id)).toEqual(["GHSA-2345-6789-cfgh"]);
    expect(scope.isDone()).toBe(true);
  });

  it("passes a prompt answer through, calling the caller's own fetch once with a signal", async () => {
    const signals: Array<AbortSignal | null | undefined> = [];
    const fetchSpy: typeof fetch = async (_input, init) => {
      signals.push(init?.signal);
      return new Response("[]", { status: 200, headers: { "content-type": "application/json" } });
    };
    const octokit = useRequestTimeout(useRequestTimeout(testOctokit(), 1_000), 1_000);
    const { status, data } = await octokit.request("GET /repos/{owner}/{repo}/security-advisories", {
      owner: "oras-project",
      repo: "oras-go",
      request: { fetch: fetchSpy },
    });
    expect([status, data]).toEqual([200, []]);
    expect(signals).toHaveLength(1);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]?.aborted).toBe(false);
  });
});
