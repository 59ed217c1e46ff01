/**
 * The publish gate against GitHub's answers (nock): it re-reads the advisory and the releases, and
 * only then sends `state: published`. Every test states the requests it expects; a request the gate
 * should not make fails the test (no mock answers it).
 */
import nock from "nock";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { configSchema } from "../../src/config/schema.js";
import { deriveStateKey } from "../../src/domain/tracking.js";
import type { RunContext } from "../../src/workflows/org-view.js";
import { type PublishTarget, publishGate } from "../../src/workflows/publish.js";
import { testOctokit } from "../helpers/probot.js";

const API = "https://api.github.com";
const ORG = "oras-project";
const COMPLETE = "### Impact\nCrafted input.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade to 2.6.1.\n";

function ctx(dryRun = false): RunContext {
  return {
    octokit: testOctokit() as unknown as RunContext["octokit"],
    log: pino({ level: "silent" }),
    org: ORG,
    now: new Date("2026-11-20T10:00:00Z"),
    dryRun,
    botLogin: "oras-advisory-bot[bot]",
    stateKey: deriveStateKey("test-secret"),
  };
}

function advisory(repo: string, ghsa: string, patched: string, extra: Record<string, unknown> = {}) {
  return {
    ghsa_id: ghsa,
    state: "draft",
    summary: "A flaw",
    description: COMPLETE,
    severity: "high",
    created_at: "2026-11-01T00:00:00Z",
    html_url: `https://github.com/${ORG}/${repo}/security/advisories/${ghsa}`,
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: `oras.land/${repo}` },
        vulnerable_version_range: `< ${patched}`,
        patched_versions: patched,
        vulnerable_functions: [],
      },
    ],
    ...extra,
  };
}

function release(tag: string, extra: Record<string, unknown> = {}) {
  return {
    id: 1,
    tag_name: tag,
    draft: false,
    prerelease: false,
    body: "",
    published_at: "2026-11-19T00:00:00Z",
    ...extra,
  };
}

const GO: PublishTarget = { owner: ORG, repo: "oras-go", ghsa: "GHSA-2345-6789-cfgh" };
const CLI: PublishTarget = { owner: ORG, repo: "oras", ghsa: "GHSA-cfgh-2345-6789" };
const config = (publish: Record<string, unknown> = {}) => configSchema.parse({ publish });

function reads(target: PublishTarget, body: object, releases: object[]) {
  return nock(API)
    .get(`/repos/${target.owner}/${target.repo}/security-advisories/${target.ghsa}`)
    .reply(200, body)
    .get(`/repos/${target.owner}/${target.repo}/releases`)
    .query(true)
    .reply(200, releases);
}

