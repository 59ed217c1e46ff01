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

interface MembersConnection {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: Array<{ login: string }>;
}

interface ReposPage {
  [user: `u${number}`]: { login: string; organization: { id: string } | null } | null | undefined;
  organization:
    | ({
        /** Absent in the query of named repositories. */
        repositories?: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: RepoNode[] };
      } & { [team: `t${number}`]: { members: MembersConnection } | null | undefined } & {
        [repo: `r${number}`]: RepoNode | null | undefined;
      })
    | null;
}

/** What the org query reads besides repositories, on its first page only. */
export interface OrgExtras {
  /** Security teams: their members. */
  teams: readonly string[];
  /** Logins whose org membership the security-team audit needs (handles listed in configuration). */
  users: readonly string[];
}

const NO_EXTRAS: OrgExtras = { teams: [], users: [] };

/**
 * The GraphQL query that reads every repository of the org with the text of each roster file and of
 * its configuration file: one request per 100 repositories, instead of one REST call per file per repo.
 * The security teams' members and the org membership of listed handles ride on the first page
 * (`@include(if: $first)`). With `named` > 0 it reads only that many repositories, named by `$r0…`,
 * in one request (`organization { r0: repository(name: $r0) { … } }`): what an event concerns.
 */
export function orgReposQuery(
  fileCount: number,
  extras: { teams: number; users: number } = { teams: 0, users: 0 },
  named = 0,
): string {
  const withExtras = extras.teams + extras.users > 0;
  const vars =
    Array.from({ length: fileCount }, (_, i) => `, $f${i}: String!`).join("") +
    (withExtras ? ", $first: Boolean!" : "") +
    Array.from({ length: extras.teams }, (_, i) => `, $t${i}: String!`).join("") +
    Array.from({ length: extras.users }, (_, i) => `, $u${i}: String!`).join("") +
    Array.from({ length: named }, (_, i) => `, $r${i}: String!`).join("");
  const fields = Array.from(
    { length: fileCount },
    (_, i) => `f${i}: object(expression: $f${i}) { ... on Blob { text } }`,
  );
  const teams = Array.from(
    { length: extras.teams },
    (_, i) =>
      `\n    t${i}: team(slug: $t${i}) @include(if: $first) { members(first: 100) { pageInfo { hasNextPage endCursor } nodes { login } } }`,
  ).join("");
  const users = Array.from(
    { length: extras.users },
    (_, i) => `\n  u${i}: user(login: $u${i}) @include(if: $first) { login organization(login: $org) { id } }`,
  ).join("");
  const repoFields = `id name isArchived isPrivate visibility
        config: object(expression: $cfg) { ... on Blob { text } }
        releases(first: ${RECENT_RELEASES}, orderBy: { field: CREATED_AT, direction: DESC }) {
          nodes { databaseId tagName description isDraft isPrerelease publishedAt }
        }
        ${fields.join("\n        ")}
        ${MANIFEST_FIELDS}`;
  if (named > 0) {
    const repos = Array.from(
      { length: named },
      (_, i) => `r${i}: repository(name: $r${i}) {
        ${repoFields}
    }`,
    ).join("\n    ");
    return `query OrgRepos($org: String!, $cfg: String!${vars}) {
  organization(login: $org) {
    ${repos}${teams}
  }${users}
}`;
  }
  return `query OrgRepos($org: String!, $after: String, $cfg: String!${vars}) {
  organization(login: $org) {
    repositories(first: 100, after: $after, orderBy: { field: NAME, direction: ASC }) {
      pageInfo { hasNextPage endCursor }
      nodes {
        ${repoFields}
      }
    }${teams}
  }${users}
}`;
}

export async function readOrgRepos(octokit: Octokit, org: string, files: readonly string[]): Promise<RepoSnapshot[]> {
  return (await readOrgSnapshot(octokit, org, files, NO_EXTRAS)).repos;
}

/**
 * One page of the org query. A listed handle that is no GitHub user makes GitHub answer its `user`
 * field null with a NOT_FOUND error beside the data: that is an answer (not a member), not a failure.
 */
