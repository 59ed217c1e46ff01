import { Octokit } from "@octokit/rest";
import { afterEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../src/sim/index.js";
import { checkConformance, checkRest } from "../helpers/conformance.js";
import { startWebhookReceiver } from "../helpers/sim-webhooks.js";
import { FAKE_JWT, installationOctokit, ORG, quietLog, seededSimulator } from "./seed.js";

const VULN = {
  package: { ecosystem: "go" as const, name: "oras.land/oras-go/v2" },
  vulnerable_version_range: "< 2.6.1",
  patched_versions: "2.6.1",
  vulnerable_functions: [] as string[],
};

const sims: Simulator[] = [];
async function setup(options: Parameters<typeof seededSimulator>[0] = {}, perms?: Record<string, string>) {
  const { sim, installationId } = await seededSimulator(options, perms ? { permissions: perms } : {});
  sims.push(sim);
  const octokit = await installationOctokit(sim, installationId);
  return { sim, installationId, octokit };
}
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.close()));
});

async function draft(octokit: Octokit, extra: Record<string, unknown> = {}) {
  const { data } = await octokit.rest.securityAdvisories.createRepositoryAdvisory({
    owner: ORG,
    repo: "oras-go",
    summary: "Path traversal",
    description: "Impact, patches",
    severity: "high",
    vulnerabilities: [VULN],
    ...extra,
  });
  return data.ghsa_id;
}

/** Untyped request, for deliberately wrong parameters. */
const loose = (octokit: Octokit) => octokit.request as unknown as (route: string, params: object) => Promise<unknown>;

const status = (p: Promise<unknown>) =>
  p.then(
    () => 200,
    (e: { status?: number }) => e.status ?? -1,
  );

