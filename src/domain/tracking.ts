/**
 * The tracking issue of a vulnerability, in the private tracker repository. Everything the app must
 * remember lives here on GitHub (never in memory): which advisories it tracks, people added or
 * removed by command, holds, acknowledgement and reminder dates, notices already given. The state is
 * a hidden marker in the body; the rest of the body is rendered from the advisories and the state.
 */
import type { RecordedMilestones } from "./response-times.js";

export const TRACKING_LABEL = "advisory";
export const DASHBOARD_LABEL = "advisory-dashboard";
export const AUDIT_LABEL = "advisory-audit";

const MARKER = /<!--\s*oras-advisory-bot:state\s+([A-Za-z0-9_-]+)\s*-->/;

export interface TrackedAdvisory {
  /** `owner/repo`. */
  repo: string;
  ghsa: string;
}

export interface TrackingState {
  v: 1;
  /** The advisories of one vulnerability: the first is where it was reported, the rest are siblings. */
  advisories: TrackedAdvisory[];
  added: string[];
  removed: string[];
  hold: { reason: string; by: string } | null;
  /** ISO time the report was first seen. */
  reportedAt: string;
  /** ISO time a human (not the reporter, not the app) first acted; null while unacknowledged. */
  acknowledgedAt: string | null;
  lastReminderAt: string | null;
  /** ISO time the private fork was requested per advisory (GHSA), so a slow fork is not requested twice. */
  forkRequestedAt: Record<string, string>;
  /** Per GHSA, the people the app staffed last time: those who stop being desired are removed again. */
  managed: Record<string, string[]>;
  /** Keys of notices already posted (e.g. `blocked:GHSA…:v2.6.1`), so each is posted once. */
  notices: string[];
  /** Per GHSA (lower case), when the app first saw the advisory accepted and its patch team complete. */
  milestones: Record<string, RecordedMilestones>;
  /** Phrases the embargo watch looks for in public text, added by `/advisory watch`. */
  watch: string[];
}

export function newTrackingState(advisories: TrackedAdvisory[], now: Date): TrackingState {
  return {
    v: 1,
    advisories,
    added: [],
    removed: [],
    hold: null,
    reportedAt: now.toISOString(),
    acknowledgedAt: null,
    lastReminderAt: null,
    forkRequestedAt: {},
    managed: {},
    notices: [],
    milestones: {},
    watch: [],
  };
}

export function encodeState(state: TrackingState): string {
  return `<!-- oras-advisory-bot:state ${Buffer.from(JSON.stringify(state), "utf8").toString("base64url")} -->`;
}

/** The state hidden in a tracking issue's body, or null when the body carries none (or a corrupt one). */
export function decodeState(body: string | null | undefined): TrackingState | null {
  const match = body ? MARKER.exec(body) : null;
  if (!match?.[1]) return null;
  try {
    const raw = JSON.parse(Buffer.from(match[1], "base64url").toString("utf8")) as Partial<TrackingState>;
    if (raw.v !== 1 || !Array.isArray(raw.advisories)) return null;
    const advisories = raw.advisories.filter(
      (a): a is TrackedAdvisory => typeof a?.repo === "string" && typeof a?.ghsa === "string",
    );
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
    const record = <T>(v: unknown, pick: (x: unknown) => T | undefined): Record<string, T> => {
      const out: Record<string, T> = {};
      if (v && typeof v === "object" && !Array.isArray(v)) {
        for (const [k, x] of Object.entries(v)) {
          const value = pick(x);
          if (value !== undefined) out[k] = value;
        }
      }
      return out;
    };
    const hold =
      raw.hold && typeof raw.hold.reason === "string"
        ? { reason: raw.hold.reason, by: String(raw.hold.by ?? "") }
        : null;
    return {
      v: 1,
      advisories,
      added: strings(raw.added),
      removed: strings(raw.removed),
      hold,
      reportedAt: typeof raw.reportedAt === "string" ? raw.reportedAt : new Date(0).toISOString(),
      acknowledgedAt: typeof raw.acknowledgedAt === "string" ? raw.acknowledgedAt : null,
      lastReminderAt: typeof raw.lastReminderAt === "string" ? raw.lastReminderAt : null,
      forkRequestedAt: record(raw.forkRequestedAt, (x) => (typeof x === "string" ? x : undefined)),
      managed: record(raw.managed, (x) => (Array.isArray(x) ? strings(x) : undefined)),
      notices: strings(raw.notices),
      milestones: record(raw.milestones, (x) => {
        if (!x || typeof x !== "object" || Array.isArray(x)) return undefined;
        const m = x as Record<string, unknown>;
        const out: RecordedMilestones = {};
        if (typeof m.acceptedAt === "string") out.acceptedAt = m.acceptedAt;
        if (typeof m.staffedAt === "string") out.staffedAt = m.staffedAt;
        return out;
      }),
      watch: strings(raw.watch),
    };
  } catch {
    return null;
  }
}

