import { ApplyError, apply } from "../github/apply.js";
import { createDraft, draftPackage, makeTrackingIssue, targetRepo } from "./create.js";
import { ok, refuse } from "./env.js";
import type { Handler } from "./handler.js";

export interface Converted {
  /** The issue's number in the tracker after the transfer. */
  number: number;
}

/**
 * `/advisory convert`: a report filed as a public issue moves out of public view first (GitHub's issue
 * transfer into the private tracker, with its comments), then becomes a draft advisory of the public
 * repository, tracked by the moved issue. Nothing is written to the public repository: the issue and
 * its comments are gone from it, and the reply is posted on the moved, private issue.
 */
export const convert: Handler<"convert"> = async (env) => {
  const trackerName = env.config.tracker.repo;
  const tracker = trackerName
    ? env.view.repos.find((r) => r.name.toLowerCase() === trackerName.toLowerCase())
    : undefined;
  if (tracker?.visibility !== "private")
    return refuse("No private tracker repository is configured, so the report cannot be moved out of public view.");
  const repo = targetRepo(env, env.place.owner, env.place.repo);
  if (typeof repo === "string") return refuse(repo);
  // Everything the draft needs is checked before the issue moves: a command never stops half-way.
  const pkg = await draftPackage(env, repo);
  if (!("package" in pkg)) return pkg;

  let moved: Converted;
  try {
    const [done] = await apply(
      [
        {
          op: "issue.transfer",
          params: { issue_node_id: env.place.issue.nodeId, repository_node_id: tracker.id },
          why: `convert by @${env.actor}`,
        },
      ],
      env.ctx,
    );
    const data = done?.data as { transferIssue?: { issue?: { number?: number } } } | undefined;
    if (!done?.performed || data?.transferIssue?.issue?.number === undefined)
      return ok("Dry run: the issue would be moved to private handling.");
    moved = { number: data.transferIssue.issue.number };
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    return refuse("The issue could not be moved to private handling; nothing else was done.");
  }
  // From here on everything happens in the private tracker.
  env.place = {
    ...env.place,
    repo: tracker.name,
    private: true,
    repoNodeId: tracker.id,
    issue: { ...env.place.issue, number: moved.number },
  };
  const created = await createDraft(
    env,
    repo,
    { summary: env.place.issue.title, description: env.place.issue.body },
    pkg,
  );
  if (!("ghsa_id" in created)) return { ok: false, message: `Moved to private handling, but ${created.message}` };
  await makeTrackingIssue(env, moved.number, env.place.issue.body, env.place.issue.labels, [created]);
  return ok(`Moved to private handling and created draft advisory ${created.ghsa_id} in ${env.view.org}/${repo.name}.`);
};
