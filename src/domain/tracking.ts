/**
 * The tracking issue of a vulnerability, in the private tracker repository. Everything the app must
 * remember lives here on GitHub (never in memory): which advisories it tracks, people added or
 * removed by command, holds, acknowledgement and reminder dates, notices already given. The state is
 * a hidden marker at the very end of the body of an issue the app opened (or of the app's own state
 * comment on an issue a person opened); the rest of the body is rendered from the advisories and the
 * state, with every piece of text people wrote passed through `escapeUntrusted`.
 *
 * The state is authenticated: `encodeState` signs it (HMAC-SHA256 over its canonical JSON, with the
 * app's state key) and `readStateMarker` — the one reader — accepts it only when the signature
 * verifies. A state that does not verify is reported as such and never obeyed.
 */

import { createHmac, timingSafeEqual } from "node:crypto";
import type { RecordedMilestones } from "./response-times.js";
import { escapeUntrusted } from "./untrusted.js";

export const TRACKING_LABEL = "advisory";
export const DASHBOARD_LABEL = "advisory-dashboard";
export const AUDIT_LABEL = "advisory-audit";

/** The state marker, only as the last thing of a body: `<!-- oras-advisory-bot:state <payload>.<signature> -->`. */
const MARKER = /<!-- oras-advisory-bot:state ([A-Za-z0-9_-]{1,1000000})(?:\.([A-Za-z0-9_-]{1,100}))? -->\s*$/;
/** Longest state the reader looks at; a real one is a few kilobytes. */
const MAX_MARKER = 1_000_000;

/** The key that signs tracking states: 32 bytes derived from the app's secret configuration. */
export type StateKey = Uint8Array;

/** What the state key is derived from the secret with; `WEBHOOK_SECRET`-derived keys use the same label. */
export const STATE_KEY_LABEL = "oras-advisory-bot:state-key:v1";

/** The state key derived from a secret (`STATE_SECRET`, else `WEBHOOK_SECRET`). */
export function deriveStateKey(secret: string): StateKey {
  return createHmac("sha256", secret).update(STATE_KEY_LABEL).digest();
}

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

/** JSON with object keys sorted at every level: one text per state, whatever order it was built in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function sign(payload: string, key: StateKey): Buffer {
  return createHmac("sha256", key).update(`state\n${payload}`).digest();
}

/** The hidden marker carrying the state, signed with the app's state key. */
export function encodeState(state: TrackingState, key: StateKey): string {
  const payload = Buffer.from(canonicalJson(state), "utf8").toString("base64url");
  return `<!-- oras-advisory-bot:state ${payload}.${sign(payload, key).toString("base64url")} -->`;
}

/**
 * What the end of a body says about the state: a state whose signature verifies; a state-shaped
 * marker that does not verify (edited, forged, or signed under a key since rotated — `state` is what
 * it claims, to be shown and never obeyed; `fingerprint` tells one such marker from another); or none.
 */
export type StateReading =
  | { verdict: "verified"; state: TrackingState }
  | { verdict: "unverified"; state: TrackingState | null; fingerprint: string }
  | { verdict: "none" };

/**
 * The one reader of the tracking state. Only a marker that ends the text counts (a marker anywhere
 * else is text people wrote), and only a signature made with `key` makes it trusted. Callers pass only
 * bodies the app authored.
 */
export function readStateMarker(body: string | null | undefined, key: StateKey): StateReading {
  if (!body) return { verdict: "none" };
  const tail = body.length > MAX_MARKER ? body.slice(-MAX_MARKER) : body;
  const at = tail.lastIndexOf("<!-- oras-advisory-bot:state ");
  const match = at === -1 ? null : MARKER.exec(tail.slice(at));
  if (at === -1) return { verdict: "none" };
  const fingerprintOf = (text: string) => createHmac("sha256", "fingerprint").update(text).digest("hex").slice(0, 16);
  // A marker that is not the well-formed end of the body: something was written after or into it.
  if (!match?.[1]) return { verdict: "unverified", state: null, fingerprint: fingerprintOf(tail.slice(at)) };
  const payload = match[1];
  const fingerprint = fingerprintOf(match[0]);
  const claimed = parseState(payload);
  const given = match[2] ? Buffer.from(match[2], "base64url") : Buffer.alloc(0);
  const want = sign(payload, key);
  if (claimed === null || given.length !== want.length || !timingSafeEqual(given, want))
    return { verdict: "unverified", state: claimed, fingerprint };
  return { verdict: "verified", state: claimed };
}

