/**
 * Response times: how long each step of the security process took for one advisory, and for an org.
 *
 * The steps follow the policy: a report is acknowledged (a human responds), accepted (triage → draft),
 * staffed (its patch team matches the maintainers), fixed by a published release, and published — the
 * last on the same day as the fixing release. Times come from GitHub's own data (the advisory's creation
 * and publication times, the fixing release's publication time) and from what the tracking issue recorded
 * (the first human response, when the app first saw the report accepted and its team complete).
 *
 * Durations are in working days (Monday–Friday, UTC), like the acknowledgement promise: the working days
 * that have begun since the report (the same day is 0).
 *
 * Pure: no I/O, no clock (time is a parameter).
 */
import { isOpen } from "./advisory-plan.js";
import { countsAsPublished, fixedBy, type ReleaseLike, type ReleaseMatchAdvisory } from "./releases.js";
import { workingDaysBetween } from "./schedule.js";

/** The steps measured, in the order the process reaches them. */
export const RESPONSE_METRICS = [
  "acknowledge",
  "accept",
  "staff",
  "fixRelease",
  "publish",
  "releaseToPublish",
] as const;
export type ResponseMetric = (typeof RESPONSE_METRICS)[number];

/** What each step is called in reports and on the dashboard. */
export const METRIC_LABELS: Record<ResponseMetric, string> = {
  acknowledge: "Report → first response",
  accept: "Report → accepted (draft)",
  staff: "Report → patch team staffed",
  fixRelease: "Report → fixing release",
  publish: "Report → advisory published",
  releaseToPublish: "Fixing release → advisory published",
};

/** Moments the app records on the tracking issue, per advisory, the first time it sees them. */
export interface RecordedMilestones {
  acceptedAt?: string;
  staffedAt?: string;
}

/** What the timeline of one advisory is computed from. */
export interface TimelineInput {
  /** `owner/repo`. */
  repo: string;
  ghsa: string;
  severity: string | null;
  state: string;
  /** When GitHub created the advisory: the report, for a private vulnerability report. */
  createdAt: string | null;
  publishedAt: string | null;
  /** Whether the advisory came in as a private vulnerability report (triage) rather than as a draft. */
  reported: boolean;
  /** First human response recorded on the tracking issue. */
  acknowledgedAt: string | null;
  /** Recorded when the app first saw the advisory out of triage; a draft created as such is accepted at creation. */
  acceptedAt: string | null;
  staffedAt: string | null;
  /** The earliest published release that fixes the advisory. */
  fixRelease: { tag: string; publishedAt: string } | null;
}

/** One advisory's milestones (ISO times, null when not reached) and the working days each took. */
export interface Timeline {
  repo: string;
  ghsa: string;
  severity: string | null;
  state: string;
  open: boolean;
  reportedAt: string | null;
  acknowledgedAt: string | null;
  acceptedAt: string | null;
  staffedAt: string | null;
  fixRelease: string | null;
  fixReleasedAt: string | null;
  publishedAt: string | null;
  /** Working days per step; null while the step is not reached (or its start is unknown). */
  days: Record<ResponseMetric, number | null>;
}

function validTime(iso: string | null | undefined): Date | null {
  if (!iso) return null;
  const t = new Date(iso);
  return Number.isNaN(t.getTime()) ? null : t;
}

function between(from: string | null, to: string | null): number | null {
  const a = validTime(from);
  const b = validTime(to);
  if (!a || !b) return null;
  return Math.max(0, workingDaysBetween(a, b));
}

/** The timeline of one advisory. */
export function timeline(input: TimelineInput): Timeline {
  const iso = (value: string | null | undefined) => validTime(value)?.toISOString() ?? null;
  const reportedAt = iso(input.createdAt);
  // A draft opened as such (by hand or by `/advisory create`) is accepted the moment it exists.
  const acceptedAt = input.reported ? iso(input.acceptedAt) : (iso(input.acceptedAt) ?? reportedAt);
  const acknowledgedAt = iso(input.acknowledgedAt);
  const staffedAt = iso(input.staffedAt);
  const fixReleasedAt = iso(input.fixRelease?.publishedAt);
  const publishedAt = input.state === "published" ? iso(input.publishedAt) : null;
  return {
    repo: input.repo,
    ghsa: input.ghsa,
    severity: input.severity,
    state: input.state,
    open: isOpen(input.state),
    reportedAt,
    acknowledgedAt,
    acceptedAt,
    staffedAt,
    fixRelease: input.fixRelease?.tag ?? null,
    fixReleasedAt,
    publishedAt,
    days: {
      acknowledge: between(reportedAt, acknowledgedAt),
      accept: between(reportedAt, acceptedAt),
      staff: between(reportedAt, staffedAt),
      fixRelease: between(reportedAt, fixReleasedAt),
      publish: between(reportedAt, publishedAt),
      releaseToPublish: between(fixReleasedAt, publishedAt),
    },
  };
}