describe("simulator: repository security advisory semantics", () => {
  it("PATCH arrays replace; collaborators come back as full user and team objects", async () => {
    const { octokit } = await setup();
    const ghsa_id = await draft(octokit);
    const base = { owner: ORG, repo: "oras-go", ghsa_id };
    await octokit.rest.securityAdvisories.updateRepositoryAdvisory({
      ...base,
      collaborating_users: ["qweeah", "sajay"],
      collaborating_teams: ["security"],
    });
    const { data } = await octokit.rest.securityAdvisories.updateRepositoryAdvisory({
      ...base,
      collaborating_users: ["shizhMSFT"],
    });
    expect(data.collaborating_users?.map((u) => u.login)).toEqual(["shizhmsft"]);
    expect(data.collaborating_teams?.map((t) => t.slug)).toEqual(["security"]);
    const cleared = await octokit.rest.securityAdvisories.updateRepositoryAdvisory({
      ...base,
      collaborating_teams: [],
    });
    expect(cleared.data.collaborating_teams).toEqual([]);
    expect(
      await status(
        octokit.rest.securityAdvisories.updateRepositoryAdvisory({ ...base, collaborating_users: ["ghost-user"] }),
      ),
    ).toBe(422);
  });

  it("state machine: triage→draft accepts, publish sets published_at and deletes the fork, published→draft is 422", async () => {
    const { sim, octokit } = await setup();
    const { ghsa_id } = await sim.reportVulnerability(ORG, "oras-go", {
      reporter: "reporter1",
      summary: "Report",
      description: "Details",
      vulnerabilities: [VULN],
    });
    const base = { owner: ORG, repo: "oras-go", ghsa_id };
    const reported = await octokit.rest.securityAdvisories.getRepositoryAdvisory(base);
    expect(reported.data).toMatchObject({
      state: "triage",
      submission: { accepted: false },
      author: { login: "reporter1" },
    });
    const accepted = await octokit.rest.securityAdvisories.updateRepositoryAdvisory({ ...base, state: "draft" });
    expect(accepted.data.submission).toEqual({ accepted: true });
    expect(accepted.data.updated_at! > reported.data.updated_at!).toBe(true);

    await octokit.rest.securityAdvisories.createFork(base);
    sim.tick();
    const withFork = await octokit.rest.securityAdvisories.getRepositoryAdvisory(base);
    expect(withFork.data.private_fork?.name).toBe(`oras-go-${ghsa_id.toLowerCase()}`);
    const published = await octokit.rest.securityAdvisories.updateRepositoryAdvisory({ ...base, state: "published" });
    expect(published.data.state).toBe("published");
    expect(published.data.published_at).toEqual(expect.any(String));
    expect(published.data.private_fork).toBeNull();
    expect(published.data.publisher?.login).toBe("oras-advisory-bot[bot]");
    expect(await status(octokit.rest.securityAdvisories.updateRepositoryAdvisory({ ...base, state: "draft" }))).toBe(
      422,
    );
    expect(
      await status(
        loose(octokit)("PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}", { ...base, state: "withdrawn" }),
      ),
    ).toBe(422);
    await sim.idle();
    expect(sim.deliveries.map((d) => `${d.event}.${d.action}`)).toEqual([
      "repository_advisory.reported",
      "repository_advisory.published",
    ]);
  });

  it("severity and CVSS are exclusive; severity cannot change while a vector is set", async () => {
    const { octokit } = await setup();
    const vector = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    expect(await status(draft(octokit, { cvss_vector_string: vector }))).toBe(422);
    const ghsa_id = await draft(octokit, { severity: undefined, cvss_vector_string: vector });
    const base = { owner: ORG, repo: "oras-go", ghsa_id };
    const got = await octokit.rest.securityAdvisories.getRepositoryAdvisory(base);
    expect(got.data).toMatchObject({ severity: "critical", cvss: { vector_string: vector, score: 9.8 } });
    expect(await status(octokit.rest.securityAdvisories.updateRepositoryAdvisory({ ...base, severity: "low" }))).toBe(
      422,
    );
    const cleared = await octokit.rest.securityAdvisories.updateRepositoryAdvisory({
      ...base,
      cvss_vector_string: null,
      severity: "low",
    });
    expect(cleared.data.severity).toBe("low");
  });

  it("create: unknown keys, missing fields and private repositories are refused", async () => {
    const { octokit } = await setup();
    const create = (body: Record<string, unknown>, repo = "oras-go") =>
      status(loose(octokit)("POST /repos/{owner}/{repo}/security-advisories", { owner: ORG, repo, ...body }));
    expect(await create({ summary: "s", description: "d", vulnerabilities: [VULN], bogus: 1 })).toBe(422);
    expect(await create({ summary: "s", description: "d" })).toBe(422);
    expect(await create({ summary: "s", description: "d", vulnerabilities: [VULN] }, "security-response")).toBe(422);
    expect(await create({ summary: "s", description: "d", vulnerabilities: [VULN], start_private_fork: true })).toBe(
      200,
    );
  });

  it("the private fork appears asynchronously; a second request is 422; CVE only for public repos", async () => {
    const { octokit } = await setup();
    const ghsa_id = await draft(octokit);
    const base = { owner: ORG, repo: "oras-go", ghsa_id };
    const fork = await octokit.rest.securityAdvisories.createFork(base);
    expect(fork.status).toBe(202);
    expect(fork.data.full_name).toBe(`${ORG}/oras-go-${ghsa_id.toLowerCase()}`);
    expect(fork.data.private).toBe(true);
    const first = await octokit.rest.securityAdvisories.getRepositoryAdvisory(base);
    expect(first.data.private_fork).toBeNull();
    expect(await status(octokit.rest.securityAdvisories.createFork(base))).toBe(422);
    const second = await octokit.rest.securityAdvisories.getRepositoryAdvisory(base);
    expect(second.data.private_fork?.full_name).toBe(`${ORG}/oras-go-${ghsa_id.toLowerCase()}`);
    // integrations cannot access the temporary private fork
    expect(await status(octokit.rest.repos.get({ owner: ORG, repo: `oras-go-${ghsa_id.toLowerCase()}` }))).toBe(404);
    expect((await octokit.rest.securityAdvisories.createRepositoryAdvisoryCveRequest(base)).status).toBe(202);
    expect(await status(octokit.rest.securityAdvisories.createRepositoryAdvisoryCveRequest(base))).toBe(422);
  });

  it("fork needs administration:write (403 otherwise)", async () => {
    const { octokit } = await setup({}, { repository_advisories: "write", metadata: "read", issues: "write" });
    const ghsa_id = await draft(octokit);
    const err = await octokit.rest.securityAdvisories
      .createFork({ owner: ORG, repo: "oras-go", ghsa_id })
      .catch((e) => e);
    expect(err.status).toBe(403);
    expect(err.response.data.message).toBe("Resource not accessible by integration");
  });

  it("cursor pagination over 250 advisories with per_page 100 returns each exactly once", async () => {
    const { sim, octokit } = await setup();
    for (let i = 0; i < 250; i++) {
      sim.createAdvisoryByHand(ORG, i % 2 ? "oras-go" : "oras", "sajay", { summary: `A${i}`, description: "d" });
    }
    sim.resetRequests();
    const all = await octokit.paginate(octokit.rest.securityAdvisories.listOrgRepositoryAdvisories, {
      org: ORG,
      per_page: 100,
    });
    expect(all).toHaveLength(250);
    expect(new Set(all.map((a) => a.ghsa_id)).size).toBe(250);
    expect(sim.requests.map((r) => r.query.after !== undefined)).toEqual([false, true, true]);
    expect(sim.requests.every((r) => r.query.page === undefined)).toBe(true);
    const repoOnly = await octokit.paginate(octokit.rest.securityAdvisories.listRepositoryAdvisories, {
      owner: ORG,
      repo: "oras-go",
      per_page: 100,
      direction: "asc",
      sort: "created",
    });
    expect(repoOnly.map((a) => a.summary)).toEqual(Array.from({ length: 125 }, (_, k) => `A${2 * k + 1}`));
  });
});

