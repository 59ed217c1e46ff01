/**
 * The dashboard: one pinned issue in the private tracker repository listing every open (triage or
 * draft) advisory of the org, the configuration errors that make the app skip repositories, and the
 * roster lines it could not read.
 *
 * The body is rendered from data alone and is deterministic (rows, errors and warnings are sorted, no
 * clock is printed), so an org that has not changed renders byte-identical and the issue is not edited.
 *
 * Pure: no I/O, no clock (time is a parameter).
 */
import { isOpen } from "./advisory-plan.js";
import { compareLogins, loginKey } from "./handles.js";
import { type ResponseSummary, renderResponseTimes } from "./response-times.js";
import type { RosterWarning } from "./rosters.js";
import { ageInWorkingDays } from "./schedule.js";
import { escapeUntrusted } from "./untrusted.js";

export const DASHBOARD_TITLE = "Security advisories dashboard";
/** Hidden marker that ends the dashboard's body. */
export const DASHBOARD_MARKER = "<!-- oras-advisory-bot:dashboard -->";
/** Roster warnings shown at most; the rest are counted. */
export const MAX_ROSTER_WARNINGS = 50;

/** The fields of a repository advisory the dashboard reads (GitHub's `repository-advisory` shape). */
export interface DashboardAdvisory {
  ghsa_id: string;
  html_url: string;
  severity: string | null;
  state: string;
  created_at: string | null;
  cve_id: string | null;
  collaborating_users: ReadonlyArray<{ login: string }> | null;
  private_fork: { full_name: string } | null;
}

/** What publication knows about an advisory: the release that fixes it and what still blocks it. */
export interface AdvisoryExtra {
  fixingRelease: string | null;
  blockers: string[];
}

export interface DashboardInput {
  org: string;
  /** Advisories of the org with their `owner/repo`; those not open (published, closed…) are left out. */
  advisories: ReadonlyArray<{ repo: string; advisory: DashboardAdvisory }>;
  /** GHSA ids of the advisories of each vulnerability (one tracking issue's state): one row each. */
  siblings?: ReadonlyArray<readonly string[]>;
  /** Configuration errors, already formatted (`formatConfigError`), with the repository they concern. */
  configErrors?: ReadonlyArray<{ repository: string; text: string }>;
  rosterWarnings?: readonly RosterWarning[];
  /** Public places that named an open advisory (embargo watch notices); the section is left out when none. */
  embargoSightings?: ReadonlyArray<{ ghsa: string; place: string }>;
  /** Response times of the org (the last 90 days); the section is left out when absent. */
  responseTimes?: ResponseSummary;
  /** Fixing release and blockers per GHSA id (lower case); missing → "—". */
  extra?: ReadonlyMap<string, AdvisoryExtra>;
  now: Date;
}

/** One vulnerability: one advisory, or several siblings in different repositories. */
export interface DashboardRow {
  /** `owner/repo`, sorted, without duplicates. */
  repos: string[];
  /** Sorted by repository, then GHSA id. */
  advisories: Array<{ ghsa: string; url: string }>;
  /** The most severe of the row's severities; null when none is set. */
  severity: string | null;
  /** Age of the oldest advisory in working days; null when no creation time is known. */
  age: number | null;
  /** Distinct states, sorted. */
  states: string[];
  /** Distinct collaborating users across the row's advisories. */
  teamSize: number;
  /** How many of the row's advisories have a temporary private fork. */
  forks: number;
  cves: string[];
  fixingReleases: string[];
  /** Union of the advisories' blockers, in order of first appearance. */
  blockers: string[];
  /** Earliest creation time (ISO), for ordering. */
  createdAt: string | null;
}

const SEVERITY_RANK: Record<string, number> = { critical: 4, high: 3, medium: 2, low: 1 };

function rank(severity: string | null): number {
  return severity === null ? 0 : (SEVERITY_RANK[severity.toLowerCase()] ?? 0);
}

function byText(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function distinctSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort(byText);
}

