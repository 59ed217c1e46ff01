import type { Config } from "../config/schema.js";
import type { CommandOutcome } from "../domain/command-reply.js";
import type { PackageArg, Severity } from "../domain/command-specs.js";
import type { PackageEcosystem } from "../domain/ecosystems.js";
import { EMPTY_MANIFESTS, type ResolvedPackage, resolvePackage } from "../domain/packages.js";
import type { Plan } from "../domain/plan.js";
import { newTrackingState, TRACKING_LABEL } from "../domain/tracking.js";
import { quoteUntrusted } from "../domain/untrusted.js";
import { ApplyError, apply } from "../github/apply.js";
import { readListedManifests } from "../github/manifests.js";
import { advisoryRepo, type RepositoryAdvisory } from "../github/types.js";
import { configFor, trackerFor } from "../workflows/org-view.js";
import { reconcileCase } from "../workflows/reconcile.js";
import { type CommandEnv, ok, refuse } from "./env.js";
import type { Handler } from "./handler.js";

export interface DraftSource {
  summary: string;
  description: string;
  severity?: Severity | string | null;
  cvss_vector_string?: string | null;
  cwe_ids?: string[];
}

/** The org's repository an advisory may be created in, or why not. */
export function targetRepo(
  env: CommandEnv,
  owner: string | undefined,
  repo: string,
): { name: string; config: Config } | string {
  if (owner && owner.toLowerCase() !== env.view.org.toLowerCase())
    return `${owner}/${repo} is not in ${env.view.org}; the app works within its own org.`;
  const snapshot = env.view.repos.find((r) => r.name.toLowerCase() === repo.toLowerCase());
  if (!snapshot) return `${env.view.org}/${repo} does not exist or the app is not installed on it.`;
  if (snapshot.private)
    return `${env.view.org}/${snapshot.name} is private; GitHub does not allow security advisories in private repositories.`;
  if (snapshot.archived) return `${env.view.org}/${snapshot.name} is archived.`;
  const cfg = configFor(env.view, snapshot.name);
  if (!cfg?.ok) return `the configuration of ${snapshot.name} is invalid; fix it first.`;
  return { name: snapshot.name, config: cfg.config };
}

/**
 * The package a new draft in `repo` names (see `resolvePackage`: the command's argument, `packages`,
 * the repository's manifests, the sibling's ecosystem, GitHub's primary language), or a refusal when
 * nothing is known. Only reads: every command calls it before its first write.
 */
export async function draftPackage(
  env: CommandEnv,
  repo: { name: string; config: Config },
  options: { argument?: PackageArg | undefined; sibling?: RepositoryAdvisory | undefined } = {},
): Promise<ResolvedPackage | CommandOutcome> {
  const snapshot = env.view.repos.find((r) => r.name.toLowerCase() === repo.name.toLowerCase());
  let manifests = snapshot?.manifests ?? EMPTY_MANIFESTS;
  const configured = repo.config.packages[repo.name];
  if (!configured && !options.argument && manifests.listed.length > 0)
    manifests = await readListedManifests(env.ctx.octokit, env.view.org, repo.name, manifests);
  const source = options.sibling?.vulnerabilities?.[0]?.package;
  const resolved = resolvePackage({
    repo: repo.name,
    manifests,
    configured,
    argument: options.argument,
    sibling: source ? { ecosystem: source.ecosystem as PackageEcosystem, name: source.name ?? null } : undefined,
  });
  if (resolved) return resolved;
  return refuse(
    `No package is known for ${repo.name}: it has no manifest the app reads (go.mod, *.csproj, pom.xml, build.gradle, pyproject.toml, setup.py, package.json, Cargo.toml) and GitHub shows no primary language. Set \`packages.${repo.name}\` in the configuration${options.sibling ? ` or name it (\`/advisory also-affects ${repo.name} go:oras.land/…\`)` : ""}.`,
  );
}

/** Creates a draft advisory (with its private fork when configured, in the same request); returns it, or why not. */
export async function createDraft(
  env: CommandEnv,
  repo: { name: string; config: Config },
  source: DraftSource,
  pkg: ResolvedPackage,
): Promise<RepositoryAdvisory | CommandOutcome> {
  const body: Record<string, unknown> = {
    owner: env.view.org,
    repo: repo.name,
    summary: source.summary.slice(0, 1024),
    description: source.description.trim() === "" ? source.summary : source.description,
    vulnerabilities: [
      { package: pkg.package, vulnerable_version_range: null, patched_versions: null, vulnerable_functions: [] },
    ],
    start_private_fork: repo.config.intake.privateFork,
  };
  if (source.cvss_vector_string) body.cvss_vector_string = source.cvss_vector_string;
  else if (source.severity) body.severity = source.severity;
  if (source.cwe_ids && source.cwe_ids.length > 0) body.cwe_ids = source.cwe_ids;
  try {
    const [done] = await apply(
      [{ op: "advisory.create", params: body as never, why: `created by @${env.actor}` }],
      env.ctx,
    );
    if (!done?.performed) return ok("Dry run: the draft advisory would be created.");
    return done.data as RepositoryAdvisory;
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    return refuse(`GitHub refused the draft: ${err.message.replace(/^.*failed\s*/, "")}`);
  }
}

/** Turns an issue of the tracker into the tracking issue of `advisories`, keeping the original text as a comment. */
export async function makeTrackingIssue(
  env: CommandEnv,
  issueNumber: number,
  body: string,
  labels: string[],
  advisories: RepositoryAdvisory[],
): Promise<void> {
  const tracking = newTrackingState(
    advisories.map((a) => {
      const { owner, repo } = advisoryRepo(a);
      return { repo: `${owner}/${repo}`, ghsa: a.ghsa_id };
    }),
    env.ctx.now,
  );
  tracking.acknowledgedAt = env.ctx.now.toISOString();
  for (const a of advisories) {
    const cfg = configFor(env.view, advisoryRepo(a).repo);
    if (cfg?.ok && cfg.config.intake.privateFork) tracking.forkRequestedAt[a.ghsa_id] = env.ctx.now.toISOString();
  }
  const where = { owner: env.view.org, repo: env.place.repo, issue_number: issueNumber };
  const plan: Plan = [];
  if (body.trim() !== "") {
    plan.push({
      op: "issue.comment",
      params: {
        ...where,
        body: `Original report text, kept here when this issue became the tracking issue:\n\n${quoteUntrusted(body)}`,
      },
      why: "keep the report text",
    });
  }
  plan.push({
    op: "issue.update",
    params: { ...where, labels: [...new Set([...labels, TRACKING_LABEL])] },
    why: "label as tracking issue",
  });
  await apply(plan, env.ctx);
  const tracker = env.view.trackers.get(env.place.repo.toLowerCase()) ?? null;
  for (const a of advisories)
    if (!env.view.advisories.some((x) => x.ghsa_id === a.ghsa_id)) env.view.advisories.push(a);
  await reconcileCase(env.ctx, env.view, {
    key: `${env.place.repo.toLowerCase()}#${issueNumber}`,
    advisories,
    tracker,
    issue: {
      number: issueNumber,
      nodeId: env.place.issue.nodeId,
      title: env.place.issue.title,
      body,
      open: true,
      byApp: false,
      stateComment: null,
      tracking,
      unverified: null,
    },
  });
}

