/**
 * A plan is the short list of writes a reconciler decided on. Workflows build plans with pure
 * functions and hand them to the one `apply` in `github/apply.ts`, so dry-run, logging and
 * idempotence live in one place.
 */
export interface RepoRef {
  owner: string;
  repo: string;
}

export interface Step<Op extends string, Params> {
  op: Op;
  params: Params;
  /** Why this write is needed, for logs and dry runs. Never contains advisory content. */
  why: string;
}

/** Parameters are plain JSON-ready objects in the shapes of GitHub's REST API. */
type Json = Record<string, unknown>;

export type Write =
  | Step<"advisory.create", RepoRef & Json>
  | Step<"advisory.update", RepoRef & { ghsa_id: string } & Json>
  /** Sends `state: published`. Built only by the publish gate in `workflows/publish.ts`. */
  | Step<"advisory.publish", RepoRef & { ghsa_id: string }>
  | Step<"advisory.fork", RepoRef & { ghsa_id: string }>
  | Step<"advisory.cve", RepoRef & { ghsa_id: string }>
  | Step<"issue.create", RepoRef & { title: string; body: string; labels?: string[] }>
  | Step<"issue.update", RepoRef & { issue_number: number } & Json>
  | Step<"issue.comment", RepoRef & { issue_number: number; body: string }>
  | Step<"comment.update", RepoRef & { comment_id: number; body: string }>
  | Step<"comment.react", RepoRef & { comment_id: number; content: "eyes" | "rocket" | "confused" | "+1" }>
  | Step<"label.create", RepoRef & { name: string; color: string; description?: string }>
  | Step<"release.update", RepoRef & { release_id: number; body: string }>
  | Step<"team.removeMember", { org: string; team_slug: string; username: string }>
  | Step<"issue.pin", { issue_node_id: string }>
  | Step<"issue.transfer", { issue_node_id: string; repository_node_id: string }>;

export type Plan = Write[];
export type WriteOp = Write["op"];

/** A short, content-free description of what a write touches: `owner/repo GHSA-…`, `owner/repo#12`. */
export function target(write: Write): string {
  const p = write.params as Record<string, unknown>;
  if ("org" in p) return `${p.org}/teams/${p.team_slug}`;
  if ("issue_node_id" in p) return `issue ${p.issue_node_id}`;
  const repo = `${p.owner}/${p.repo}`;
  if (typeof p.ghsa_id === "string") return `${repo} ${p.ghsa_id}`;
  if (typeof p.issue_number === "number") return `${repo}#${p.issue_number}`;
  if (typeof p.comment_id === "number") return `${repo} comment ${p.comment_id}`;
  if (typeof p.release_id === "number") return `${repo} release ${p.release_id}`;
  return repo;
}