async function orgPage(octokit: Octokit, query: string, variables: Record<string, unknown>): Promise<ReposPage> {
  try {
    return await octokit.graphql<ReposPage>(query, variables);
  } catch (err) {
    const e = err as {
      name?: string;
      data?: ReposPage;
      errors?: Array<{ type?: string; path?: ReadonlyArray<unknown> }>;
    };
    // A named repository that does not exist (or the app cannot see) is answered the same way.
    const unknown = (path: ReadonlyArray<unknown> | undefined): boolean =>
      /^u\d+$/.test(String(path?.[0] ?? "")) ||
      (path?.[0] === "organization" && /^r\d+$/.test(String(path?.[1] ?? "")) && path.length === 2);
    const onlyUnknownNames =
      e.name === "GraphqlResponseError" &&
      e.data?.organization &&
      (e.errors ?? []).length > 0 &&
      (e.errors ?? []).every((x) => x.type === "NOT_FOUND" && unknown(x.path));
    if (onlyUnknownNames && e.data) return e.data;
    throw err;
  }
}

/** What `readOrgSnapshot` reads. */
export interface OrgSnapshot {
  repos: RepoSnapshot[];
  /** Members of each security team asked for; null when the team does not exist. */
  teams: Map<string, string[] | null>;
  /** Org membership of each login asked for, keyed by lower-cased login. */
  members: Map<string, boolean>;
}

/**
 * The org's repositories as `readOrgRepos` reads them, and in the same query the members of the
 * security teams and the org membership of the logins in `extras`: one request per 100 repositories,
 * plus one per further 100 members of a team. With `only`, just the repositories of those names (those
 * that exist and the app can see), in one request.
 */
export async function readOrgSnapshot(
  octokit: Octokit,
  org: string,
  files: readonly string[],
  extras: OrgExtras,
  only?: readonly string[],
): Promise<OrgSnapshot> {
  const named = only ? [...new Map(only.map((n) => [n.toLowerCase(), n])).values()] : [];
  if (only && named.length === 0) return { repos: [], teams: new Map(), members: new Map() };
  const query = orgReposQuery(files.length, { teams: extras.teams.length, users: extras.users.length }, named.length);
  const variables: Record<string, string | boolean | null> = only
    ? { org, cfg: `HEAD:${CONFIG_PATH}` }
    : { org, after: null, cfg: `HEAD:${CONFIG_PATH}` };
  named.forEach((name, i) => {
    variables[`r${i}`] = name;
  });
  files.forEach((file, i) => {
    variables[`f${i}`] = `HEAD:${file}`;
  });
  if (extras.teams.length + extras.users.length > 0) variables.first = true;
  extras.teams.forEach((slug, i) => {
    variables[`t${i}`] = slug;
  });
  extras.users.forEach((login, i) => {
    variables[`u${i}`] = login;
  });
  const repos: RepoSnapshot[] = [];
  const teams = new Map<string, string[] | null>();
  const members = new Map<string, boolean>();
  for (;;) {
    const page = await orgPage(octokit, query, variables);
    const organization = page.organization;
    if (!organization) throw new Error(`organization ${org} not found`);
    const conn = only
      ? {
          pageInfo: { hasNextPage: false, endCursor: null },
          nodes: named.flatMap((_, i) => organization[`r${i}`] ?? []),
        }
      : organization.repositories;
    if (!conn) throw new Error(`organization ${org} not found`);
    if (variables.first === true) {
      for (const [i, slug] of extras.teams.entries()) {
        const team = page.organization?.[`t${i}`];
        if (!team) {
          teams.set(slug, null);
          continue;
        }
        const logins = team.members.nodes.map((n) => n.login);
        const rest = team.members.pageInfo.hasNextPage
          ? await readTeamMembers(octokit, org, slug, team.members.pageInfo.endCursor)
          : [];
        teams.set(slug, [...logins, ...(rest ?? [])]);
      }
      for (const [i, login] of extras.users.entries()) {
        const user = page[`u${i}`];
        members.set(login.toLowerCase(), Boolean(user?.organization));
      }
      variables.first = false;
    }
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
    if (!conn.pageInfo.hasNextPage) return { repos, teams, members };
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

/**
 * Logins of a team's members (including child teams), from `after` on when given; null when the team
 * does not exist.
 */
export async function readTeamMembers(
  octokit: Octokit,
  org: string,
  slug: string,
  from: string | null = null,
): Promise<string[] | null> {
  const logins: string[] = [];
  let after = from;
  for (;;) {
    const page: TeamPage = await octokit.graphql<TeamPage>(TEAM_MEMBERS, { org, slug, after });
    const team = page.organization?.team;
    if (!team) return null;
    logins.push(...team.members.nodes.map((n) => n.login));
    if (!team.members.pageInfo.hasNextPage) return logins;
    after = team.members.pageInfo.endCursor;
  }
}
