/**
 * What one run has read from GitHub, so that it reads each thing once. A run holds its org's lock from
 * its first read to its last write (`workflows/lock.ts`), so nothing the app does changes these between
 * two uses; the app's own writes are folded in as they are made (`releaseEdited`, `advisoryWritten`).
 * It lives as long as the run and is never kept between runs: every run reads GitHub afresh.
 *
 * Used by publication: a release that fixes several drafts of a repository reads the repository's
 * releases and its drafts once for all of them, instead of once per advisory.
 */
import type { Octokit, Release, RepositoryAdvisory } from "./types.js";

const key = (owner: string, repo: string): string => `${owner}/${repo}`.toLowerCase();

/** The pages of one list, read only as far as a caller has needed. */
class Pages<T> {
  readonly pages: T[][] = [];
  #rest: AsyncIterator<{ data: T[] }> | null;

  constructor(iterator: AsyncIterable<{ data: T[] }>) {
    this.#rest = iterator[Symbol.asyncIterator]();
  }

  /** Page `i` (from 0), read now if it has not been; null past the end of the list. */
  async page(i: number): Promise<T[] | null> {
    while (this.pages.length <= i) {
      if (this.#rest === null) return null;
      const next = await this.#rest.next();
      if (next.done) {
        this.#rest = null;
        return null;
      }
      this.pages.push(next.value.data);
    }
    return this.pages[i] ?? null;
  }
}

/** An annotation of a release's notes waiting for the run's one edit of that release. */
export interface PendingNote {
  owner: string;
  repo: string;
  release: Pick<Release, "id" | "tag_name" | "body">;
  advisory: { ghsa: string; url: string; summary: string };
  /** Credited with the edit (the first note of a release is): the writes of the run that decided it. */
  account: { writes: number };
  /** Set when the run's edit of the release was made (or was not needed), or refused. */
  outcome: { complete: boolean } | null;
}

export class RunReads {
  readonly #releases = new Map<string, Pages<Release>>();
  readonly #drafts = new Map<string, Promise<RepositoryAdvisory[]>>();
  /** Release-notes annotations decided by this run, made together by `flushReleaseNotes`. */
  readonly notes: PendingNote[] = [];

  /** The repository's releases, newest first, page by page: each page read once a run. */
  releasePages(octokit: Octokit, owner: string, repo: string): Pages<Release> {
    const k = key(owner, repo);
    let pages = this.#releases.get(k);
    if (!pages) {
      pages = new Pages<Release>(
        octokit.paginate.iterator(octokit.rest.repos.listReleases, { owner, repo, per_page: 100 }) as AsyncIterable<{
          data: Release[];
        }>,
      );
      this.#releases.set(k, pages);
    }
    return pages;
  }

  /** The repository's draft advisories, listed once a run. */
  drafts(octokit: Octokit, owner: string, repo: string): Promise<RepositoryAdvisory[]> {
    const k = key(owner, repo);
    let listed = this.#drafts.get(k);
    if (!listed) {
      listed = octokit.paginate(octokit.rest.securityAdvisories.listRepositoryAdvisories, {
        owner,
        repo,
        state: "draft",
        per_page: 100,
      });
      // A failed read is not remembered: the next use asks again.
      listed.catch(() => this.#drafts.delete(k));
      this.#drafts.set(k, listed);
    }
    return listed;
  }

  /** The release as this run last saw it (its notes edited by this run included), if it has read it. */
  release(owner: string, repo: string, id: number): Release | undefined {
    for (const page of this.#releases.get(key(owner, repo))?.pages ?? [])
      for (const r of page) if (r.id === id) return r;
    return undefined;
  }

  /** Folds in a release as GitHub answered the app's edit of it. */
  releaseEdited(owner: string, repo: string, edited: Release): void {
    for (const page of this.#releases.get(key(owner, repo))?.pages ?? []) {
      const at = page.findIndex((r) => r.id === edited.id);
      if (at !== -1) page[at] = edited;
    }
  }

  /** Folds in an advisory as GitHub answered the app's write to it (a publication, a re-staffing). */
  async advisoryWritten(owner: string, repo: string, written: RepositoryAdvisory): Promise<void> {
    const listed = this.#drafts.get(key(owner, repo));
    if (!listed) return;
    const drafts = await listed.catch(() => null);
    if (!drafts) return;
    const at = drafts.findIndex((a) => a.ghsa_id.toLowerCase() === written.ghsa_id.toLowerCase());
    if (at !== -1) drafts[at] = written;
  }
}
