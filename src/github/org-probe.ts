/**
 * The change probe of the sweep's org read. The org query (GraphQL, one request per 100 repositories)
 * has no conditional form: an idle sweep of a large org would pay every page of it. So the last whole
 * read made for a sweep is kept (per process, in the `ListCache`), with a fingerprint of a few
 * conditional REST reads taken just before it, and the next sweep reuses it when those reads show
 * nothing changed:
 *
 * - `GET /orgs/{org}/repos?sort=pushed&direction=desc&per_page=1`: any push — roster files, the
 *   configuration, manifests only change by a push — moves its repository to the top;
 * - `GET /orgs/{org}/repos?sort=updated&direction=desc&per_page=1`: archiving, a visibility change, a
 *   rename, a new repository change `updated_at`, and move it to the top;
 * - `GET /orgs/{org}/teams/{team_slug}/members?per_page=100` for each security team the read holds:
 *   its members (a team of 100 members or more is not probed: the org is read).
 *
 * Unchanged answers are `304 Not Modified` from the ETag cache and cost no rate limit. The probes are
 * taken before the org query, so a change racing the query is seen by the next sweep. What they do
 * not show — a repository deleted or transferred away, a release made without a push, the org
 * membership of listed handles (the security-team audit) — waits for the periodic whole read: a kept
 * read older than the full-read interval is never reused. A release is acted on by its own webhook
 * event, whose scoped read is never kept nor reused, and the publish gate reads the advisory and the
 * releases from GitHub in its run: a kept read can delay a publication, never make one early.
 *
 * Only sweeps use it. Events read what they concern, fresh; commands read the whole org fresh, since
 * they authorize from it.
 */
import type { OrgSnapshot } from "./org.js";
import type { Octokit } from "./types.js";

/** The last whole read of an org's repositories made for a sweep, and what it was read for. */
export interface SweptOrg {
  /** When it was read (the app's clock, ms). */
  at: number;
  /** Roster files, security teams and listed handles it was read for (sorted, lower case). */
  asked: string;
  /** The probes taken just before it was read; null when they could not be taken. */
  fingerprint: string | null;
  snapshot: OrgSnapshot;
}

/** What an org read is asked for, as one comparable string. */
export function askedFor(files: readonly string[], teams: readonly string[], users: readonly string[]): string {
  const sorted = (xs: readonly string[]) => [...new Set(xs.map((x) => x.toLowerCase()))].sort();
  return JSON.stringify([sorted(files), sorted(teams), sorted(users)]);
}

/** A team larger than one page of members is not probed. */
const TEAM_PAGE = 100;

function status(err: unknown): number | undefined {
  return (err as { status?: number }).status;
}

/**
 * The probes' answers as one string: the top repository by `pushed` and by `updated` (id,
 * `pushed_at`, `updated_at`) and each team's members (lower-cased logins, sorted; `-` for a team that
 * does not exist). Null when a team is too large to probe in one page.
 */
export async function probeOrg(octokit: Octokit, org: string, teams: readonly string[]): Promise<string | null> {
  const top = async (sort: "pushed" | "updated") => {
    const { data } = await octokit.rest.repos.listForOrg({ org, sort, direction: "desc", per_page: 1 });
    const repo = data[0];
    return repo ? [repo.id, repo.pushed_at ?? null, repo.updated_at ?? null] : null;
  };
  const pushed = await top("pushed");
  const updated = await top("updated");
  const members: Record<string, string[] | "-"> = {};
  for (const slug of [...new Set(teams.map((t) => t.toLowerCase()))].sort()) {
    try {
      const { data } = await octokit.rest.teams.listMembersInOrg({ org, team_slug: slug, per_page: TEAM_PAGE });
      if (data.length >= TEAM_PAGE) return null;
      members[slug] = data.map((u) => u.login.toLowerCase()).sort();
    } catch (err) {
      if (status(err) !== 404) throw err;
      members[slug] = "-";
    }
  }
  return JSON.stringify({ pushed, updated, members });
}