/** Groups overlapping sibling lists: GHSA ids linked directly or through another id share a group. */
function groupKeys(siblings: ReadonlyArray<readonly string[]>): Map<string, string> {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    for (let next = parent.get(root); next !== undefined && next !== root; next = parent.get(root)) root = next;
    parent.set(x, root);
    return root;
  };
  for (const group of siblings) {
    const keys = group.map((g) => g.toLowerCase());
    for (const key of keys) if (!parent.has(key)) parent.set(key, key);
    const first = keys[0];
    if (first === undefined) continue;
    for (const key of keys.slice(1)) {
      const a = find(first);
      const b = find(key);
      // The smaller id becomes the root, so the grouping does not depend on the input order.
      if (a < b) parent.set(b, a);
      else if (b < a) parent.set(a, b);
    }
  }
  const roots = new Map<string, string>();
  for (const key of parent.keys()) roots.set(key, find(key));
  return roots;
}

/** The dashboard's rows: open advisories, siblings of one vulnerability merged, oldest first. */
export function dashboardRows(input: DashboardInput): DashboardRow[] {
  const roots = groupKeys(input.siblings ?? []);
  const extra = input.extra ?? new Map<string, AdvisoryExtra>();
  const groups = new Map<string, Array<{ repo: string; advisory: DashboardAdvisory }>>();
  for (const entry of input.advisories) {
    if (!isOpen(entry.advisory.state)) continue;
    const key = entry.advisory.ghsa_id.toLowerCase();
    const root = roots.get(key) ?? key;
    const members = groups.get(root) ?? [];
    if (!members.some((m) => m.advisory.ghsa_id.toLowerCase() === key)) members.push(entry);
    groups.set(root, members);
  }

  const rows: DashboardRow[] = [];
  for (const members of groups.values()) {
    members.sort(
      (a, b) =>
        byText(a.repo.toLowerCase(), b.repo.toLowerCase()) ||
        byText(a.advisory.ghsa_id.toLowerCase(), b.advisory.ghsa_id.toLowerCase()),
    );
    let severity: string | null = null;
    let age: number | null = null;
    let createdAt: string | null = null;
    const team = new Set<string>();
    const blockers: string[] = [];
    const fixingReleases: string[] = [];
    let forks = 0;
    for (const { advisory } of members) {
      if (rank(advisory.severity) > rank(severity)) severity = advisory.severity;
      if (advisory.created_at) {
        const created = new Date(advisory.created_at);
        if (!Number.isNaN(created.getTime())) {
          age = Math.max(age ?? 0, ageInWorkingDays(created, input.now));
          if (createdAt === null || created.toISOString() < createdAt) createdAt = created.toISOString();
        }
      }
      for (const user of advisory.collaborating_users ?? []) team.add(loginKey(user.login));
      if (advisory.private_fork) forks += 1;
      const more = extra.get(advisory.ghsa_id.toLowerCase());
      if (more?.fixingRelease) fixingReleases.push(more.fixingRelease);
      for (const blocker of more?.blockers ?? []) if (!blockers.includes(blocker)) blockers.push(blocker);
    }
    rows.push({
      repos: [...new Set(members.map((m) => m.repo))].sort(compareLogins),
      advisories: members.map((m) => ({ ghsa: m.advisory.ghsa_id, url: m.advisory.html_url })),
      severity,
      age,
      states: distinctSorted(members.map((m) => m.advisory.state)),
      teamSize: team.size,
      forks,
      cves: distinctSorted(members.flatMap((m) => (m.advisory.cve_id ? [m.advisory.cve_id] : []))),
      fixingReleases: distinctSorted(fixingReleases),
      blockers,
      createdAt,
    });
  }
  return rows.sort(
    (a, b) =>
      (a.createdAt === null ? 1 : 0) - (b.createdAt === null ? 1 : 0) ||
      byText(a.createdAt ?? "", b.createdAt ?? "") ||
      byText(a.advisories[0]?.ghsa.toLowerCase() ?? "", b.advisories[0]?.ghsa.toLowerCase() ?? ""),
  );
}

/** Text safe inside a table cell. */
function cell(text: string): string {
  return escapeUntrusted(text, "inline");
}

/** Text from repository files shown as code, so it can neither mention anyone nor break the layout. */
function code(text: string): string {
  return `\`${escapeUntrusted(text, "code")}\``;
}

const NONE = "—";