/** The earliest published release that fixes the advisory (by patched version or by naming its GHSA id). */
export function firstFixingRelease<R extends ReleaseLike & { published_at: string | null }>(
  advisory: ReleaseMatchAdvisory,
  releases: readonly R[],
  options: { prereleases: boolean },
): { tag: string; publishedAt: string } | null {
  let best: { tag: string; publishedAt: string } | null = null;
  for (const release of releases) {
    if (!release.published_at || !countsAsPublished(release, options) || !fixedBy(advisory, release)) continue;
    if (best === null || Date.parse(release.published_at) < Date.parse(best.publishedAt)) {
      best = { tag: release.tag_name, publishedAt: release.published_at };
    }
  }
  return best;
}

/**
 * The moments a run records on the tracking issue, the first time it sees them: the advisory out of
 * triage (accepted) and its patch team as desired (staffed). Already recorded moments never move.
 */
export function recordMilestones(
  recorded: Readonly<Record<string, RecordedMilestones>>,
  seen: ReadonlyArray<{ ghsa: string; state: string; staffed: boolean }>,
  now: Date,
): Record<string, RecordedMilestones> {
  const out: Record<string, RecordedMilestones> = { ...recorded };
  for (const advisory of seen) {
    const key = advisory.ghsa.toLowerCase();
    const before = out[key] ?? {};
    const next: RecordedMilestones = { ...before };
    if (!next.acceptedAt && advisory.state !== "triage" && advisory.state !== "closed") {
      next.acceptedAt = now.toISOString();
    }
    if (!next.staffedAt && advisory.staffed && isOpen(advisory.state)) next.staffedAt = now.toISOString();
    if (next.acceptedAt !== before.acceptedAt || next.staffedAt !== before.staffedAt) out[key] = next;
  }
  return out;
}

/** The middle value (the mean of the two middle values for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

/** What the policy expects of each step, in working days (null: no stated expectation). */
export function policyExpectations(ackWithin: number): Record<ResponseMetric, number | null> {
  return { acknowledge: ackWithin, accept: null, staff: null, fixRelease: null, publish: null, releaseToPublish: 0 };
}

export interface MetricSummary {
  metric: ResponseMetric;
  /** Advisories in the window that reached this step. */
  count: number;
  median: number | null;
  max: number | null;
  expectation: number | null;
  /** How many of them took longer than the expectation. */
  late: number;
}

export interface SlowCase {
  repo: string;
  ghsa: string;
  severity: string | null;
  /** Working days since the report. */
  age: number;
  /** The next step the advisory waits for. */
  waitingFor: ResponseMetric;
}

export interface ResponseSummary {
  windowDays: number;
  /** Advisories reported within the window. */
  advisories: number;
  metrics: MetricSummary[];
  /** Open advisories reported within the window, longest waiting first (at most `slowest`). */
  slowestOpen: SlowCase[];
}

function waitingFor(t: Timeline): ResponseMetric {
  if (t.acknowledgedAt === null) return "acknowledge";
  if (t.acceptedAt === null) return "accept";
  if (t.staffedAt === null) return "staff";
  if (t.fixReleasedAt === null) return "fixRelease";
  return "releaseToPublish";
}

/** Org figures over the advisories reported in the last `windowDays` calendar days before `now`. */
export function summarize(
  timelines: readonly Timeline[],
  options: { now: Date; windowDays?: number; ackWithin: number; slowest?: number },
): ResponseSummary {
  const windowDays = options.windowDays ?? 90;
  const since = options.now.getTime() - windowDays * 86_400_000;
  const inWindow = timelines.filter((t) => {
    const reported = validTime(t.reportedAt);
    return reported !== null && reported.getTime() >= since && reported.getTime() <= options.now.getTime();
  });
  const expectations = policyExpectations(options.ackWithin);
  const metrics = RESPONSE_METRICS.map((metric): MetricSummary => {
    const values = inWindow.map((t) => t.days[metric]).filter((d): d is number => d !== null);
    const expectation = expectations[metric];
    return {
      metric,
      count: values.length,
      median: median(values),
      max: values.length > 0 ? Math.max(...values) : null,
      expectation,
      late: expectation === null ? 0 : values.filter((v) => v > expectation).length,
    };
  });
  const slowestOpen = inWindow
    .filter((t) => t.open)
    .map(
      (t): SlowCase => ({
        repo: t.repo,
        ghsa: t.ghsa,
        severity: t.severity,
        age: between(t.reportedAt, options.now.toISOString()) ?? 0,
        waitingFor: waitingFor(t),
      }),
    )
    .sort((a, b) => b.age - a.age || (a.ghsa < b.ghsa ? -1 : a.ghsa > b.ghsa ? 1 : 0))
    .slice(0, options.slowest ?? 5);
  return { windowDays, advisories: inWindow.length, metrics, slowestOpen };
}

