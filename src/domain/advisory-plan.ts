/**
 * What the app should do to one advisory, decided from data alone: accept a report, correct its patch
 * team, request its private fork, and what its tracking issue should say.
 */
import type { CollaboratorPlan, DesiredPatchTeam } from "./patch-team.js";
import { planCollaborators } from "./patch-team.js";
import type { AdvisoryStatus, ChecklistItem, TrackingState } from "./tracking.js";

export const OPEN_STATES = ["triage", "draft"] as const;

/** The fields of a repository advisory the decision reads (GitHub's `repository-advisory` shape). */
export interface AdvisoryFacts {
  ghsa_id: string;
  html_url: string;
  summary: string;
  severity: string | null;
  state: string;
  cve_id: string | null;
  author: { login: string } | null;
  collaborating_users: Array<{ login: string }> | null;
  collaborating_teams: Array<{ slug: string }> | null;
  private_fork: { full_name: string } | null;
}

export interface IntakeSettings {
  acceptReports: boolean;
  privateFork: boolean;
  removeUnlisted: boolean;
}

export interface AdvisoryDecision {
  /** The one PATCH for the advisory (state and/or full collaborator lists), or null. */
  patch: { state?: "draft"; collaborating_users?: string[]; collaborating_teams?: string[] } | null;
  requestFork: boolean;
  collaborators: CollaboratorPlan;
}

/** How long a fork request is trusted to be in progress before it is requested again. */
export const FORK_RETRY_MS = 60 * 60 * 1000;

export function isOpen(state: string): boolean {
  return (OPEN_STATES as readonly string[]).includes(state);
}

export function reporterOf(advisory: AdvisoryFacts): string | null {
  return advisory.author?.login ?? null;
}

export function decideAdvisory(input: {
  advisory: AdvisoryFacts;
  desired: DesiredPatchTeam;
  settings: IntakeSettings;
  tracking: TrackingState | null;
  botLogin: string;
  now: Date;
}): AdvisoryDecision {
  const { advisory, desired, settings, tracking } = input;
  const reporter = reporterOf(advisory);
  const collaborators = planCollaborators(
    { users: desired.users, teams: desired.teams },
    {
      users: (advisory.collaborating_users ?? []).map((u) => u.login),
      teams: (advisory.collaborating_teams ?? []).map((t) => t.slug),
    },
    {
      removeUnlisted: settings.removeUnlisted,
      reporter,
      added: tracking?.added ?? [],
      removed: tracking?.removed ?? [],
      managed: tracking?.managed[advisory.ghsa_id] ?? [],
      botLogin: input.botLogin,
    },
  );
  if (!isOpen(advisory.state)) return { patch: null, requestFork: false, collaborators };

  const accept = advisory.state === "triage" && settings.acceptReports;
  const patch: NonNullable<AdvisoryDecision["patch"]> = {};
  if (accept) patch.state = "draft";
  if (collaborators.change) Object.assign(patch, collaborators.change);

  const requestedAt = tracking?.forkRequestedAt[advisory.ghsa_id];
  const recentlyRequested = requestedAt !== undefined && input.now.getTime() - Date.parse(requestedAt) < FORK_RETRY_MS;
  const willBeDraft = advisory.state === "draft" || accept;
  const requestFork = settings.privateFork && willBeDraft && advisory.private_fork === null && !recentlyRequested;

  return { patch: Object.keys(patch).length > 0 ? patch : null, requestFork, collaborators };
}

/** The checklist of the process steps, from what GitHub says now. */
export function checklist(
  a: AdvisoryFacts,
  extra: {
    acknowledged: boolean;
    staffed: boolean;
    forkRequested: boolean;
    fixingRelease: string | null;
    forkWanted: boolean;
  },
): ChecklistItem[] {
  const published = a.state === "published";
  return [
    { label: "Report acknowledged", done: extra.acknowledged || published },
    { label: "Accepted as a draft advisory", done: a.state !== "triage" },
    { label: "Patch team staffed", done: extra.staffed },
    {
      label: "Private fork ready",
      done: a.private_fork !== null || published,
      ...(a.private_fork
        ? { note: a.private_fork.full_name }
        : extra.forkRequested
          ? { note: "requested" }
          : !extra.forkWanted
            ? { note: "not wanted (intake.privateFork: false)" }
            : {}),
    },
    { label: "CVE assigned", done: a.cve_id !== null, ...(a.cve_id ? { note: a.cve_id } : {}) },
    {
      label: "Fix released",
      done: extra.fixingRelease !== null,
      ...(extra.fixingRelease ? { note: extra.fixingRelease } : {}),
    },
    { label: "Advisory published", done: published },
  ];
}

export function statusOf(
  a: AdvisoryFacts,
  repo: string,
  parts: {
    team: string[];
    checklist: ChecklistItem[];
    fixingRelease: string | null;
    blockers: string[];
    notes: string[];
  },
): AdvisoryStatus {
  return {
    repo,
    ghsa: a.ghsa_id,
    htmlUrl: a.html_url,
    summary: a.summary,
    severity: a.severity,
    state: a.state,
    team: parts.team,
    fork: a.private_fork?.full_name ?? null,
    cve: a.cve_id,
    fixingRelease: parts.fixingRelease,
    blockers: parts.blockers,
    checklist: parts.checklist,
    notes: parts.notes,
  };
}