function forkCell(row: DashboardRow): string {
  if (row.forks === 0) return "no";
  if (row.forks === row.advisories.length) return "yes";
  return `${row.forks} of ${row.advisories.length}`;
}

function rowLine(row: DashboardRow): string {
  const cells = [
    row.repos.join(", "),
    row.advisories.map((a) => `[${a.ghsa}](${a.url})`).join(", "),
    row.severity ?? "not set",
    row.age === null ? NONE : String(row.age),
    row.states.join(", "),
    String(row.teamSize),
    forkCell(row),
    row.cves.length > 0 ? row.cves.join(", ") : NONE,
    row.fixingReleases.length > 0 ? row.fixingReleases.join(", ") : NONE,
    row.blockers.length > 0 ? row.blockers.join("; ") : NONE,
  ];
  return `| ${cells.map(cell).join(" | ")} |`;
}

function advisoriesSection(rows: DashboardRow[]): string {
  if (rows.length === 0) return "## Open advisories\n\nNo open advisories.";
  const count = rows.reduce((n, r) => n + r.advisories.length, 0);
  const summary = `${count} open ${count === 1 ? "advisory" : "advisories"} in ${rows.length} ${rows.length === 1 ? "vulnerability" : "vulnerabilities"}, oldest first.`;
  const header = [
    "| Repository | Advisory | Severity | Age (working days) | State | Team | Fork | CVE | Fixing release | Blockers |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  return ["## Open advisories", "", summary, "", ...header, ...rows.map(rowLine)].join("\n");
}

function configSection(errors: ReadonlyArray<{ repository: string; text: string }>): string {
  if (errors.length === 0) return "## Configuration errors\n\nNone.";
  const sorted = [...errors].sort(
    (a, b) => byText(a.repository.toLowerCase(), b.repository.toLowerCase()) || byText(a.text, b.text),
  );
  return [
    "## Configuration errors",
    "",
    "These repositories are skipped until their configuration is fixed.",
    ...sorted.map((e) => `\n${e.text}`),
  ].join("\n");
}

function warningsSection(warnings: readonly RosterWarning[]): string {
  if (warnings.length === 0) return "## Roster warnings\n\nNone.";
  const sorted = [...warnings].sort(
    (a, b) => byText(a.file, b.file) || a.line - b.line || byText(a.reason, b.reason) || byText(a.text, b.text),
  );
  const lines = sorted
    .slice(0, MAX_ROSTER_WARNINGS)
    .map((w) => `- ${code(`${w.file}:${w.line}`)} ${cell(w.reason)}${w.text ? `: ${code(w.text)}` : ""}`);
  const rest = sorted.length - MAX_ROSTER_WARNINGS;
  if (rest > 0) lines.push(`- … and ${rest} more`);
  return ["## Roster warnings", "", "Lines of roster files the app could not read:", "", ...lines].join("\n");
}

function embargoSection(sightings: ReadonlyArray<{ ghsa: string; place: string }>): string {
  const lines = [...sightings]
    .sort((a, b) => byText(a.ghsa, b.ghsa) || byText(a.place, b.place))
    .map((s) => `- ${code(s.ghsa.toUpperCase())} named in public at ${code(s.place)}`);
  return [
    "## Embargo watch",
    "",
    "Public text that named an unpublished advisory (details on its tracking issue):",
    "",
    ...lines,
  ].join("\n");
}

/** The dashboard issue's body, ending with the hidden marker. Same input, same bytes. */
export function renderDashboard(input: DashboardInput): string {
  const intro = `Every open (triage or draft) repository security advisory of **${input.org}**, kept current by oras-advisory-bot. Ages are in working days (Monday to Friday, UTC); the advisories of one vulnerability share a row.`;
  return [
    intro,
    advisoriesSection(dashboardRows(input)),
    ...(input.embargoSightings && input.embargoSightings.length > 0 ? [embargoSection(input.embargoSightings)] : []),
    ...(input.responseTimes ? [renderResponseTimes(input.responseTimes)] : []),
    configSection(input.configErrors ?? []),
    warningsSection(input.rosterWarnings ?? []),
    DASHBOARD_MARKER,
  ].join("\n\n");
}