describe("simulator: HTTP behaviour", () => {
  it("ETag + If-None-Match gives 304, counted separately; rate-limit headers on every response", async () => {
    const { sim, octokit } = await setup();
    const first = await octokit.rest.repos.get({ owner: ORG, repo: "oras-go" });
    expect(first.headers.etag).toBeDefined();
    expect(first.headers["x-ratelimit-limit"]).toBe("5000");
    expect(first.headers["x-ratelimit-resource"]).toBe("core");
    const second = await status(
      octokit.rest.repos.get({ owner: ORG, repo: "oras-go", headers: { "if-none-match": first.headers.etag! } }),
    );
    expect(second).toBe(304);
    expect(sim.counts().notModified).toBe(1);
    const last = sim.requests.at(-1)!;
    expect(last.response.headers["x-ratelimit-used"]).toBe(first.headers["x-ratelimit-used"]);
  });

  it("unknown tokens get 401; unknown routes are recorded", async () => {
    const { sim } = await setup();
    const bad = new Octokit({ baseUrl: sim.url, auth: "ghs_unknown", log: quietLog });
    expect(await status(bad.rest.repos.get({ owner: ORG, repo: "oras-go" }))).toBe(401);
    expect(sim.unknownRoutes).toHaveLength(0);
    expect(await status(bad.request("GET /repos/{owner}/{repo}/branches", { owner: ORG, repo: "oras-go" }))).toBe(404);
    expect(sim.unknownRoutes.map((r) => r.path)).toEqual([`/repos/${ORG}/oras-go/branches`]);
    expect(sim.requests[0]!.headers.authorization).toBe("[redacted]");
  });

  it("faults are deterministic per seed and never hit the token route", async () => {
    const run = async (seed: number) => {
      const { sim, installationId } = await seededSimulator({
        seed,
        faults: { rate: 0.5, kinds: ["5xx", "secondary-rate-limit", "slow"], slowMs: 5 },
      });
      sims.push(sim);
      const octokit = await installationOctokit(sim, installationId);
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push(await status(octokit.rest.repos.get({ owner: ORG, repo: "oras" })));
      const limited = sim.requests.find((r) => r.fault === "secondary-rate-limit");
      return { out, limited, faults: sim.requests.map((r) => r.fault) };
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a.faults).toEqual(b.faults);
    expect(a.out).toEqual(b.out);
    expect(a.faults).not.toEqual(c.faults);
    expect(a.out).toContain(502);
    expect(a.out).toContain(403);
    expect(a.limited?.response.headers["retry-after"]).toBe("1");
    expect(String((a.limited?.response.body as { message?: string } | undefined)?.message)).toMatch(
      /secondary rate limit/,
    );
    const sim = sims.at(-1)!;
    sim.setFaults({ rate: 1, kinds: ["5xx"] });
    const app = new Octokit({ baseUrl: sim.url, auth: FAKE_JWT, log: quietLog });
    const inst = [...sim.world.installations.keys()][0]!;
    expect((await app.rest.apps.createInstallationAccessToken({ installation_id: inst })).status).toBe(201);
    sim.setFaults(null);
  });

  it("dropped webhooks are recorded but not sent; redelivery reuses the delivery id", async () => {
    const receiver = await startWebhookReceiver();
    const { sim } = await setup({
      webhook: { url: receiver.url, secret: receiver.secret },
      faults: { rate: 0, kinds: [], dropWebhooks: 1 },
    });
    const dropped = await sim.openIssue(ORG, "oras", "reporter1", { title: "t" });
    expect(dropped.status).toBe(0);
    expect(receiver.received).toHaveLength(0);
    sim.setFaults(null);
    const again = await sim.redeliver(dropped.id);
    expect(again).toMatchObject({ id: dropped.id, status: 202 });
    const twice = await sim.redeliver(dropped.id);
    expect(twice.status).toBe(202);
    expect(receiver.received.map((r) => r.delivery)).toEqual([dropped.id, dropped.id]);
    await receiver.close();
  });
});