function days(value: number | null): string {
  if (value === null) return "—";
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/**
 * The dashboard's "Response times" section. It names GHSA ids of open advisories: the dashboard lives in
 * the private tracker repository. Deterministic for the same input.
 */
export function renderResponseTimes(summary: ResponseSummary): string {
  const head = [
    "## Response times",
    "",
    `Advisories reported in the last ${summary.windowDays} days: ${summary.advisories}. Working days (Monday to Friday, UTC); a step not reached yet is not counted.`,
  ];
  if (summary.advisories === 0) return head.join("\n");
  const table = [
    "| Step | Median | Slowest | Reached | Policy | Over policy |",
    "|---|---|---|---|---|---|",
    ...summary.metrics.map((m) => {
      const policy = m.expectation === null ? "—" : m.expectation === 0 ? "same day" : `≤ ${m.expectation}`;
      const over = m.expectation === null ? "—" : String(m.late);
      return `| ${METRIC_LABELS[m.metric]} | ${days(m.median)} | ${days(m.max)} | ${m.count} | ${policy} | ${over} |`;
    }),
  ];
  const slow =
    summary.slowestOpen.length === 0
      ? ["", "No open advisory is waiting."]
      : [
          "",
          "Open advisories waiting longest:",
          "",
          "| Advisory | Repository | Severity | Working days since report | Waiting for |",
          "|---|---|---|---|---|",
          ...summary.slowestOpen.map(
            (s) =>
              `| ${s.ghsa} | ${s.repo} | ${s.severity ?? "not set"} | ${s.age} | ${METRIC_LABELS[s.waitingFor].replace(/^.*→ /, "")} |`,
          ),
        ];
  return [...head, "", ...table, ...slow].join("\n");
}

/** Columns of the report, in order. */
export const REPORT_COLUMNS = [
  "repository",
  "ghsa_id",
  "severity",
  "state",
  "reported_at",
  "acknowledged_at",
  "accepted_at",
  "staffed_at",
  "fixing_release",
  "fix_released_at",
  "published_at",
  ...RESPONSE_METRICS.map((m) => `${m.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}_days`),
] as const;

/** One report row per advisory, as strings in `REPORT_COLUMNS` order (empty where unknown). */
export function reportRow(t: Timeline): string[] {
  const d = (v: number | null) => (v === null ? "" : String(v));
  return [
    t.repo,
    t.ghsa,
    t.severity ?? "",
    t.state,
    t.reportedAt ?? "",
    t.acknowledgedAt ?? "",
    t.acceptedAt ?? "",
    t.staffedAt ?? "",
    t.fixRelease ?? "",
    t.fixReleasedAt ?? "",
    t.publishedAt ?? "",
    ...RESPONSE_METRICS.map((m) => d(t.days[m])),
  ];
}

/**
 * A CSV field (RFC 4180). A field a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at its
 * start) is prefixed with `'`: repository names and tags come from people.
 */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(timelines: readonly Timeline[]): string {
  return `${[REPORT_COLUMNS as readonly string[], ...timelines.map(reportRow)]
    .map((row) => row.map(csvField).join(","))
    .join("\r\n")}\r\n`;
}

export function reportMarkdown(timelines: readonly Timeline[], summary: ResponseSummary): string {
  const cell = (v: string) => (v === "" ? "—" : v.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " "));
  const rows = timelines.map((t) => `| ${reportRow(t).map(cell).join(" | ")} |`);
  return [
    renderResponseTimes(summary),
    "",
    "## Advisories",
    "",
    `| ${REPORT_COLUMNS.join(" | ")} |`,
    `|${REPORT_COLUMNS.map(() => "---").join("|")}|`,
    ...rows,
    "",
  ].join("\n");
}
