import { loginKey } from "../domain/handles.js";
import {
  readStateMarker,
  type StateKey,
  type StateReading,
  TRACKING_LABEL,
  type TrackingState,
} from "../domain/tracking.js";
import type { Issue, Octokit } from "./types.js";

export interface TrackingIssue {
  number: number;
  nodeId: string;
  title: string;
  body: string;
  open: boolean;
  /** Whether the app opened the issue: its state then lives at the end of the body, else in the state comment. */
  byApp: boolean;
  /** The app's comment carrying the state of an issue a person opened; null when there is none (yet). */
  stateComment: { id: number; body: string } | null;
  /** The state, only when its signature verifies; null otherwise. */
  tracking: TrackingState | null;
  /**
   * Set when the issue shows a state that does not verify (edited, forged, signed under a rotated key,
   * or missing from an issue the app opened): what it claims, never obeyed, and a fingerprint of it.
   */
  unverified: { claimed: TrackingState | null; fingerprint: string } | null;
}

const GHSA = /GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}/gi;

function byLogin(user: { login: string } | null | undefined, botLogin: string): boolean {
  return user !== null && user !== undefined && loginKey(user.login) === loginKey(botLogin);
}

/** Whether an issue (as the REST API returns it) carries `label`. */
export function hasLabel(issue: Pick<Issue, "labels">, label: string): boolean {
  const want = label.toLowerCase();
  return issue.labels.some((l) => (typeof l === "string" ? l : (l.name ?? "")).toLowerCase() === want);
}

/**
 * The tracking issues among `issues` (issues of the tracker repository as the REST API lists them,
 * open and closed: a closed tracking issue still tracks its advisory and must never be opened twice),
 * with each state read by the one reader: from the end of the body of an issue the app opened, or
 * from the app's own state comment on an issue a person opened (its comments are read, conditionally).
 * A marker anywhere else, or written by anyone else, is ignored.
 */
export async function readTrackingIssues(
  octokit: Octokit,
  owner: string,
  repo: string,
  issues: readonly Issue[],
  app: { botLogin: string; stateKey: StateKey },
): Promise<TrackingIssue[]> {
  const out: TrackingIssue[] = [];
  for (const i of issues) {
    if (i.pull_request || !hasLabel(i, TRACKING_LABEL)) continue;
    const byApp = byLogin(i.user, app.botLogin);
    let stateComment: TrackingIssue["stateComment"] = null;
    let reading: StateReading;
    if (byApp) {
      reading = readStateMarker(i.body, app.stateKey);
      // The app always writes a state into the issues it opens: one without is an edited one.
      if (reading.verdict === "none") reading = { verdict: "unverified", state: null, fingerprint: "missing" };
    } else {
      const comments =
        i.comments > 0
          ? await octokit.paginate(octokit.rest.issues.listComments, {
              owner,
              repo,
              issue_number: i.number,
              per_page: 100,
            })
          : [];
      reading = { verdict: "none" };
      // The app's first comment with a verified state; else its first with a state that does not verify.
      for (const c of comments) {
        if (!byLogin(c.user, app.botLogin)) continue;
        const r = readStateMarker(c.body, app.stateKey);
        if (r.verdict === "none" || (r.verdict === "unverified" && reading.verdict !== "none")) continue;
        stateComment = { id: c.id, body: c.body ?? "" };
        reading = r;
        if (r.verdict === "verified") break;
      }
    }
    out.push({
      number: i.number,
      nodeId: i.node_id,
      title: i.title,
      body: i.body ?? "",
      open: i.state === "open",
      byApp,
      stateComment,
      tracking: reading.verdict === "verified" ? reading.state : null,
      unverified:
        reading.verdict === "unverified" ? { claimed: reading.state, fingerprint: reading.fingerprint } : null,
    });
  }
  return out;
}

/**
 * GHSA ids an issue tracks: from its verified state; from what an unverified state claims and the
 * title (so an edited issue is not tracked twice); else — an issue a person opened, with no state of
 * the app yet — those its title and body name. These only select among the advisories GitHub lists
 * for the org: what the app records is read from GitHub, never taken from the text.
 */
export function trackedGhsas(issue: TrackingIssue): string[] {
  if (issue.tracking) return issue.tracking.advisories.map((a) => a.ghsa.toLowerCase());
  const named = (text: string) => [...text.matchAll(GHSA)].map((m) => m[0].toLowerCase());
  if (issue.unverified) {
    const claimed = (issue.unverified.claimed?.advisories ?? []).map((a) => a.ghsa.toLowerCase());
    return [...new Set([...claimed, ...named(issue.title)])];
  }
  return [...new Set([...named(issue.title), ...named(issue.body)])];
}