describe("publish gate", () => {
  it("publishes when GitHub says the fixing release is out, sending state: published once", async () => {
    const scope = reads(GO, advisory("oras-go", GO.ghsa, "2.6.1"), [release("v2.6.1")]);
    let sent: unknown;
    const publish = nock(API)
      .patch(`/repos/${ORG}/oras-go/security-advisories/${GO.ghsa}`, (body) => {
        sent = body;
        return true;
      })
      .reply(200, { ...advisory("oras-go", GO.ghsa, "2.6.1"), state: "published" });
    const outcome = await publishGate(ctx(), GO, config(), null);
    expect(outcome.kind).toBe("published");
    expect(outcome.kind === "published" && outcome.fixingReleases.map((r) => r.tag_name)).toEqual(["v2.6.1"]);
    expect(sent).toEqual({ state: "published" });
    expect(scope.isDone() && publish.isDone()).toBe(true);
  });

  it("acts on the advisory GitHub answers now: a patched version changed since the caller looked waits", async () => {
    reads(GO, advisory("oras-go", GO.ghsa, "2.6.2"), [release("v2.6.1")]);
    const outcome = await publishGate(ctx(), GO, config(), null);
    expect(outcome).toMatchObject({ kind: "waiting", missing: ["2.6.2"] });
  });

  it("a hold blocks it; a release older than the advisory waits unless the security team confirms", async () => {
    reads(GO, advisory("oras-go", GO.ghsa, "2.6.1"), [release("v2.6.1")]);
    const held = await publishGate(ctx(), GO, config(), { reason: "embargo" });
    expect(held.kind === "blocked" && held.problems.map((p) => p.code)).toEqual(["on-hold"]);

    const early = advisory("oras-go", GO.ghsa, "2.6.1", { created_at: "2026-11-19T12:00:00Z" });
    reads(GO, early, [release("v2.6.1")]);
    const unconfirmed = await publishGate(ctx(), GO, config(), null);
    expect(unconfirmed.kind === "blocked" && unconfirmed.problems.map((p) => p.code)).toEqual([
      "release-predates-advisory",
    ]);
    reads(GO, early, [release("v2.6.1")]);
    nock(API)
      .patch(`/repos/${ORG}/oras-go/security-advisories/${GO.ghsa}`)
      .reply(200, { ...early, state: "published" });
    const confirmed = await publishGate(ctx(), GO, config(), null, [], { securityTeamConfirmed: true });
    expect(confirmed.kind).toBe("published");
  });

  it("publish.together: a sibling whose release is not out keeps it waiting, and nothing is published", async () => {
    reads(GO, advisory("oras-go", GO.ghsa, "2.6.1"), [release("v2.6.1")]);
    reads(CLI, advisory("oras", CLI.ghsa, "1.3.1"), [release("v1.3.0")]);
    const outcome = await publishGate(ctx(), GO, config({ together: true }), null, [CLI]);
    expect(outcome).toMatchObject({ kind: "waiting-for-sibling", siblings: [`${CLI.ghsa} in ${ORG}/oras`] });
  });

  it("publish.together: the sibling's own authority and hold apply to it as well", async () => {
    reads(GO, advisory("oras-go", GO.ghsa, "2.6.1"), [release("v2.6.1")]);
    reads(CLI, advisory("oras", CLI.ghsa, "1.3.1", { created_at: "2026-11-19T12:00:00Z" }), [release("v1.3.1")]);
    const outcome = await publishGate(ctx(), GO, config({ together: true }), null, [CLI]);
    expect(outcome.kind).toBe("waiting-for-sibling");
  });

  it("publish.together: a published, closed or withdrawn sibling holds nobody back", async () => {
    for (const state of ["published", "closed", "withdrawn"]) {
      reads(GO, advisory("oras-go", GO.ghsa, "2.6.1"), [release("v2.6.1")]);
      nock(API)
        .get(`/repos/${ORG}/oras/security-advisories/${CLI.ghsa}`)
        .reply(200, advisory("oras", CLI.ghsa, "1.3.1", { state }));
      nock(API)
        .patch(`/repos/${ORG}/oras-go/security-advisories/${GO.ghsa}`)
        .reply(200, { ...advisory("oras-go", GO.ghsa, "2.6.1"), state: "published" });
      const outcome = await publishGate(ctx(), GO, config({ together: true }), null, [CLI]);
      expect(outcome.kind, state).toBe("published");
      expect(nock.pendingMocks(), state).toEqual([]);
    }
  });

  it("publish.together: a ready sibling lets it publish", async () => {
    reads(GO, advisory("oras-go", GO.ghsa, "2.6.1"), [release("v2.6.1")]);
    reads(CLI, advisory("oras", CLI.ghsa, "1.3.1"), [release("v1.3.1")]);
    nock(API)
      .patch(`/repos/${ORG}/oras-go/security-advisories/${GO.ghsa}`)
      .reply(200, { ...advisory("oras-go", GO.ghsa, "2.6.1"), state: "published" });
    const outcome = await publishGate(ctx(), GO, config({ together: true }), null, [CLI]);
    expect(outcome.kind).toBe("published");
  });

  it("a publication GitHub refuses is reported, not thrown", async () => {
    reads(GO, advisory("oras-go", GO.ghsa, "2.6.1"), [release("v2.6.1")]);
    nock(API)
      .patch(`/repos/${ORG}/oras-go/security-advisories/${GO.ghsa}`)
      .reply(422, { message: "Validation Failed" });
    const outcome = await publishGate(ctx(), GO, config(), null);
    expect(outcome.kind).toBe("refused");
    expect(outcome.kind === "refused" && outcome.message).toContain("Validation Failed");
  });

  it("in a dry run nothing is sent, and the outcome shows the advisory as it would be", async () => {
    reads(GO, advisory("oras-go", GO.ghsa, "2.6.1"), [release("v2.6.1")]);
    const outcome = await publishGate(ctx(true), GO, config(), null);
    expect(outcome.kind === "published" && outcome.advisory.state).toBe("published");
  });
});
