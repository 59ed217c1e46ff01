import nock from "nock";
import { describe, expect, it } from "vitest";
import type { ConfigResult } from "../../src/config/load.js";
import { type ConfigInput, configSchema } from "../../src/config/schema.js";
import { AUDIT_MARKER } from "../../src/domain/audit-report.js";
import { DASHBOARD_MARKER } from "../../src/domain/dashboard.js";
import type { RepoRosterState } from "../../src/domain/patch-team.js";
import { mergeRosters, parseRoster } from "../../src/domain/rosters.js";
import { deriveStateKey, encodeState, newTrackingState } from "../../src/domain/tracking.js";
import type { RepoSnapshot } from "../../src/github/org.js";
import type { TrackingIssue } from "../../src/github/tracker.js";
import type { Issue, RepositoryAdvisory } from "../../src/github/types.js";
import { reconcileAudit } from "../../src/workflows/audit.js";
import { dashboardBody, reconcileDashboard } from "../../src/workflows/dashboard.js";
import { type OrgView, orgConfig, type RunContext, type Tracker } from "../../src/workflows/org-view.js";
import { capturingLogger } from "../helpers/log.js";
import { testOctokit } from "../helpers/probot.js";

const STATE_KEY = deriveStateKey("a-state-secret-for-tests");

const API = "https://api.github.com";
const ORG = "oras-project";
const TRACKER = "security-response";
const NOW = new Date("2025-06-11T10:00:00Z");
const GO = "GHSA-2345-6789-cfgh";
const CLI = "GHSA-3456-789c-fghj";
const ISSUES = `/repos/${ORG}/${TRACKER}/issues`;

type SimpleUser = NonNullable<RepositoryAdvisory["author"]>;

function user(login: string, id: number): SimpleUser {
  return {
    login,
    id,
    node_id: `U_kgDO${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: "",
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    followers_url: `https://api.github.com/users/${login}/followers`,
    following_url: `https://api.github.com/users/${login}/following{/other_user}`,
    gists_url: `https://api.github.com/users/${login}/gists{/gist_id}`,
    starred_url: `https://api.github.com/users/${login}/starred{/owner}{/repo}`,
    subscriptions_url: `https://api.github.com/users/${login}/subscriptions`,
    organizations_url: `https://api.github.com/users/${login}/orgs`,
    repos_url: `https://api.github.com/users/${login}/repos`,
    events_url: `https://api.github.com/users/${login}/events{/privacy}`,
    received_events_url: `https://api.github.com/users/${login}/received_events`,
    type: "User",
    site_admin: false,
  };
}

const BOT = { ...user("oras-advisory-bot[bot]", 900), type: "Bot" };

/** A repository advisory as `GET /orgs/{org}/security-advisories` returns it. */
function advisory(repo: string, ghsa: string, overrides: Partial<RepositoryAdvisory> = {}): RepositoryAdvisory {
  return {
    ghsa_id: ghsa,
    cve_id: null,
    url: `https://api.github.com/repos/${ORG}/${repo}/security-advisories/${ghsa}`,
    html_url: `https://github.com/${ORG}/${repo}/security/advisories/${ghsa}`,
    summary: "Path traversal when pulling an artifact",
    description: "### Impact\nEmbargoed detail",
    severity: "high",
    author: user("reporter", 1),
    publisher: null,
    identifiers: [{ type: "GHSA", value: ghsa }],
    state: "draft",
    created_at: "2025-06-02T09:00:00Z",
    updated_at: "2025-06-03T09:00:00Z",
    published_at: null,
    closed_at: null,
    withdrawn_at: null,
    submission: { accepted: true },
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: `oras.land/${repo}` },
        vulnerable_version_range: null,
        patched_versions: null,
        vulnerable_functions: null,
      },
    ],
    cvss: null,
    cwes: null,
    cwe_ids: null,
    credits: null,
    credits_detailed: null,
    collaborating_users: [user("ada", 2), user("carol", 3)],
    collaborating_teams: null,
    private_fork: null,
    ...overrides,
  };
}

