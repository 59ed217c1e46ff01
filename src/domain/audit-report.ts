/**
 * The security-team audit issue: one pinned issue in the private tracker repository listing every
 * security-team member who breaks the policy (not an active maintainer of an active repository, or
 * not a member of the org), and what was done about it.
 *
 * With `securityTeam.enforce: true` the app removes violators from the GitHub team `securityTeam.team`;
 * people listed in `securityTeam.members` can only be removed by editing the configuration, which the
 * app never does. The body is deterministic so an unchanged audit is not edited. Logins and teams are
 * written as code, not as mentions: editing the issue notifies nobody.
 *
 * Pure: no I/O, no clock.
 */
import { compareLogins, loginKey } from "./handles.js";
import type { AuditFinding } from "./patch-team.js";
import type { Plan } from "./plan.js";
import { escapeUntrusted } from "./untrusted.js";

export const AUDIT_TITLE = "Security team audit";
/** Hidden marker that ends the audit issue's body. */
export const AUDIT_MARKER = "<!-- oras-advisory-bot:audit -->";

/** The GitHub App permission a team removal needs. */
export const MEMBERS_PERMISSION =
  "Grant the GitHub App the **Members** organization permission with **Read and write** access (`members: write`: the app's settings → Permissions & events → Organization permissions → Members), then approve the updated permissions on the organization's installation. The next sweep retries the removal.";

/** What happened when the app tried to remove a violator from the GitHub team. */
export type RemovalOutcome =
  | { kind: "removed" }
  | { kind: "dry-run" }
  /** GitHub answered 403: the app lacks `members: write`. */
  | { kind: "forbidden" }
  | { kind: "failed"; status: number | null };

/** The GitHub team that forms (part of) the security team. */
export interface AuditTeam {
  slug: string;
  /** Its members' logins; null when the team does not exist. */
  members: readonly string[] | null;
}

export interface AuditReportInput {
  org: string;
  findings: readonly AuditFinding[];
  /** How many people the security team has (team members ∪ listed handles). */
  memberCount: number;
  /** `securityTeam.team`; null when none is configured. */
  team: AuditTeam | null;
  /** Handles listed in `securityTeam.members`. */
  listed: readonly string[];
  enforce: boolean;
  /** Outcome of each removal attempted, by login key (lower case). */
  removals?: ReadonlyMap<string, RemovalOutcome>;
  /** The configuration file the security team was read from (`owner/repo:path`). */
  configFile?: string | null;
  /** Members whose org membership could not be checked this time. */
  unchecked?: readonly string[];
}

export interface AuditReport {
  /** No violations: the audit issue is closed. */
  clean: boolean;
  body: string;
}

function code(text: string): string {
  return `\`${escapeUntrusted(text, "code")}\``;
}

function cell(text: string): string {
  return escapeUntrusted(text, "inline");
}

function teamName(org: string, slug: string): string {
  return code(`@${org}/${slug}`);
}

function has(logins: readonly string[] | null | undefined, key: string): boolean {
  return (logins ?? []).some((login) => loginKey(login) === key);
}

/** Violators by login key, in the findings' order, with every problem found for each. */
function violators(findings: readonly AuditFinding[]): Map<string, { login: string; details: string[] }> {
  const byKey = new Map<string, { login: string; details: string[] }>();
  for (const finding of findings) {
    const key = loginKey(finding.login);
    const entry = byKey.get(key) ?? { login: finding.login, details: [] };
    entry.details.push(finding.detail);
    byKey.set(key, entry);
  }
  return byKey;
}

/**
 * The removals enforcement asks for: each violator who is a member of the GitHub team, removed from
 * it. Nothing without `enforce`, without a configured team, or when the team does not exist.
 */
export function teamRemovals(input: {
  org: string;
  team: AuditTeam | null;
  findings: readonly AuditFinding[];
  enforce: boolean;
}): Plan {
  const { team } = input;
  if (!input.enforce || team === null || team.members === null) return [];
  const plan: Plan = [];
  const people = [...violators(input.findings).entries()].sort(([, a], [, b]) => compareLogins(a.login, b.login));
  for (const [key, { login }] of people) {
    const member = team.members.find((m) => loginKey(m) === key);
    if (member === undefined) continue;
    plan.push({
      op: "team.removeMember",
      params: { org: input.org, team_slug: team.slug, username: member },
      why: `security-team audit: ${login} breaks the security-team policy`,
    });
  }
  return plan;
}