describe("simulator: GraphQL", () => {
  it("answers unknown fields with a GraphQL errors array", async () => {
    const { sim, octokit } = await setup();
    const err = await octokit
      .graphql(`query { organization(login: "${ORG}") { noSuchField } }`)
      .catch((e: { errors?: { message: string }[] }) => e);
    expect((err as { errors: { message: string }[] }).errors[0]!.message).toMatch(/noSuchField/);
    const res = await fetch(`${sim.url}/graphql`, {
      method: "POST",
      headers: { authorization: `token ${sim.createToken([...sim.world.installations.keys()][0]!)}` },
      body: JSON.stringify({ query: '{ repository(owner: "x", name: "y") { id } }' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { errors: unknown[] }).errors).toHaveLength(1);
    // the documents themselves are valid against GitHub's schema except the deliberate unknown field
    expect(checkConformance(sim.requests).map((v) => v.problem)).toEqual([
      expect.stringMatching(/Cannot query field "noSuchField"/),
    ]);
  });

  it("paginates repositories and team members with cursors", async () => {
    const { sim, octokit } = await setup();
    for (let i = 0; i < 5; i++) sim.world.createRepo(ORG, { name: `extra-${i}` });
    const names: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: {
        organization: {
          repositories: { pageInfo: { hasNextPage: boolean; endCursor: string }; nodes: { name: string }[] };
        };
      } = await octokit.graphql(
        `query($after: String) { organization(login: "${ORG}") { repositories(first: 3, after: $after) {
          pageInfo { hasNextPage endCursor } nodes { name } } } }`,
        { after },
      );
      names.push(...page.organization.repositories.nodes.map((n) => n.name));
      if (!page.organization.repositories.pageInfo.hasNextPage) break;
      after = page.organization.repositories.pageInfo.endCursor;
    }
    expect(names).toHaveLength(9);
    expect(new Set(names).size).toBe(9);
  });
});

describe("conformance helper catches wrong requests", () => {
  it("reports invalid request bodies", async () => {
    const { sim, octokit } = await setup();
    const ghsa_id = await draft(octokit);
    sim.resetRequests();
    const base = { owner: ORG, repo: "oras-go", ghsa_id };
    await status(
      loose(octokit)("PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}", { ...base, severity: "urgent" }),
    );
    await status(
      loose(octokit)("PATCH /repos/{owner}/{repo}/security-advisories/{ghsa_id}", { ...base, colour: "red" }),
    );
    await status(loose(octokit)("POST /repos/{owner}/{repo}/issues", { owner: ORG, repo: "oras", body: "no title" }));
    const problems = checkRest(sim.requests).map((v) => v.problem);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/severity|allowed values/);
    expect(problems[1]).toMatch(/additional/i);
    expect(problems[2]).toMatch(/title/);
    expect(sim.requests.map((r) => r.status)).toEqual([422, 422, 422]);
  });
});