/** An issue of the tracker repository as the REST API returns it. */
function issue(number: number, label: string, title: string, body: string, state: "open" | "closed" = "open"): Issue {
  return {
    id: 2_000_000 + number,
    node_id: `I_kwDOtracker${number}`,
    url: `https://api.github.com/repos/${ORG}/${TRACKER}/issues/${number}`,
    repository_url: `https://api.github.com/repos/${ORG}/${TRACKER}`,
    labels_url: `https://api.github.com/repos/${ORG}/${TRACKER}/issues/${number}/labels{/name}`,
    comments_url: `https://api.github.com/repos/${ORG}/${TRACKER}/issues/${number}/comments`,
    events_url: `https://api.github.com/repos/${ORG}/${TRACKER}/issues/${number}/events`,
    html_url: `https://github.com/${ORG}/${TRACKER}/issues/${number}`,
    number,
    state,
    state_reason: state === "closed" ? "completed" : null,
    title,
    body,
    user: BOT,
    labels: [
      {
        id: 7_000_001,
        node_id: "LA_kwDOlabel",
        url: `https://api.github.com/repos/${ORG}/${TRACKER}/labels/${label}`,
        name: label,
        description: null,
        color: "ededed",
        default: false,
      },
    ],
    assignee: null,
    assignees: [],
    milestone: null,
    locked: false,
    active_lock_reason: null,
    comments: 0,
    closed_at: state === "closed" ? "2025-06-05T09:00:00Z" : null,
    created_at: "2025-06-01T09:00:00Z",
    updated_at: "2025-06-05T09:00:00Z",
    author_association: "NONE",
  };
}

function roster(name: string, owners: string, archived = false): RepoRosterState {
  return { name, archived, roster: mergeRosters([parseRoster("OWNERS.md", owners)]) };
}

function snapshot(name: string, isPrivate = false): RepoSnapshot {
  return {
    id: `R_${name}`,
    name,
    archived: false,
    private: isPrivate,
    visibility: isPrivate ? "private" : "public",
    files: {},
    config: null,
    releases: [],
  };
}

interface ViewOptions {
  config?: ConfigInput;
  advisories?: RepositoryAdvisory[];
  team?: string[] | null;
  trackerIssues?: TrackingIssue[];
  trackerProblem?: string | null;
}

function view(options: ViewOptions = {}): OrgView {
  const config = configSchema.parse(
    options.config ?? { securityTeam: { team: "security" }, tracker: { repo: TRACKER } },
  );
  const configs = new Map<string, ConfigResult>([
    [".github", { ok: true, config, files: [`${ORG}/.github:.github/advisory-bot.yml`] }],
    [
      "oras-py",
      {
        ok: false,
        error: {
          repository: `${ORG}/oras-py`,
          files: [`${ORG}/oras-py:.github/advisory-bot.yml`],
          problems: [{ path: "publish.waitFor", message: 'Invalid option: expected one of "all"|"any"' }],
        },
      },
    ],
  ]);
  const tracker: Tracker = {
    repo: TRACKER,
    problem: options.trackerProblem ?? null,
    issues: options.trackerIssues ?? [],
    byGhsa: new Map(),
    duplicates: new Map(),
  };
  return {
    org: ORG,
    repos: [snapshot(".github"), snapshot("oras"), snapshot("oras-go"), snapshot(TRACKER, true)],
    rosters: [
      roster("oras-go", "Owners:\n  - Ada (@ada)\n\nEmeritus:\n  - Carol Former (@carol)\n"),
      roster("oras", "Owners:\n  - Olga (@olga)\n\nEmeritus:\n  - Carol Former (@carol)\n"),
    ],
    rosterWarnings: [{ file: "oras/OWNERS.md", line: 4, text: "- Someone", reason: "no GitHub handle" }],
    configs,
    advisories: options.advisories ?? [advisory("oras-go", GO)],
    trackers: new Map([[TRACKER, tracker]]),
    teams: new Map([["security", options.team === undefined ? ["ada", "carol"] : options.team]]),
  };
}

async function context(dryRun = false): Promise<{ ctx: RunContext; lines: () => string[] }> {
  const { log, lines } = await capturingLogger();
  return {
    ctx: {
      octokit: testOctokit(),
      log,
      org: ORG,
      now: NOW,
      dryRun,
      botLogin: "oras-advisory-bot[bot]",
      stateKey: STATE_KEY,
    },
    lines,
  };
}

/** Interceptors for any write: none of them may be used. */
function forbidWrites() {
  return nock(API).post(/.*/).reply(500, {}).patch(/.*/).reply(500, {}).delete(/.*/).reply(500, {});
}

function listIssues(label: string, state: "open" | "all", issues: Issue[]) {
  return nock(API).get(ISSUES).query({ labels: label, state, per_page: "100" }).reply(200, issues);
}