function actions(input: AuditReportInput, key: string): string[] {
  const out: string[] = [];
  const team = input.team;
  if (team !== null && has(team.members, key)) {
    const name = teamName(input.org, team.slug);
    const outcome = input.removals?.get(key);
    switch (outcome?.kind) {
      case "removed":
        out.push(`Removed from ${name} by the app.`);
        break;
      case "dry-run":
        out.push(`Would be removed from ${name} (dry run).`);
        break;
      case "forbidden":
        out.push(`Not removed from ${name}: GitHub refused (403), see **Permission needed** below.`);
        break;
      case "failed":
        out.push(
          `Not removed from ${name}: GitHub answered ${outcome.status ?? "with an error"}; retried on the next sweep.`,
        );
        break;
      default:
        out.push(
          input.enforce
            ? `Remove them from ${name}.`
            : `Remove them from ${name}, or set ${code("securityTeam.enforce: true")} to let the app do it.`,
        );
    }
  }
  if (has(input.listed, key)) {
    const where = input.configFile ? ` in ${code(input.configFile)}` : "";
    out.push(
      `Listed in ${code("securityTeam.members")}${where}: remove the handle from the configuration; the app never edits configuration files.`,
    );
  }
  return out;
}

function teamLine(input: AuditReportInput): string {
  const sources: string[] = [];
  if (input.team !== null) sources.push(`the members of the team ${teamName(input.org, input.team.slug)}`);
  if (input.listed.length > 0) sources.push(`the handles listed in ${code("securityTeam.members")}`);
  const from = sources.length > 0 ? sources.join(" and ") : "nobody (no team and no handles are configured)";
  const people = `${input.memberCount} ${input.memberCount === 1 ? "person" : "people"}`;
  const enforcement = input.enforce
    ? `Enforcement is on (${code("securityTeam.enforce: true")}): violators are removed from the GitHub team.`
    : `Enforcement is off (${code("securityTeam.enforce: false")}): violators are listed, not removed.`;
  return `The security team is ${from}: ${people}. ${enforcement}`;
}

/** The audit issue's body, ending with the hidden marker. Same input, same bytes. */
export function renderAuditReport(input: AuditReportInput): AuditReport {
  const parts: string[] = [
    `Audit of the security team of **${input.org}** against the security policy: every member must be an active maintainer (owner or maintainer, not emeritus) of at least one active (not archived, not deprecated) repository of the organization, and a member of the organization. Kept current by oras-advisory-bot.`,
    teamLine(input),
  ];
  const people = [...violators(input.findings).entries()].sort(([, a], [, b]) => compareLogins(a.login, b.login));
  const clean = people.length === 0;
  if (clean) {
    parts.push(
      "## No violations\n\nEvery member of the security team is an active maintainer of an active repository and a member of the organization.",
    );
  } else {
    const rows = people.map(
      ([key, v]) =>
        `| ${code(`@${v.login}`)} | ${cell(v.details.join("; "))} | ${cell(actions(input, key).join(" ") || "—")} |`,
    );
    parts.push(
      [`## Violations (${people.length})`, "", "| Member | Problem | Action |", "|---|---|---|", ...rows].join("\n"),
    );
    const forbidden = people
      .filter(([key]) => input.removals?.get(key)?.kind === "forbidden")
      .map(([, v]) => code(`@${v.login}`));
    if (forbidden.length > 0 && input.team !== null) {
      parts.push(
        `### Permission needed\n\nGitHub refused (403) to let the app remove ${forbidden.join(", ")} from ${teamName(input.org, input.team.slug)}. ${MEMBERS_PERMISSION}`,
      );
    }
  }
  const notes: string[] = [];
  if (input.team !== null && input.team.members === null) {
    notes.push(
      `The team ${teamName(input.org, input.team.slug)} named in ${code("securityTeam.team")} does not exist (or the app cannot see it); only the listed handles were audited.`,
    );
  }
  const unchecked = [...(input.unchecked ?? [])].sort(compareLogins);
  if (unchecked.length > 0) {
    notes.push(
      `Organization membership could not be checked for ${unchecked.map((u) => code(`@${u}`)).join(", ")}; checked again on the next sweep.`,
    );
  }
  if (notes.length > 0) parts.push(["## Notes", "", ...notes.map((n) => `- ${n}`)].join("\n"));
  parts.push(AUDIT_MARKER);
  return { clean, body: parts.join("\n\n") };
}
