/**
 * Release lookups for publication decisions. GitHub lists a repository's releases newest first; a
 * decision needs the releases of particular versions, which may be far down the list (a fix on an old
 * branch, released before twenty newer ones). This reads page by page until it has seen a release of
 * every wanted version, and no further.
 */
import semver from "semver";
import { parseReleaseVersion } from "../domain/releases.js";
import type { RunReads } from "./run-reads.js";
import type { Octokit, Release } from "./types.js";

/**
 * The published (non-draft) releases of a repository, read from GitHub, newest first: every page
 * until a release of each version in `versions` has been seen, or the list ends. With no version to
 * look for (an advisory fixed by a release whose notes name its GHSA id), every release is read.
 * With `reads` (the run's), each page is read once a run, however many advisories look.
 */
export async function findReleases(
  octokit: Octokit,
  owner: string,
  repo: string,
  versions: readonly string[],
  reads?: RunReads,
): Promise<Release[]> {
  const wanted = versions.map((v) => semver.valid(v)).filter((v): v is string => v !== null);
  const unseen = new Set(wanted);
  const lookForAll = wanted.length === 0 || wanted.length < versions.length;
  const found: Release[] = [];
  const pages: AsyncIterable<{ data: Release[] }> = reads
    ? pagesOf(reads, octokit, owner, repo)
    : octokit.paginate.iterator(octokit.rest.repos.listReleases, { owner, repo, per_page: 100 });
  for await (const { data } of pages) {
    for (const release of data) {
      if (release.draft || release.published_at === null) continue;
      found.push(release);
      const version = parseReleaseVersion(release.tag_name);
      if (version === null) continue;
      for (const v of unseen) if (semver.eq(v, version)) unseen.delete(v);
    }
    if (!lookForAll && unseen.size === 0) break;
  }
  return found;
}

async function* pagesOf(
  reads: RunReads,
  octokit: Octokit,
  owner: string,
  repo: string,
): AsyncIterable<{ data: Release[] }> {
  const pages = reads.releasePages(octokit, owner, repo);
  for (let i = 0; ; i++) {
    const page = await pages.page(i);
    if (page === null) return;
    yield { data: [...page] };
  }
}