function orgMembers(members: Record<string, boolean>) {
  const scope = nock(API);
  for (const [login, member] of Object.entries(members))
    scope.get(`/orgs/${ORG}/members/${login}`).reply(member ? 204 : 404, member ? undefined : { message: "Not Found" });
  return scope;
}

describe("dashboard issue", () => {
  it("is created and pinned once when the tracker has none", async () => {
    const { ctx } = await context();
    const bodies: Record<string, unknown>[] = [];
    listIssues("advisory-dashboard", "open", []);
    nock(API)
      .post(ISSUES, (b) => bodies.push(b) > 0)
      .reply(201, issue(5, "advisory-dashboard", "Security advisories dashboard", ""))
      .post("/graphql", (b) => bodies.push(b) > 0)
      .reply(200, { data: { pinIssue: { issue: { number: 5 } } } });

    const result = await reconcileDashboard(ctx, view());

    expect(result).toEqual({ writes: 2 });
    expect(nock.isDone()).toBe(true);
    const [created, pinned] = bodies;
    expect(created).toMatchObject({ title: "Security advisories dashboard", labels: ["advisory-dashboard"] });
    const body = String(created?.body);
    expect(body).toContain(
      `| oras-project/oras-go | [${GO}](https://github.com/${ORG}/oras-go/security/advisories/${GO}) | high | 7 | draft | 2 | no | — | — | — |`,
    );
    expect(body).toContain("Invalid configuration for oras-project/oras-py");
    expect(body).toContain("- `oras/OWNERS.md:4` no GitHub handle: `- Someone`");
    expect(body.endsWith(DASHBOARD_MARKER)).toBe(true);
    expect(body).not.toContain("Embargoed detail");
    expect(pinned?.query).toMatch(/pinIssue\(input: \{ issueId: \$issueId \}\)/);
    expect(pinned?.variables).toEqual({ issueId: "I_kwDOtracker5" });
  });

  it("is not edited when nothing changed (zero writes)", async () => {
    const { ctx } = await context();
    const current = view();
    const body = dashboardBody(ctx, current);
    listIssues("advisory-dashboard", "open", [
      issue(8, "advisory-dashboard", "Security advisories dashboard", body.replace(/\n/g, "\r\n")),
      issue(5, "advisory-dashboard", "Security advisories dashboard", body),
    ]);
    const writes = forbidWrites();

    expect(await reconcileDashboard(ctx, current)).toEqual({ writes: 0 });
    expect(writes.pendingMocks()).toHaveLength(3);
  });

  it("is edited in place when an advisory is added, with the siblings in one row", async () => {
    const { ctx } = await context();
    const before = dashboardBody(ctx, view());
    const tracking = newTrackingState(
      [
        { repo: `${ORG}/oras-go`, ghsa: GO },
        { repo: `${ORG}/oras`, ghsa: CLI },
      ],
      NOW,
    );
    const after = view({
      advisories: [advisory("oras-go", GO), advisory("oras", CLI, { created_at: "2025-06-10T09:00:00Z" })],
      trackerIssues: [
        {
          number: 3,
          nodeId: "I_kwDOtracker3",
          title: `[${GO}] Security advisory in ${ORG}/oras-go`,
          body: encodeState(tracking, STATE_KEY),
          open: true,
          byApp: true,
          stateComment: null,
          tracking,
          unverified: null,
        },
      ],
    });
    const bodies: Record<string, unknown>[] = [];
    listIssues("advisory-dashboard", "open", [issue(5, "advisory-dashboard", "Security advisories dashboard", before)]);
    nock(API)
      .patch(`${ISSUES}/5`, (b) => bodies.push(b) > 0)
      .reply(200, issue(5, "advisory-dashboard", "Security advisories dashboard", "updated"));

    expect(
      await reconcileDashboard(
        ctx,
        after,
        new Map([[CLI.toLowerCase(), { fixingRelease: null, blockers: ["waiting for oras-go v2.6.1"] }]]),
      ),
    ).toEqual({ writes: 1 });
    expect(nock.isDone()).toBe(true);
    expect(bodies).toHaveLength(1);
    expect(Object.keys(bodies[0] ?? {})).toEqual(["body"]);
    const rows = String(bodies[0]?.body)
      .split("\n")
      .filter((l) => l.startsWith("| oras-project/"));
    expect(rows).toEqual([
      `| oras-project/oras, oras-project/oras-go | [${CLI}](https://github.com/${ORG}/oras/security/advisories/${CLI}), [${GO}](https://github.com/${ORG}/oras-go/security/advisories/${GO}) | high | 7 | draft | 2 | no | — | — | waiting for oras-go v2.6.1 |`,
    ]);
  });

  it("is not written when the tracker repository is public, and the problem is logged", async () => {
    const { ctx, lines } = await context();
    const problem = `tracker repository ${ORG}/${TRACKER} is public; tracking issues need a private repository`;
    const scope = nock(API).get(/.*/).reply(200, []);
    const writes = forbidWrites();

    expect(await reconcileDashboard(ctx, view({ trackerProblem: problem }))).toEqual({ writes: 0 });
    expect(scope.isDone()).toBe(false);
    expect(writes.pendingMocks()).toHaveLength(3);
    const warning = lines()
      .map((l) => JSON.parse(l) as { level: number | string; problem?: string })
      .find((l) => l.problem !== undefined);
    expect(warning?.problem).toBe(problem);
  });

  it("is not written when no tracker is configured", async () => {
    const { ctx } = await context();
    const scope = nock(API).get(/.*/).reply(200, []);
    forbidWrites();
    expect(await reconcileDashboard(ctx, view({ config: { securityTeam: { team: "security" } } }))).toEqual({
      writes: 0,
    });
    expect(scope.isDone()).toBe(false);
  });
});

