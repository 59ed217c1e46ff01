/**
 * The embargo watch's index, kept per org between runs: refreshed by every run that has read the org's
 * advisories (the sweep whole, an event for the advisories it read), so deciding about public text
 * reads nothing. Only before the first sweep of a process (or after `/advisory watch` changed the
 * phrases) is it read: the org's advisories in one conditional list.
 */
import { isOpen } from "../domain/advisory-plan.js";
import { buildWatchIndex, type WatchedAdvisory, type WatchIndex } from "../domain/embargo-watch.js";
import { advisoryRepo, type RepositoryAdvisory } from "../github/types.js";
import type { OrgView, RunContext } from "./org-view.js";

function watched(advisory: RepositoryAdvisory, phrases: readonly string[]): WatchedAdvisory {
  const { owner, repo } = advisoryRepo(advisory);
  return {
    ghsa: advisory.ghsa_id,
    repo: `${owner}/${repo}`,
    cve: advisory.cve_id ?? null,
    fork: advisory.private_fork?.full_name ?? null,
    phrases,
  };
}

/** The phrases each tracked GHSA id (lower case) watches, from the tracking issues' states. */
function phrasesOf(view: OrgView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const tracker of view.trackers.values())
    for (const issue of tracker.issues)
      for (const a of issue.tracking?.advisories ?? []) out.set(a.ghsa.toLowerCase(), issue.tracking?.watch ?? []);
  return out;
}

export class EmbargoWatch {
  private readonly byOrg = new Map<string, Map<string, WatchedAdvisory>>();
  private readonly indexes = new Map<string, WatchIndex>();

  private set(org: string, entries: Map<string, WatchedAdvisory>): void {
    this.byOrg.set(org.toLowerCase(), entries);
    this.indexes.set(org.toLowerCase(), buildWatchIndex([...entries.values()]));
  }

  /**
   * Takes in what a run read. A view of the whole org (`complete`) replaces the index; a scoped view
   * updates the advisories it holds (added while unpublished, dropped once published or closed).
   */
  learn(view: OrgView, complete: boolean): void {
    const phrases = phrasesOf(view);
    const known = this.byOrg.get(view.org.toLowerCase());
    if (!complete && !known) return; // a partial view cannot stand for the org; the next sweep builds it
    const entries = complete ? new Map<string, WatchedAdvisory>() : new Map(known);
    for (const advisory of view.advisories) {
      const key = advisory.ghsa_id.toLowerCase();
      if (isOpen(advisory.state)) {
        const kept = phrases.get(key) ?? entries.get(key)?.phrases ?? [];
        entries.set(key, watched(advisory, kept));
      } else entries.delete(key);
    }
    if (!complete) {
      // Phrases changed by command are on the tracking issues a scoped view read.
      for (const [key, list] of phrases) {
        const entry = entries.get(key);
        if (entry) entries.set(key, { ...entry, phrases: list });
      }
    }
    this.set(view.org, entries);
  }

  /** Forgets the org's index, so the next public event reads it afresh. */
  forget(org: string): void {
    this.byOrg.delete(org.toLowerCase());
    this.indexes.delete(org.toLowerCase());
  }

  /** The org's index, when a run has built it: deciding from it needs no run context at all. */
  known(org: string): WatchIndex | undefined {
    return this.indexes.get(org.toLowerCase());
  }

  /** The org's index; without one (a process that has not swept yet), one conditional list of its advisories. */
  async index(ctx: RunContext): Promise<WatchIndex> {
    const known = this.known(ctx.org);
    if (known) return known;
    const advisories = await ctx.octokit.paginate(ctx.octokit.rest.securityAdvisories.listOrgRepositoryAdvisories, {
      org: ctx.org,
      per_page: 100,
      sort: "updated",
      direction: "desc",
    });
    const entries = new Map<string, WatchedAdvisory>();
    for (const a of advisories) if (isOpen(a.state)) entries.set(a.ghsa_id.toLowerCase(), watched(a, []));
    this.set(ctx.org, entries);
    return this.indexes.get(ctx.org.toLowerCase()) as WatchIndex;
  }
}
