import { readFileSync } from "node:fs";
import nock from "nock";
import { describe, expect, it } from "vitest";
import { createAdvisoryBot } from "../../src/index.js";
import { testProbot } from "../helpers/probot.js";

const API = "https://api.github.com";
const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/webhooks/release.published.json", import.meta.url), "utf8"),
) as {
  installation: { id: number };
  repository: { name: string; owner: { login: string } };
  release: { tag_name: string; draft: boolean };
};

async function load() {
  const probot = testProbot();
  const bot = createAdvisoryBot({
    settings: { dryRun: false, sweepIntervalMinutes: 0, sweepToken: undefined },
    now: () => new Date("2026-11-20T10:00:00Z"),
  });
  await probot.load((app) => bot.app(app, { cwd: process.cwd(), addHandler: () => {} }));
  return probot;
}

describe("release.published (nock)", () => {
  it("a release that fixes no draft costs one list request and writes nothing", async () => {
    const probot = await load();
    const { owner, name } = { owner: fixture.repository.owner.login, name: fixture.repository.name };
    const scope = nock(API)
      .post(`/app/installations/${fixture.installation.id}/access_tokens`)
      .reply(201, { token: "ghs_test", expires_at: "2099-01-01T00:00:00Z", permissions: {} })
      .get(`/repos/${owner}/${name}/security-advisories`)
      .query({ state: "draft", per_page: "100" })
      .reply(200, []);
    const unmatched: string[] = [];
    const onNoMatch = (req: { method?: string; path?: string }) => unmatched.push(`${req.method} ${req.path}`);
    nock.emitter.on("no match", onNoMatch);
    // A full release is looked at on \`released\`, which GitHub sends with \`published\`.
    await probot.receive({ id: "d-1", name: "release", payload: { ...fixture, action: "released" } as never });
    nock.emitter.off("no match", onNoMatch);
    expect(unmatched).toEqual([]); // nothing else was read or written
    expect(scope.isDone()).toBe(true);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("a draft release is ignored without a request", async () => {
    const probot = await load();
    const scope = nock(API).get(/.*/).reply(500);
    await probot.receive({
      id: "d-2",
      name: "release",
      payload: { ...fixture, release: { ...fixture.release, draft: true } } as never,
    });
    expect(scope.isDone()).toBe(false);
  });

  it("a full release's `published` costs no request: it is looked at once, on `released`", async () => {
    const probot = await load();
    const scope = nock(API).get(/.*/).reply(500);
    await probot.receive({ id: "d-3", name: "release", payload: fixture as never });
    expect(scope.isDone()).toBe(false);
  });
});
