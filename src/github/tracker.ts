import { decodeState, TRACKING_LABEL, type TrackingState } from "../domain/tracking.js";
import type { Octokit } from "./types.js";

export interface TrackingIssue {
  number: number;
  nodeId: string;
  title: string;
  body: string;
  open: boolean;
  /** Decoded state; null when the marker is missing or unreadable. */
  tracking: TrackingState | null;
}

const GHSA = /GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}/gi;

/**
 * Every issue labelled `advisory` in the tracker repository, open or closed (a closed tracking issue
 * still tracks its advisory: it must never be opened twice).
 */
export async function listTrackingIssues(octokit: Octokit, owner: string, repo: string): Promise<TrackingIssue[]> {
  const issues = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner,
    repo,
    labels: TRACKING_LABEL,
    state: "all",
    per_page: 100,
  });
  return issues
    .filter((i) => !i.pull_request)
    .map((i) => ({
      number: i.number,
      nodeId: i.node_id,
      title: i.title,
      body: i.body ?? "",
      open: i.state === "open",
      tracking: decodeState(i.body),
    }));
}

/** GHSA ids an issue tracks: from its state marker, else (marker lost) from its title. */
export function trackedGhsas(issue: TrackingIssue): string[] {
  if (issue.tracking) return issue.tracking.advisories.map((a) => a.ghsa.toLowerCase());
  return [...issue.title.matchAll(GHSA)].map((m) => m[0].toLowerCase());
}