function earliest(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * The state of a tracking issue that absorbs a duplicate (two were opened for one vulnerability, e.g. by
 * two replicas at once). Nothing recorded on either is lost: a hold on either holds; people added or
 * removed on either stay so, the kept issue deciding when they disagree; the earliest report and
 * acknowledgement and the latest reminder count; notices given on either are not given again.
 */
export function mergeTrackingStates(keep: TrackingState, other: TrackingState): TrackingState {
  const has = (list: string[], login: string) => list.some((x) => x.toLowerCase() === login.toLowerCase());
  const union = (a: string[], b: string[]) => [...a, ...b.filter((x) => !has(a, x))];
  return {
    v: 1,
    advisories: [...keep.advisories, ...other.advisories.filter((a) => !tracks(keep, a.ghsa))],
    added: union(
      keep.added,
      other.added.filter((x) => !has(keep.removed, x)),
    ),
    removed: union(
      keep.removed,
      other.removed.filter((x) => !has(keep.added, x)),
    ),
    hold: keep.hold ?? other.hold,
    reportedAt: earliest(keep.reportedAt, other.reportedAt) ?? keep.reportedAt,
    acknowledgedAt: earliest(keep.acknowledgedAt, other.acknowledgedAt),
    lastReminderAt: latest(keep.lastReminderAt, other.lastReminderAt),
    forkRequestedAt: { ...other.forkRequestedAt, ...keep.forkRequestedAt },
    managed: { ...other.managed, ...keep.managed },
    notices: union(keep.notices, other.notices),
    milestones: { ...other.milestones, ...keep.milestones },
    watch: union(keep.watch, other.watch),
  };
}

export function sameGhsa(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

export function tracks(state: TrackingState, ghsa: string): boolean {
  return state.advisories.some((a) => sameGhsa(a.ghsa, ghsa));
}

/** One line of the checklist of the process steps, kept current by the app. */
export interface ChecklistItem {
  label: string;
  done: boolean;
  note?: string;
}

/** What the status block shows for one advisory. Content here is fine: the tracker is private. */
export interface AdvisoryStatus {
  repo: string;
  ghsa: string;
  htmlUrl: string;
  summary: string;
  severity: string | null;
  state: string;
  team: string[];
  fork: string | null;
  cve: string | null;
  fixingRelease: string | null;
  blockers: string[];
  checklist: ChecklistItem[];
  notes: string[];
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
}

/** The tracking issue's title: names the advisory, not its content (titles show in notifications). */
export function trackingTitle(first: TrackedAdvisory): string {
  return `[${first.ghsa}] Security advisory in ${first.repo}`;
}

/** What the tracking issue shows besides the advisories. */
export interface TrackingExtras {
  /** People added with `/advisory add` as outside experts (named in the org's `patchTeam.outsideExperts`). */
  outsideExperts?: readonly string[];
}

export function renderTrackingBody(
  statuses: AdvisoryStatus[],
  state: TrackingState,
  extras: TrackingExtras = {},
): string {
  const parts: string[] = [];
  parts.push(
    "This issue tracks a vulnerability handled under the security policy. It is kept current by oras-advisory-bot; comment `/advisory help` for commands.",
  );
  const experts = extras.outsideExperts ?? [];
  if (experts.length > 0)
    parts.push(
      `Outside experts on the patch team (not maintainers; named in \`patchTeam.outsideExperts\` of the org's configuration): ${experts.map((e) => `@${e}`).join(" ")}`,
    );
  if (state.hold)
    parts.push(
      `> [!WARNING]\n> On hold (automatic publication paused) by @${state.hold.by}: ${escapeCell(state.hold.reason)}`,
    );
  for (const s of statuses) {
    const rows = [
      ["Advisory", `[${s.ghsa}](${s.htmlUrl})`],
      ["Repository", s.repo],
      ["Summary", escapeCell(s.summary)],
      ["Severity", s.severity ?? "not set"],
      ["State", s.state],
      ["Patch team", s.team.length > 0 ? s.team.map((u) => `@${u}`).join(" ") : "nobody yet"],
      ["Private fork", s.fork ?? "none"],
      ["CVE", s.cve ?? "none"],
      ["Fixing release", s.fixingRelease ?? "not yet"],
      ["Blockers", s.blockers.length > 0 ? s.blockers.map(escapeCell).join("; ") : "none"],
    ];
    const table = ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
    const checklist = s.checklist
      .map((c) => `- [${c.done ? "x" : " "}] ${c.label}${c.note ? ` — ${c.note}` : ""}`)
      .join("\n");
    const notes = s.notes.length > 0 ? `\n\n${s.notes.map((n) => `> ${n}`).join("\n")}` : "";
    parts.push(`### ${s.ghsa} · ${s.repo}\n\n${table}\n\n${checklist}${notes}`);
  }
  parts.push(encodeState(state));
  return parts.join("\n\n");
}

/** A notice the app posts on a tracking issue, with the key its state records once it is posted. */
export interface Notice {
  key: string;
  body: string;
}

/** The hidden line that ties a posted comment to its notice key, so a notice is never posted twice. */
export function noticeMarker(key: string): string {
  return `<!-- oras-advisory-bot:notice ${key.replace(/-->/g, "")} -->`;
}

/** The comment text of a notice: its body and its marker. */
export function renderNotice(notice: Notice): string {
  return `${notice.body}\n\n${noticeMarker(notice.key)}`;
}
