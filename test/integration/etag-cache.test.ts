import nock from "nock";
import { describe, expect, it } from "vitest";
import { EtagCache, useEtagCache } from "../../src/github/etag-cache.js";
import { testOctokit } from "../helpers/probot.js";

const API = "https://api.github.com";

describe("conditional requests", () => {
  it("a repeated GET carries If-None-Match; a 304 is answered from the cache (a copy of it)", async () => {
    const cache = new EtagCache(10);
    const seen: Array<string | undefined> = [];
    nock(API)
      .get("/orgs/oras-project/security-advisories")
      .query(true)
      .times(2)
      .reply(function () {
        const tag = this.req.headers["if-none-match"];
        seen.push(Array.isArray(tag) ? tag[0] : tag);
        return tag === 'W/"v1"' ? [304, ""] : [200, [{ ghsa_id: "GHSA-2345-6789-cfgh" }], { etag: 'W/"v1"' }];
      });
    const octokit = useEtagCache(testOctokit(), cache, "oras-project");
    const first = await octokit.rest.securityAdvisories.listOrgRepositoryAdvisories({
      org: "oras-project",
      per_page: 100,
    });
    (first.data as Array<{ ghsa_id: string }>)[0]!.ghsa_id = "changed by a caller";
    const second = await octokit.rest.securityAdvisories.listOrgRepositoryAdvisories({
      org: "oras-project",
      per_page: 100,
    });
    expect(seen).toEqual([undefined, 'W/"v1"']);
    expect(second.status).toBe(200);
    expect(second.data).toEqual([{ ghsa_id: "GHSA-2345-6789-cfgh" }]);
    expect(cache.hits).toBe(1);
  });

  it("never serves one org's answer to another, and writes are never conditional", async () => {
    const cache = new EtagCache(10);
    const tags: Array<string | undefined> = [];
    nock(API)
      .get(/\/orgs\/[a-z-]+\/members\/alice/)
      .times(2)
      .reply(function () {
        const tag = this.req.headers["if-none-match"];
        tags.push(Array.isArray(tag) ? tag[0] : tag);
        return [200, {}, { etag: 'W/"m"' }];
      })
      .post("/repos/o/r/issues")
      .reply(function () {
        tags.push(String(this.req.headers["if-none-match"] ?? "none"));
        return [201, { number: 1 }];
      });
    const base = testOctokit();
    await useEtagCache(base, cache, "org-a").request("GET /orgs/{org}/members/{username}", {
      org: "org-a",
      username: "alice",
    });
    await useEtagCache(testOctokit(), cache, "org-b").request("GET /orgs/{org}/members/{username}", {
      org: "org-b",
      username: "alice",
    });
    await base.rest.issues.create({ owner: "o", repo: "r", title: "t" });
    expect(tags).toEqual([undefined, undefined, "none"]);
  });

  it("is bounded: the least recently used entries go first", () => {
    const cache = new EtagCache(2);
    const entry = { etag: "e", response: { status: 200, url: "u", headers: {}, data: null } };
    cache.set("a", entry);
    cache.set("b", entry);
    cache.get("a");
    cache.set("c", entry);
    expect([cache.get("a"), cache.get("b"), cache.get("c")].map(Boolean)).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });
});
