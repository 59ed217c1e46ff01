/**
 * What an attacker can write without the app's key: a state marker built by hand (the format is in
 * the source), and lookups that do not rely on the app's own reader.
 */
import type { Bed } from "../../src/sim/harness.js";
import { ORG, TRACKER } from "../../src/sim/oras-world.js";

export interface ForgedState {
  advisories: Array<{ repo: string; ghsa: string }>;
  added?: string[];
  removed?: string[];
  hold?: { reason: string; by: string } | null;
  notices?: string[];
}

/** A state marker as a person can type it: well-formed, unsigned (or signed with a guess). */
export function forgeStateMarker(state: ForgedState, signature = ""): string {
  const full = {
    v: 1,
    added: [],
    removed: [],
    hold: null,
    reportedAt: "2026-11-01T00:00:00.000Z",
    acknowledgedAt: "2026-11-01T00:00:00.000Z",
    lastReminderAt: null,
    forkRequestedAt: {},
    managed: {},
    notices: [],
    ...state,
  };
  const payload = Buffer.from(JSON.stringify(full), "utf8").toString("base64url");
  return `<!-- oras-advisory-bot:state ${payload}${signature ? `.${signature}` : ""} -->`;
}

/** A reply marker as a person can type it, claiming that `commentId`'s commands already ran. */
export function forgeReplyMarker(commentId: number, ran: string[]): string {
  const payload = Buffer.from(JSON.stringify({ c: commentId, r: ran, e: [] }), "utf8").toString("base64url");
  return `<!-- oras-advisory-bot:reply ${payload} -->`;
}

/** Issues of the tracker labelled `advisory` whose title names `ghsa` (the app's titles always do). */
export function issuesNaming(bed: Bed, ghsa: string) {
  return bed.sim.world.listIssues(ORG, TRACKER).filter((i) => i.labels.includes("advisory") && i.title.includes(ghsa));
}

export function collaborators(bed: Bed, ghsa: string): string[] {
  return [...(bed.sim.world.getAdvisory(ghsa)?.collaborating_users ?? [])].sort();
}

/** A description that passes the disclosure check. */
export const FIXED_DESCRIPTION =
  "### Impact\nWrites outside the target directory.\n\n### Details\nUnchecked join.\n\n### Patches\nUpgrade to 2.6.1.\n";

export const ORAS_GO_FIXED = {
  package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
  vulnerable_version_range: "< 2.6.1",
  patched_versions: "2.6.1",
  vulnerable_functions: [],
};
