import { describe, expect, it } from "vitest";
import {
  AUDIT_MARKER,
  type AuditReportInput,
  type RemovalOutcome,
  renderAuditReport,
  teamRemovals,
} from "../../src/domain/audit-report.js";
import { auditSecurityTeam, type RepoRosterState } from "../../src/domain/patch-team.js";
import { mergeRosters, parseRoster } from "../../src/domain/rosters.js";

const ORG = "oras-project";

function repo(name: string, owners: string, archived = false): RepoRosterState {
  return { name, archived, roster: mergeRosters([parseRoster("OWNERS.md", owners)]) };
}

const repos = [
  repo("oras-go", "Owners:\n  - Ada (@ada)\n  - Max (@max)\n\nEmeritus:\n  - Carol Former (@carol)\n"),
  repo("oras", "Owners:\n  - Olga (@olga)\n\nEmeritus:\n  - Carol Former (@Carol)\n"),
  repo("oras-credentials-go", "Owners:\n  - Dan (@dan)\n", true),
];

/** The security team: @oras-project/security (ada, carol, dan) plus `members: [max]`. */
const team = { slug: "security", members: ["ada", "Carol", "dan"] };
const listed = ["max"];

function report(overrides: Partial<AuditReportInput> = {}, orgMembers = new Set(["ada", "carol", "dan", "max"])) {
  const members = [...team.members, ...listed];
  const findings = auditSecurityTeam(members, repos, [], orgMembers);
  return renderAuditReport({
    org: ORG,
    findings,
    memberCount: members.length,
    team,
    listed,
    enforce: false,
    configFile: "oras-project/.github:.github/advisory-bot.yml",
    ...overrides,
  });
}

function row(body: string, login: string): string {
  return body.split("\n").find((l) => l.startsWith(`| \`@${login}\``)) ?? "";
}

describe("security-team audit report", () => {
  it("lists a member who is emeritus everywhere, with how to fix it when enforcement is off", () => {
    const { clean, body } = report();
    expect(clean).toBe(false);
    expect(body).toContain("## Violations (2)");
    expect(row(body, "Carol")).toBe(
      "| `@Carol` | emeritus in oras, oras-go; not an active maintainer of any active repository | Remove them from `@oras-project/security`, or set `securityTeam.enforce: true` to let the app do it. |",
    );
    expect(row(body, "dan")).toContain("maintainer only of oras-credentials-go (archived)");
    expect(body).not.toMatch(/(^|\s)@(Carol|dan|ada|oras-project\/security)\b/);
    expect(body.endsWith(`\n\n${AUDIT_MARKER}`)).toBe(true);
  });

  it("lists a member who is not in the organization", () => {
    const { body } = report({}, new Set(["ada", "carol", "dan"]));
    expect(row(body, "max")).toBe(
      "| `@max` | not a member of the organization | Listed in `securityTeam.members` in `oras-project/.github:.github/advisory-bot.yml`: remove the handle from the configuration; the app never edits configuration files. |",
    );
  });

  it("says who enforcement removed, and that listed handles need a configuration change", () => {
    const removals = new Map<string, RemovalOutcome>([
      ["carol", { kind: "removed" }],
      ["dan", { kind: "removed" }],
    ]);
    const both = { ...team, members: [...team.members, "max"] };
    const { body } = report({ enforce: true, removals, team: both }, new Set(["ada", "carol", "dan"]));
    expect(body).toContain("Enforcement is on (`securityTeam.enforce: true`)");
    expect(row(body, "Carol")).toContain("| Removed from `@oras-project/security` by the app. |");
    expect(row(body, "max")).toContain("Remove them from `@oras-project/security`. Listed in `securityTeam.members`");
    expect(body).not.toContain("Permission needed");
  });

  it("names the exact permission to grant when GitHub refuses the removal (403)", () => {
    const removals = new Map<string, RemovalOutcome>([
      ["carol", { kind: "forbidden" }],
      ["dan", { kind: "failed", status: 502 }],
    ]);
    const { body } = report({ enforce: true, removals });
    expect(row(body, "Carol")).toContain("Not removed from `@oras-project/security`: GitHub refused (403)");
    expect(row(body, "dan")).toContain("GitHub answered 502; retried on the next sweep.");
    expect(body).toContain(
      "### Permission needed\n\nGitHub refused (403) to let the app remove `@Carol` from `@oras-project/security`. Grant the GitHub App the **Members** organization permission with **Read and write** access (`members: write`",
    );
  });

  it("is clean when every member is an active maintainer and an org member", () => {
    const findings = auditSecurityTeam(["ada", "olga"], repos, [], new Set(["ada", "olga"]));
    const result = renderAuditReport({
      org: ORG,
      findings,
      memberCount: 2,
      team: null,
      listed: ["ada", "olga"],
      enforce: false,
    });
    expect(result.clean).toBe(true);
    expect(result.body).toContain("## No violations");
    expect(result.body).not.toContain("| Member |");
  });

  it("renders the same input byte-identically", () => {
    expect(report({ unchecked: ["ada"] }).body).toBe(report({ unchecked: ["ada"] }).body);
    expect(report({ unchecked: ["ada"] }).body).toContain("Organization membership could not be checked for `@ada`");
  });
});

describe("team removals under enforcement", () => {
  const findings = auditSecurityTeam([...team.members, ...listed], repos, [], new Set(["ada", "carol", "dan"]));

  it("removes violators who are members of the GitHub team, never people only listed in the configuration", () => {
    expect(teamRemovals({ org: ORG, team, findings, enforce: true })).toEqual([
      {
        op: "team.removeMember",
        params: { org: ORG, team_slug: "security", username: "Carol" },
        why: "security-team audit: Carol breaks the security-team policy",
      },
      {
        op: "team.removeMember",
        params: { org: ORG, team_slug: "security", username: "dan" },
        why: "security-team audit: dan breaks the security-team policy",
      },
    ]);
  });

  it("removes nobody without enforcement or without a team", () => {
    expect(teamRemovals({ org: ORG, team, findings, enforce: false })).toEqual([]);
    expect(teamRemovals({ org: ORG, team: null, findings, enforce: true })).toEqual([]);
    expect(teamRemovals({ org: ORG, team: { slug: "security", members: null }, findings, enforce: true })).toEqual([]);
  });
});
