import type { components } from "@octokit/openapi-types";
import type { ProbotOctokit } from "probot";

/** An installation's Octokit: Probot's, with `.rest`, `.graphql`, `.paginate` and the config plugin. */
export type Octokit = InstanceType<typeof ProbotOctokit>;

export type RepositoryAdvisory = components["schemas"]["repository-advisory"];
export type Release = components["schemas"]["release"];
export type Issue = components["schemas"]["issue"];
export type IssueComment = components["schemas"]["issue-comment"];

/** `owner/repo` of an advisory, read from its API url (the advisory shape carries no repository). */
export function advisoryRepo(advisory: Pick<RepositoryAdvisory, "url" | "html_url">): { owner: string; repo: string } {
  const match =
    /\/repos\/([^/]+)\/([^/]+)\/security-advisories\//.exec(advisory.url) ??
    /\/([^/]+)\/([^/]+)\/security\/advisories\//.exec(advisory.html_url);
  if (!match?.[1] || !match[2]) throw new Error(`cannot tell the repository of advisory ${advisory.url}`);
  return { owner: decodeURIComponent(match[1]), repo: decodeURIComponent(match[2]) };
}
