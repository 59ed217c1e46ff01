import type { Logger } from "pino";
import { type Plan, target, type Write } from "../domain/plan.js";
import type { Octokit } from "./types.js";

export type { Octokit } from "./types.js";

export interface ApplyOptions {
  octokit: Octokit;
  log: Logger;
  /** Log each write and perform none. */
  dryRun: boolean;
  /** Checked before each write: throws once the run lost its org's lock, so a stale run writes nothing. */
  fence?: (() => Promise<void>) | undefined;
}

export interface Applied {
  write: Write;
  performed: boolean;
  /** Response data of the write, when performed. */
  data?: unknown;
}

const PIN_ISSUE = `mutation($issueId: ID!) { pinIssue(input: { issueId: $issueId }) { issue { number } } }`;
const TRANSFER_ISSUE = `mutation($issueId: ID!, $repositoryId: ID!) {
  transferIssue(input: { issueId: $issueId, repositoryId: $repositoryId }) { issue { number url } }
}`;

// biome-ignore lint/suspicious/noExplicitAny: each row passes the write's own params, typed by Write
type Performer = (octokit: Octokit, params: any) => Promise<unknown>;

const performers: Record<Write["op"], Performer> = {
  "advisory.create": async (o, p) => (await o.rest.securityAdvisories.createRepositoryAdvisory(p)).data,
  "advisory.update": async (o, p) => (await o.rest.securityAdvisories.updateRepositoryAdvisory(p)).data,
  "advisory.publish": async (o, p) =>
    (await o.rest.securityAdvisories.updateRepositoryAdvisory({ ...p, state: "published" })).data,
  "advisory.fork": async (o, p) => (await o.rest.securityAdvisories.createFork(p)).data,
  "advisory.cve": async (o, p) => (await o.rest.securityAdvisories.createRepositoryAdvisoryCveRequest(p)).data,
  "issue.create": async (o, p) => (await o.rest.issues.create(p)).data,
  "issue.update": async (o, p) => (await o.rest.issues.update(p)).data,
  "issue.comment": async (o, p) => (await o.rest.issues.createComment(p)).data,
  "comment.update": async (o, p) => (await o.rest.issues.updateComment(p)).data,
  "comment.react": async (o, p) => (await o.rest.reactions.createForIssueComment(p)).data,
  "label.create": async (o, p) => (await o.rest.issues.createLabel(p)).data,
  "release.update": async (o, p) => (await o.rest.repos.updateRelease(p)).data,
  "team.removeMember": async (o, p) => (await o.rest.teams.removeMembershipForUserInOrg(p)).data,
  "issue.pin": (o, p) => o.graphql(PIN_ISSUE, { issueId: p.issue_node_id }),
  "issue.transfer": (o, p) =>
    o.graphql(TRANSFER_ISSUE, { issueId: p.issue_node_id, repositoryId: p.repository_node_id }),
};

/**
 * Writes that create something new each time they are sent. When GitHub does not answer one (a
 * timeout, a 5xx) it may have been carried out all the same, so Octokit must not send it again: the
 * plan stops, and the next reconcile re-reads GitHub and sends it only if it is still missing (tracking
 * issues are found by their marker, notices by theirs).
 */
const CREATES: ReadonlySet<Write["op"]> = new Set(["issue.create", "issue.comment", "advisory.create"]);

/**
 * The only way the app writes to GitHub. Writes run in order; the first failure stops the plan and
 * is thrown with the writes already performed, so the caller can report it and the next reconcile
 * (which re-reads GitHub) finishes the rest. Before each write the run's fence is checked: a run that
 * lost its org's lease (another replica holds it now) stops before writing anything more.
 */
export async function apply(plan: Plan, { octokit, log, dryRun, fence }: ApplyOptions): Promise<Applied[]> {
  const done: Applied[] = [];
  for (const write of plan) {
    if (write.op === "advisory.update" && (write.params as { state?: unknown }).state === "published") {
      // Publication has exactly one door: the publish gate, which proves the fixing release is out.
      throw new ApplyError(write, done, new Error("advisory.update may not publish; use the publish gate"));
    }
    const line = { op: write.op, target: target(write), why: write.why };
    if (dryRun) {
      log.info({ ...line, dryRun: true }, `dry run: would ${write.op} ${line.target}`);
      done.push({ write, performed: false });
      continue;
    }
    try {
      await fence?.();
    } catch (err) {
      throw new ApplyError(write, done, err);
    }
    try {
      const params = CREATES.has(write.op) ? { ...write.params, request: { retries: 0 } } : write.params;
      const data = await performers[write.op](octokit, params);
      log.debug(line, `${write.op} ${line.target}`);
      done.push({ write, performed: true, data });
    } catch (err) {
      throw new ApplyError(write, done, err);
    }
  }
  return done;
}

/** A write GitHub refused or that failed, with the writes performed before it. */
export class ApplyError extends Error {
  readonly status: number | undefined;
  constructor(
    readonly write: Write,
    readonly done: Applied[],
    cause: unknown,
  ) {
    const status = (cause as { status?: number }).status;
    const reason = (cause as { response?: { data?: { message?: string } } }).response?.data?.message;
    super(`${write.op} ${target(write)} failed${status ? ` (${status}${reason ? `: ${reason}` : ""})` : ""}`, {
      cause,
    });
    this.name = "ApplyError";
    this.status = status;
  }
}