/** A state's JSON, each field checked; null when it is not a state. */
function parseState(payload: string): TrackingState | null {
  try {
    const raw = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<TrackingState>;
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

/** One advisory of a case as GitHub shows it now, for re-signing a state that did not verify. */
export interface SeenOnGitHub {
  tracked: TrackedAdvisory;
  createdAt: string | null;
  /** Its collaborators now. */
  collaborators: string[];
  /** Who it would have by the rosters, the security team and the reporter alone (nobody added or removed). */
  desired: string[];
  reporter: string | null;
}

/**
 * The state a security team's `/advisory sync` re-signs when the issue's state did not verify: built
 * from what GitHub shows, not from the unverified text. The patch team stays as it is now (current
 * collaborators the rosters do not call for are recorded as added; people the rosters call for who are
 * not collaborators, as removed — `/advisory add` staffs them); a hold the unverified state shows is
 * kept (a hold only delays); the security team's confirmation acknowledges the report.
 */
export function restateFromGitHub(seen: SeenOnGitHub[], claimed: TrackingState | null, now: Date): TrackingState {
  const key = (s: string) => s.toLowerCase();
  const added = new Map<string, string>();
  const desiredSomewhere = new Map<string, string>();
  const staffedSomewhere = new Set<string>();
  for (const a of seen) {
    const desired = new Set(a.desired.map(key));
    for (const login of a.collaborators) {
      staffedSomewhere.add(key(login));
      if (!desired.has(key(login))) added.set(key(login), login);
    }
    for (const login of a.desired)
      if (!a.reporter || key(a.reporter) !== key(login)) desiredSomewhere.set(key(login), login);
  }
  const removed = [...desiredSomewhere].filter(([k]) => !staffedSomewhere.has(k)).map(([, login]) => login);
  const created = seen.map((a) => a.createdAt).filter((x): x is string => x !== null);
  const reportedAt =
    created.length > 0 ? created.reduce((x, y) => (Date.parse(x) <= Date.parse(y) ? x : y)) : now.toISOString();
  return {
    v: 1,
    advisories: seen.map((a) => a.tracked),
    added: [...added.values()],
    removed,
    hold: claimed?.hold ?? null,
    reportedAt,
    acknowledgedAt: now.toISOString(),
    lastReminderAt: null,
    forkRequestedAt: {},
    managed: {},
    notices: [],
    milestones: claimed?.milestones ?? {},
    // Watch phrases only add private notices: the ones the unverified state shows are kept.
    watch: claimed?.watch ?? [],
  };
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

/** The tracking issue's title: names the advisory, not its content (titles show in notifications). */
export function trackingTitle(first: TrackedAdvisory): string {
  return `[${first.ghsa}] Security advisory in ${first.repo}`;
}

/** What the tracking issue shows besides the advisories. */
export interface TrackingExtras {
  /** People added with `/advisory add` as outside experts (named in the org's `patchTeam.outsideExperts`). */
  outsideExperts?: readonly string[];
}

/**
 * The tracking issue's body: the status of each advisory, then the signed state as its last line.
 * On an issue a person opened the state goes in the app's state comment instead (`renderStateComment`).
 */
export function renderTrackingBody(
  statuses: AdvisoryStatus[],
  state: TrackingState,
  key: StateKey,
  extras: TrackingExtras = {},
): string {
  return `${renderTrackingStatus(statuses, state, extras)}\n\n${encodeState(state, key)}`;
}

/** The comment that carries the state of a tracking issue a person opened (the app authors the comment). */
export function renderStateComment(state: TrackingState, key: StateKey): string {
  return `Tracking state of this issue, kept by oras-advisory-bot. An edited state is not obeyed: the security team is asked to confirm the case instead.\n\n${encodeState(state, key)}`;
}

/** The status part of the tracking issue's body, without the state. */
export function renderTrackingStatus(
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
      `> [!WARNING]\n> On hold (automatic publication paused) by @${escapeUntrusted(state.hold.by)}: ${escapeUntrusted(state.hold.reason)}`,
    );
  for (const s of statuses) {
    const rows = [
      ["Advisory", `[${s.ghsa}](${s.htmlUrl})`],
      ["Repository", s.repo],
      ["Summary", escapeUntrusted(s.summary)],
      ["Severity", s.severity ?? "not set"],
      ["State", s.state],
      ["Patch team", s.team.length > 0 ? s.team.map((u) => `@${u}`).join(" ") : "nobody yet"],
      ["Private fork", s.fork ?? "none"],
      ["CVE", s.cve ?? "none"],
      ["Fixing release", s.fixingRelease === null ? "not yet" : escapeUntrusted(s.fixingRelease)],
      ["Blockers", s.blockers.length > 0 ? s.blockers.map((b) => escapeUntrusted(b)).join("; ") : "none"],
    ];
    const table = ["| | |", "|---|---|", ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join("\n");
    const checklist = s.checklist
      .map((c) => `- [${c.done ? "x" : " "}] ${c.label}${c.note ? ` — ${escapeUntrusted(c.note)}` : ""}`)
      .join("\n");
    const notes = s.notes.length > 0 ? `\n\n${s.notes.map((n) => `> ${escapeUntrusted(n)}`).join("\n")}` : "";
    parts.push(`### ${s.ghsa} · ${s.repo}\n\n${table}\n\n${checklist}${notes}`);
  }
  return parts.join("\n\n");
}

/** A notice the app posts on a tracking issue, with the key its state records once it is posted. */
export interface Notice {
  key: string;
  body: string;
}

/**
 * The hidden line that ties a posted comment to its notice key, so a notice is never posted twice.
 * It counts only as the last line of a comment the app wrote (`carriesNotice`).
 */
export function noticeMarker(key: string): string {
  return `<!-- oras-advisory-bot:notice ${key.replace(/[<>]/g, "")} -->`;
}

/** Whether a comment body the app wrote ends with the marker of `key`. */
export function carriesNotice(body: string, key: string): boolean {
  return body.trimEnd().endsWith(noticeMarker(key));
}

/** The comment text of a notice: its body and its marker. */
export function renderNotice(notice: Notice): string {
  return `${notice.body}\n\n${noticeMarker(notice.key)}`;
}
