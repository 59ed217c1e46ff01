import type { components } from "@octokit/openapi-types";
import { describe, expect, it } from "vitest";
import { type ConfigError, formatConfigError } from "../../src/config/errors.js";
import {
  type AdvisoryExtra,
  DASHBOARD_MARKER,
  type DashboardInput,
  dashboardRows,
  MAX_ROSTER_WARNINGS,
  renderDashboard,
} from "../../src/domain/dashboard.js";
import type { RosterWarning } from "../../src/domain/rosters.js";

type RepositoryAdvisory = components["schemas"]["repository-advisory"];
type SimpleUser = components["schemas"]["simple-user"];

const ORG = "oras-project";
/** Wednesday 11 June 2025, 10:00 UTC. */
const NOW = new Date("2025-06-11T10:00:00Z");

function user(login: string, id = 1000): SimpleUser {
  return {
    login,
    id,
    node_id: `U_${login}`,
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

/** A repository advisory as `GET /orgs/{org}/security-advisories` returns it. */
function advisory(
  repo: string,
  ghsa: string,
  overrides: Partial<RepositoryAdvisory> = {},
): { repo: string; advisory: RepositoryAdvisory } {
  const a: RepositoryAdvisory = {
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
    collaborating_users: [user("ada", 2), user("max", 3)],
    collaborating_teams: null,
    private_fork: null,
    ...overrides,
  };
  return { repo: `${ORG}/${repo}`, advisory: a };
}

function fork(repo: string, ghsa: string): RepositoryAdvisory["private_fork"] {
  const name = `${repo}-${ghsa.toLowerCase()}`;
  return {
    id: 4242,
    node_id: "R_fork",
    name,
    full_name: `${ORG}/${name}`,
    private: true,
    owner: user(ORG, 77),
    html_url: `https://github.com/${ORG}/${name}`,
    url: `https://api.github.com/repos/${ORG}/${name}`,
  } as RepositoryAdvisory["private_fork"];
}

const GO = "GHSA-2345-6789-cfgh";
const CLI = "GHSA-3456-789c-fghj";
const OTHER = "GHSA-4567-89cf-ghjm";

function input(overrides: Partial<DashboardInput> = {}): DashboardInput {
  return { org: ORG, advisories: [advisory("oras-go", GO)], now: NOW, ...overrides };
}

function tableRows(body: string): string[] {
  return body.split("\n").filter((l) => l.startsWith("| oras-project/"));
}

describe("dashboard rows", () => {
  it("show repo, GHSA link, severity, age in working days, state, team size, fork, CVE, release and blockers", () => {
    const body = renderDashboard(input());
    // Created Monday 2 June; Wednesday 11 June is 7 working days later.
    expect(tableRows(body)).toEqual([
      `| oras-project/oras-go | [${GO}](https://github.com/oras-project/oras-go/security/advisories/${GO}) | high | 7 | draft | 2 | no | — | — | — |`,
    ]);
    expect(body).toContain(
      "| Repository | Advisory | Severity | Age (working days) | State | Team | Fork | CVE | Fixing release | Blockers |",
    );
  });

  it("fill fixing release and blockers from publication's data, and show fork and CVE", () => {
    const extra = new Map<string, AdvisoryExtra>([
      [GO.toLowerCase(), { fixingRelease: "v2.6.1", blockers: ["disclosure check: no patches section"] }],
    ]);
    const body = renderDashboard(
      input({
        advisories: [advisory("oras-go", GO, { cve_id: "CVE-2025-1234", private_fork: fork("oras-go", GO) })],
        extra,
      }),
    );
    expect(tableRows(body)[0]).toMatch(
      /\| yes \| CVE-2025-1234 \| v2\.6\.1 \| disclosure check: no patches section \|$/,
    );
  });

  it("list only open (triage and draft) advisories", () => {
    const rows = dashboardRows(
      input({
        advisories: [
          advisory("oras-go", GO, { state: "triage", severity: null, author: user("reporter", 1) }),
          advisory("oras", CLI, { state: "published", published_at: "2025-06-05T00:00:00Z" }),
          advisory("oras-py", OTHER, { state: "closed", closed_at: "2025-06-05T00:00:00Z" }),
        ],
      }),
    );
    expect(rows.map((r) => [r.advisories.map((a) => a.ghsa), r.states, r.severity])).toEqual([
      [[GO], ["triage"], null],
    ]);
    expect(renderDashboard(input({ advisories: [advisory("oras", CLI, { state: "withdrawn" })] }))).toContain(
      "No open advisories.",
    );
  });

  it("merge siblings of one vulnerability into one row: repos joined, oldest age, union of blockers", () => {
    const extra = new Map<string, AdvisoryExtra>([
      [GO.toLowerCase(), { fixingRelease: "v2.6.1", blockers: ["waiting for v2.6.1"] }],
      [CLI.toLowerCase(), { fixingRelease: "v1.3.1", blockers: ["waiting for v1.3.1", "waiting for v2.6.1"] }],
    ]);
    const rows = dashboardRows(
      input({
        advisories: [
          advisory("oras", CLI, {
            created_at: "2025-06-09T09:00:00Z",
            severity: "medium",
            collaborating_users: [user("olga", 4), user("ADA", 2)],
            private_fork: fork("oras", CLI),
          }),
          advisory("oras-go", GO, { severity: "high" }),
          advisory("oras-py", OTHER, { created_at: "2025-06-10T09:00:00Z" }),
        ],
        siblings: [[GO, CLI.toLowerCase()]],
        extra,
      }),
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      repos: ["oras-project/oras", "oras-project/oras-go"],
      advisories: [
        { ghsa: CLI, url: `https://github.com/oras-project/oras/security/advisories/${CLI}` },
        { ghsa: GO, url: `https://github.com/oras-project/oras-go/security/advisories/${GO}` },
      ],
      severity: "high",
      age: 7,
      states: ["draft"],
      teamSize: 3,
      forks: 1,
      cves: [],
      fixingReleases: ["v1.3.1", "v2.6.1"],
      blockers: ["waiting for v1.3.1", "waiting for v2.6.1"],
      createdAt: "2025-06-02T09:00:00.000Z",
    });
    const body = renderDashboard(
      input({ advisories: [advisory("oras", CLI), advisory("oras-go", GO)], siblings: [[CLI, GO]] }),
    );
    expect(tableRows(body)).toHaveLength(1);
    expect(tableRows(body)[0]).toContain("| oras-project/oras, oras-project/oras-go |");
    expect(body).toContain("2 open advisories in 1 vulnerability");
  });

  it("show a partially forked group as a count", () => {
    const [row] = dashboardRows(
      input({
        advisories: [advisory("oras", CLI, { private_fork: fork("oras", CLI) }), advisory("oras-go", GO)],
        siblings: [[GO, CLI]],
      }),
    );
    expect(row?.forks).toBe(1);
    expect(
      tableRows(
        renderDashboard(
          input({
            advisories: [advisory("oras", CLI, { private_fork: fork("oras", CLI) }), advisory("oras-go", GO)],
            siblings: [[GO, CLI]],
          }),
        ),
      )[0],
    ).toContain("| 1 of 2 |");
  });

  it("sort rows oldest first whatever the input order, so the body is the same", () => {
    const a = advisory("oras-py", OTHER, { created_at: "2025-05-20T09:00:00Z" });
    const b = advisory("oras-go", GO, { created_at: "2025-06-10T09:00:00Z" });
    const c = advisory("oras", CLI, { created_at: "2025-06-01T09:00:00Z" });
    const forward = renderDashboard(input({ advisories: [a, b, c] }));
    const backward = renderDashboard(input({ advisories: [c, b, a] }));
    expect(forward).toBe(backward);
    expect(tableRows(forward).map((r) => r.split(" | ")[0])).toEqual([
      "| oras-project/oras-py",
      "| oras-project/oras",
      "| oras-project/oras-go",
    ]);
  });
});

describe("dashboard sections", () => {
  const error: ConfigError = {
    repository: "oras-project/oras-go",
    files: ["oras-project/oras-go:.github/advisory-bot.yml"],
    problems: [{ path: "publish.waitFor", message: 'Invalid option: expected one of "all"|"any"' }],
  };

  it("list configuration errors per repository with formatConfigError's lines", () => {
    const other: ConfigError = {
      ...error,
      repository: "oras-project/oras",
      problems: [{ path: "(file)", message: "bad YAML" }],
    };
    const body = renderDashboard(
      input({
        configErrors: [error, other].map((e) => ({ repository: e.repository, text: formatConfigError(e) })),
      }),
    );
    const section = body.slice(body.indexOf("## Configuration errors"), body.indexOf("## Roster warnings"));
    expect(section).toContain(formatConfigError(error));
    expect(section).toContain("- `publish.waitFor`: Invalid option");
    const oras = section.indexOf("Invalid configuration for oras-project/oras (");
    const orasGo = section.indexOf("Invalid configuration for oras-project/oras-go (");
    expect(oras).toBeGreaterThan(-1);
    expect(orasGo).toBeGreaterThan(oras);
    expect(renderDashboard(input())).toContain("## Configuration errors\n\nNone.");
  });

  it("list roster warnings as code (no mentions), at most 50 lines", () => {
    const warnings: RosterWarning[] = Array.from({ length: 53 }, (_, i) => ({
      file: "oras-go/OWNERS.md",
      line: 53 - i,
      text: `- Someone (@someone${i}`,
      reason: "no GitHub handle",
    }));
    const body = renderDashboard(input({ rosterWarnings: warnings }));
    const lines = body.split("\n").filter((l) => l.startsWith("- `oras-go/OWNERS.md:"));
    expect(lines).toHaveLength(MAX_ROSTER_WARNINGS);
    expect(lines[0]).toBe("- `oras-go/OWNERS.md:1` no GitHub handle: `- Someone (@someone52`");
    expect(body).toContain("- … and 3 more");
  });

  it("render an unchanged org byte-identical, ending with the hidden marker", () => {
    const make = () =>
      input({
        advisories: [advisory("oras", CLI), advisory("oras-go", GO, { state: "triage" })],
        siblings: [[GO, OTHER]],
        configErrors: [{ repository: error.repository, text: formatConfigError(error) }],
        rosterWarnings: [{ file: "oras/OWNERS.md", line: 3, text: "- ???", reason: "no GitHub handle" }],
      });
    const first = renderDashboard(make());
    expect(renderDashboard(make())).toBe(first);
    expect(first.endsWith(`\n\n${DASHBOARD_MARKER}`)).toBe(true);
    expect(first).not.toContain("Embargoed detail");
    // A day later only the ages move.
    expect(renderDashboard({ ...make(), now: new Date("2025-06-12T10:00:00Z") })).not.toBe(first);
  });
});
