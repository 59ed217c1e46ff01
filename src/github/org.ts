import { CONFIG_PATH } from "../config/schema.js";
import type { RepoManifests } from "../domain/packages.js";
import { MANIFEST_FIELDS, manifestsOf } from "./manifests.js";
import type { Octokit } from "./types.js";

/** One repository of the org as the reconcilers see it: flags and the text of its roster files. */
export interface RepoSnapshot {
  /** GraphQL node id (used for issue transfer). */
  id: string;
  name: string;
  archived: boolean;
  private: boolean;
  /** `private` is true for internal repositories too; only `visibility: "private"` keeps an embargo. */
  visibility: "public" | "private" | "internal";
  /** Text of each requested roster file on the default branch; null when absent. */
  files: Record<string, string | null>;
  /** Text of the repository's own `.github/advisory-bot.yml`, or null. */
  config: string | null;
  /** The most recent releases (newest first), for the publication pre-check; the gate re-reads by REST. */
  releases: SnapshotRelease[];
  /** Package manifests, file listings and primary language, for the package of drafts made by command. */
  manifests?: RepoManifests;
}

/** A release as the org query reads it, in the REST field names the domain uses. */
export interface SnapshotRelease {
  id: number;
  tag_name: string;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  published_at: string | null;
}

/** How many recent releases per repository the org query reads. */
export const RECENT_RELEASES = 20;

interface RepoNode {
  id: string;
  name: string;
  isArchived: boolean;
  isPrivate: boolean;
  visibility: "PUBLIC" | "PRIVATE" | "INTERNAL";
  config: { text: string | null } | null;
  releases: {
    nodes: Array<{
      databaseId: number | null;
      tagName: string;
      description: string | null;
      isDraft: boolean;
      isPrerelease: boolean;
      publishedAt: string | null;
    } | null> | null;
  };
  [alias: string]: unknown;
}

interface ReposPage {
  organization: {
    repositories: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: RepoNode[] };
  } | null;
}

/**
 * The GraphQL query that reads every repository of the org with the text of each roster file and of
 * its configuration file: one request per 100 repositories, instead of one REST call per file per repo.
 */
export function orgReposQuery(fileCount: number): string {
  const vars = Array.from({ length: fileCount }, (_, i) => `, $f${i}: String!`).join("");
  const fields = Array.from(
    { length: fileCount },
    (_, i) => `f${i}: object(expression: $f${i}) { ... on Blob { text } }`,
  );
  return `query OrgRepos($org: String!, $after: String, $cfg: String!${vars}) {
  organization(login: $org) {
    repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        id name isArchived isPrivate visibility
        config: object(expression: $cfg) { ... on Blob { text } }
        releases(first: ${RECENT_RELEASES}, orderBy: { field: CREATED_AT, direction: DESC }) {
          nodes { databaseId tagName description isDraft isPrerelease publishedAt }
        }
        ${fields.join("\n        ")}
        ${MANIFEST_FIELDS}
      }
    }
  }
}`;
}

export async function readOrgRepos(octokit: Octokit, org: string, files: readonly string[]): Promise<RepoSnapshot[]> {
  const query = orgReposQuery(files.length);
  const variables: Record<string, string | null> = { org, after: null, cfg: `HEAD:${CONFIG_PATH}` };
  files.forEach((file, i) => {
    variables[`f${i}`] = `HEAD:${file}`;
  });
  const repos: RepoSnapshot[] = [];
  for (;;) {
    const page = await octokit.graphql<ReposPage>(query, variables);
    const conn = page.organization?.repositories;
    if (!conn) throw new Error(`organization ${org} not found`);
    for (const node of conn.nodes) {
      const texts: Record<string, string | null> = {};
      files.forEach((file, i) => {
        const blob = node[`f${i}`] as { text?: string | null } | null | undefined;
        texts[file] = blob?.text ?? null;
      });
      repos.push({
        id: node.id,
        name: node.name,
        archived: node.isArchived,
        private: node.isPrivate,
        visibility: node.visibility.toLowerCase() as RepoSnapshot["visibility"],
        files: texts,
        config: node.config?.text ?? null,
        releases: (node.releases.nodes ?? [])
          .filter((r): r is NonNullable<typeof r> => r !== null)
          .map((r) => ({
            id: r.databaseId ?? 0,
            tag_name: r.tagName,
            body: r.description,
            draft: r.isDraft,
            prerelease: r.isPrerelease,
            published_at: r.publishedAt,
          })),
        manifests: manifestsOf(node),
      });
    }
    if (!conn.pageInfo.hasNextPage) return repos;
    variables.after = conn.pageInfo.endCursor;
  }
}

const TEAM_MEMBERS = `query TeamMembers($org: String!, $slug: String!, $after: String) {
  organization(login: $org) {
    team(slug: $slug) {
      members(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { login } }
    }
  }
}`;

interface TeamPage {
  organization: {
    team: {
      members: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Array<{ login: string }> };
    } | null;
  } | null;
}

/** Logins of a team's members (including child teams); null when the team does not exist. */
export async function readTeamMembers(octokit: Octokit, org: string, slug: string): Promise<string[] | null> {
  const logins: string[] = [];
  let after: string | null = null;
  for (;;) {
    const page: TeamPage = await octokit.graphql<TeamPage>(TEAM_MEMBERS, { org, slug, after });
    const team = page.organization?.team;
    if (!team) return null;
    logins.push(...team.members.nodes.map((n) => n.login));
    if (!team.members.pageInfo.hasNextPage) return logins;
    after = team.members.pageInfo.endCursor;
  }
}