/**
 * The draft an earlier `/advisory create` made from this issue, if one did: an open advisory in the
 * repository, authored by the app, carrying this issue's title and text. A retry after a partial failure
 * finishes that one instead of creating a second draft.
 */
export function draftFromIssue(env: CommandEnv, repo: string): RepositoryAdvisory | null {
  const { title, body } = env.place.issue;
  const description = body.trim() === "" ? title : body;
  return (
    env.view.advisories.find(
      (a) =>
        advisoryRepo(a).repo.toLowerCase() === repo.toLowerCase() &&
        (a.state === "draft" || a.state === "triage") &&
        a.author?.login.toLowerCase() === env.ctx.botLogin.toLowerCase() &&
        a.summary === title.slice(0, 1024) &&
        a.description === description,
    ) ?? null
  );
}

/** `/advisory create <repo> [severity]`: a draft advisory from this tracker issue, which becomes its tracking issue. */
export const create: Handler<"create"> = async (env, args) => {
  if (env.trackingCase)
    return refuse("This issue already tracks an advisory; use `/advisory also-affects` for another repository.");
  const repo = targetRepo(env, args.owner, args.repo);
  if (typeof repo === "string") return refuse(repo);
  const where = `${env.view.org}/${repo.name}`;
  const earlier = draftFromIssue(env, repo.name);
  if (earlier) {
    const trackedBy = trackerFor(env.view, repo.config)?.byGhsa.get(earlier.ghsa_id.toLowerCase());
    if (trackedBy && trackedBy.number !== env.place.issue.number)
      return refuse(
        `Draft advisory ${earlier.ghsa_id} in ${where} was already created from this issue; #${trackedBy.number} tracks it.`,
      );
  }
  let created: RepositoryAdvisory | CommandOutcome;
  if (earlier) created = earlier;
  else {
    const pkg = await draftPackage(env, repo);
    if (!("package" in pkg)) return pkg;
    created = await createDraft(
      env,
      repo,
      { summary: env.place.issue.title, description: env.place.issue.body, severity: args.severity ?? null },
      pkg,
    );
  }
  if (!("ghsa_id" in created)) return created;
  const made = earlier
    ? `Draft advisory ${created.ghsa_id} in ${where} was already created from this issue`
    : `Created draft advisory ${created.ghsa_id} in ${where}`;
  try {
    await makeTrackingIssue(env, env.place.issue.number, env.place.issue.body, env.place.issue.labels, [created]);
  } catch (err) {
    env.ctx.log.warn(
      { ghsa: created.ghsa_id, issue: env.place.issue.number, status: (err as { status?: unknown }).status },
      "tracking issue from /advisory create not finished",
    );
    return refuse(
      `${made}, but making this issue its tracking issue failed on GitHub's side. Comment \`/advisory create ${repo.name}\` again to finish: it finds this draft and creates no second one.`,
    );
  }
  return ok(`${made}; this issue now tracks it.`);
};