describe("security-team audit issue", () => {
  it("lists a member who is emeritus everywhere on a new pinned issue", async () => {
    const { ctx } = await context();
    const bodies: Record<string, unknown>[] = [];
    listIssues("advisory-audit", "all", []);
    nock(API)
      .post(ISSUES, (b) => bodies.push(b) > 0)
      .reply(201, issue(9, "advisory-audit", "Security team audit", ""))
      .post("/graphql", (b) => bodies.push(b) > 0)
      .reply(200, { data: { pinIssue: { issue: { number: 9 } } } });

    const result = await reconcileAudit(ctx, view());

    expect(result.writes).toBe(2);
    expect(result.findings).toEqual([
      {
        login: "carol",
        problem: "not-active-maintainer",
        detail: "emeritus in oras, oras-go; not an active maintainer of any active repository",
      },
    ]);
    expect(nock.isDone()).toBe(true);
    expect(bodies[0]).toMatchObject({ title: "Security team audit", labels: ["advisory-audit"] });
    const body = String(bodies[0]?.body);
    expect(body).toContain(
      "| `@carol` | emeritus in oras, oras-go; not an active maintainer of any active repository | Remove them from `@oras-project/security`, or set `securityTeam.enforce: true` to let the app do it. |",
    );
    expect(body).not.toContain("`@ada`");
    expect(body.endsWith(AUDIT_MARKER)).toBe(true);
    expect(bodies[1]).toMatchObject({ variables: { issueId: "I_kwDOtracker9" } });
  });

  it("flags a member listed in the configuration who is not in the organization; team members are not asked about", async () => {
    const { ctx } = await context();
    const checks = orgMembers({ olga: false });
    listIssues("advisory-audit", "all", []);
    nock(API)
      .post(ISSUES)
      .reply(201, issue(9, "advisory-audit", "Security team audit", ""))
      .post("/graphql")
      .reply(200, { data: {} });
    const result = await reconcileAudit(
      ctx,
      view({ config: { securityTeam: { team: "security", members: ["olga"] }, tracker: { repo: TRACKER } } }),
    );
    expect(checks.isDone()).toBe(true);
    expect(result.findings.map((f) => [f.login, f.problem])).toEqual([
      ["carol", "not-active-maintainer"],
      ["olga", "not-org-member"],
    ]);
  });

  it("with enforcement removes the violator from the team and says so on the existing issue", async () => {
    const { ctx } = await context();
    const bodies: Record<string, unknown>[] = [];
    orgMembers({ olga: true }); // listed in the configuration; team members are org members by definition
    listIssues("advisory-audit", "all", [issue(9, "advisory-audit", "Security team audit", "old audit")]);
    const removal = nock(API).delete(`/orgs/${ORG}/teams/security/memberships/carol`).reply(204);
    nock(API)
      .patch(`${ISSUES}/9`, (b) => bodies.push(b) > 0)
      .reply(200, issue(9, "advisory-audit", "Security team audit", "new"));

    const result = await reconcileAudit(
      ctx,
      view({
        config: { securityTeam: { team: "security", enforce: true, members: ["olga"] }, tracker: { repo: TRACKER } },
      }),
    );

    expect(removal.isDone()).toBe(true);
    expect(nock.isDone()).toBe(true);
    expect(result.writes).toBe(2);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).not.toHaveProperty("state");
    expect(String(bodies[0]?.body)).toContain("| Removed from `@oras-project/security` by the app. |");
  });

  it("when GitHub refuses the removal (403), the issue names the permission to grant", async () => {
    const { ctx } = await context();
    const bodies: Record<string, unknown>[] = [];
    listIssues("advisory-audit", "all", [issue(9, "advisory-audit", "Security team audit", "old audit")]);
    nock(API)
      .delete(`/orgs/${ORG}/teams/security/memberships/carol`)
      .reply(403, { message: "Resource not accessible by integration" })
      .patch(`${ISSUES}/9`, (b) => bodies.push(b) > 0)
      .reply(200, issue(9, "advisory-audit", "Security team audit", "new"));

    const result = await reconcileAudit(
      ctx,
      view({ config: { securityTeam: { team: "security", enforce: true }, tracker: { repo: TRACKER } } }),
    );

    expect(result.writes).toBe(1);
    expect(String(bodies[0]?.body)).toContain(
      "Grant the GitHub App the **Members** organization permission with **Read and write** access (`members: write`",
    );
  });

  it("closes the issue as completed when the security team is clean", async () => {
    const { ctx } = await context();
    const bodies: Record<string, unknown>[] = [];
    listIssues("advisory-audit", "all", [issue(9, "advisory-audit", "Security team audit", "carol is emeritus")]);
    nock(API)
      .patch(`${ISSUES}/9`, (b) => bodies.push(b) > 0)
      .reply(200, issue(9, "advisory-audit", "Security team audit", "clean", "closed"));

    const result = await reconcileAudit(ctx, view({ team: ["ada"] }));

    expect(result).toEqual({ writes: 1, findings: [] });
    expect(bodies[0]).toMatchObject({ state: "closed", state_reason: "completed" });
    expect(String(bodies[0]?.body)).toContain("## No violations");
  });

  it("reopens a closed audit issue when violations come back, and never opens a second one", async () => {
    const { ctx } = await context();
    const bodies: Record<string, unknown>[] = [];
    listIssues("advisory-audit", "all", [
      issue(12, "advisory-audit", "Security team audit", "clean", "closed"),
      issue(9, "advisory-audit", "Security team audit", "clean", "closed"),
    ]);
    nock(API)
      .patch(`${ISSUES}/9`, (b) => bodies.push(b) > 0)
      .reply(200, issue(9, "advisory-audit", "Security team audit", "reopened"));

    expect((await reconcileAudit(ctx, view())).writes).toBe(1);
    expect(bodies[0]).toMatchObject({ state: "open" });
    expect(String(bodies[0]?.body)).toContain("`@carol`");
  });

  it("creates no audit issue while the security team is clean", async () => {
    const { ctx } = await context();
    const clean = view({ team: ["ada"] });
    listIssues("advisory-audit", "all", []);
    const writes = forbidWrites();
    expect(await reconcileAudit(ctx, clean)).toEqual({ writes: 0, findings: [] });
    expect(writes.pendingMocks()).toHaveLength(3);
  });

  it("writes nothing (and removes nobody) when the tracker repository is public", async () => {
    const { ctx, lines } = await context();
    const problem = `tracker repository ${ORG}/${TRACKER} is public; tracking issues need a private repository`;
    const writes = forbidWrites();
    const result = await reconcileAudit(
      ctx,
      view({
        config: { securityTeam: { team: "security", enforce: true }, tracker: { repo: TRACKER } },
        trackerProblem: problem,
      }),
    );
    expect(result.writes).toBe(0);
    expect(result.findings.map((f) => f.login)).toEqual(["carol"]);
    expect(writes.pendingMocks()).toHaveLength(3);
    expect(lines().some((l) => l.includes(problem))).toBe(true);
  });

  it("reads org settings from the .github repository's configuration", () => {
    const v = view();
    expect(orgConfig(v)?.files).toEqual([`${ORG}/.github:.github/advisory-bot.yml`]);
    v.configs.delete(".github");
    expect(orgConfig(v)).toBeNull();
  });
});
