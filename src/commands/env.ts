/**
 * What a command handler gets: the run context, the org as read from GitHub, where the comment was
 * written, who wrote it, and the case (advisories + tracking issue) when it is a tracking issue.
 */
import type { Config } from "../config/schema.js";
import type { CommandOutcome } from "../domain/command-reply.js";
import type { Where, Who } from "../domain/command-specs.js";
import { loginKey } from "../domain/handles.js";
import { activeMaintainers } from "../domain/patch-team.js";
import type { Plan } from "../domain/plan.js";
import { newTrackingState, type TrackingState } from "../domain/tracking.js";
import { ApplyError, apply } from "../github/apply.js";
import { advisoryRepo, type RepositoryAdvisory } from "../github/types.js";
import { configFor, type OrgView, type RunContext, securityTeam } from "../workflows/org-view.js";
import { type Case, reconcileCase } from "../workflows/reconcile.js";

export interface CommentPlace {
  owner: string;
  repo: string;
  private: boolean;
  /** GraphQL node id of the repository. */
  repoNodeId: string;
  issue: { number: number; nodeId: string; title: string; body: string; labels: string[] };
}

export interface CommandEnv {
  ctx: RunContext;
  view: OrgView;
  actor: string;
  where: Exclude<Where, "any">;
  place: CommentPlace;
  /** The org's configuration (the `.github` repository's, else the repository's own). */
  config: Config;
  /** The case when the comment is on a tracking issue. */
  trackingCase: Case | null;
  /** Who may run the command being run; patch-team verbs act only on advisories whose team the actor is on. */
  who?: Who;
}

export function ok(message: string): CommandOutcome {
  return { ok: true, message };
}
export function refuse(message: string): CommandOutcome {
  return { ok: false, message };
}

function isSecurityTeam(env: CommandEnv, login: string): boolean {
  return securityTeam(env.view, env.config).members.some((m) => loginKey(m) === loginKey(login));
}

function onPatchTeamOf(a: RepositoryAdvisory, login: string): boolean {
  return (a.collaborating_users ?? []).some((u) => loginKey(u.login) === loginKey(login));
}

function isPatchTeam(env: CommandEnv, login: string): boolean {
  return (env.trackingCase?.advisories ?? []).some((a) => onPatchTeamOf(a, login));
}

/**
 * Why the actor may not act on this advisory with the command being run, or null when they may. A
 * patch-team verb is authorized per advisory: being on one sibling's team gives no right over another's.
 */
export function refusalFor(env: CommandEnv, a: RepositoryAdvisory): string | null {
  if (env.who !== "patch-team") return null;
  if (onPatchTeamOf(a, env.actor) || isSecurityTeam(env, env.actor)) return null;
  return `@${env.actor} is not on its patch team`;
}

/** The case's advisories the command being run may not touch, each with the reason. */
export function refusedAdvisories(env: CommandEnv): Array<{ advisory: RepositoryAdvisory; why: string }> {
  return (env.trackingCase?.advisories ?? []).flatMap((advisory) => {
    const why = refusalFor(env, advisory);
    return why === null ? [] : [{ advisory, why }];
  });
}

/** The case's advisories the command being run may touch. */
export function permittedAdvisories(env: CommandEnv): RepositoryAdvisory[] {
  return (env.trackingCase?.advisories ?? []).filter((a) => refusalFor(env, a) === null);
}

function isRepoMaintainer(env: CommandEnv, repo: string, login: string): boolean {
  const roster = env.view.rosters.find((r) => r.name.toLowerCase() === repo.toLowerCase());
  if (!roster) return false;
  const cfg = configFor(env.view, repo);
  const inactive = cfg?.ok ? cfg.config.inactive : env.config.inactive;
  return activeMaintainers(roster, inactive).users.some((u) => loginKey(u.login) === loginKey(login));
}

/**
 * Whether the actor may run a command of the given role. Everything is answered from what GitHub
 * says now (team members and roster files read by the org query, the advisory's collaborators), never
 * from the payload's `author_association`. The security team may do what the patch team may.
 */
export function authorize(env: CommandEnv, who: Who): { allowed: boolean; why: string } {
  const login = env.actor;
  switch (who) {
    case "anyone":
      return { allowed: true, why: "" };
    case "security-team":
      return isSecurityTeam(env, login)
        ? { allowed: true, why: "" }
        : { allowed: false, why: `@${login} is not on the security team` };
    case "patch-team":
      return isPatchTeam(env, login) || isSecurityTeam(env, login)
        ? { allowed: true, why: "" }
        : { allowed: false, why: `@${login} is not on this advisory's patch team` };
    case "repo-maintainer":
      return isRepoMaintainer(env, env.place.repo, login) || isSecurityTeam(env, login)
        ? { allowed: true, why: "" }
        : { allowed: false, why: `@${login} is not an active maintainer of ${env.place.repo}` };
  }
}

/** Open (triage or draft) advisories of the case that the command being run may touch. */
export function openAdvisories(env: CommandEnv): RepositoryAdvisory[] {
  return permittedAdvisories(env).filter((a) => a.state === "triage" || a.state === "draft");
}

export function where(a: RepositoryAdvisory): { owner: string; repo: string; ghsa_id: string } {
  const { owner, repo } = advisoryRepo(a);
  return { owner, repo, ghsa_id: a.ghsa_id };
}

/** Applies a plan and turns a refusal by GitHub into a command outcome. */
export async function applyForCommand(env: CommandEnv, plan: Plan, done: string): Promise<CommandOutcome> {
  try {
    await apply(plan, env.ctx);
    return ok(env.ctx.dryRun ? `${done} (dry run: nothing was written)` : done);
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    return refuse(`GitHub refused it: ${err.message.replace(/^.*failed\s*/, "")}`);
  }
}

/** What became of a change to the tracking state, as GitHub answered it. */
export interface TrackingUpdate {
  /** GitHub confirmed the tracking issue carries the new state. */
  recorded: boolean;
  /** Writes GitHub refused or did not answer in this run, for the reply. */
  problems: string[];
  writes: number;
}

/**
 * Changes the tracking state (added/removed people, hold, acknowledgement) and reconciles the case at
 * once, so the advisory and the tracking issue reflect it. The state lives at the end of the body of an
 * issue the app opened, in the app's state comment on one a person opened. An issue a person opened
 * that has no state yet is adopted here, in the same run: its state starts from the advisories GitHub
 * lists for it.
 */
export async function updateTracking(env: CommandEnv, change: (state: TrackingState) => void): Promise<TrackingUpdate> {
  const c = env.trackingCase;
  if (!c?.issue) return { recorded: false, problems: ["this issue tracks no advisory"], writes: 0 };
  if (c.issue.unverified) return { recorded: false, problems: ["the tracking state could not be verified"], writes: 0 };
  const tracking = structuredClone(
    c.issue.tracking ??
      newTrackingState(
        c.advisories.map((a) => {
          const { owner, repo } = advisoryRepo(a);
          return { repo: `${owner}/${repo}`, ghsa: a.ghsa_id };
        }),
        env.ctx.now,
      ),
  );
  change(tracking);
  // Reconciled as the issue is on GitHub (one being adopted has no state yet), writing the new state.
  const result = await reconcileCase(env.ctx, env.view, { ...c, state: tracking });
  // Later commands of the same comment see the issue as GitHub now has it.
  env.trackingCase = { ...c, issue: result.issue ?? c.issue };
  return { recorded: result.recorded, problems: result.problems, writes: result.writes };
}

/**
 * The open advisories of the case where `user` is not (`present`) or still is (`!present`) a
 * collaborator, as GitHub last answered this run (the PATCH's response, else the read).
 */
export function collaboratorGaps(env: CommandEnv, user: string, present: boolean): string[] {
  const gaps: string[] = [];
  for (const a of env.trackingCase?.advisories ?? []) {
    const now = env.view.advisories.find((x) => x.ghsa_id === a.ghsa_id) ?? a;
    if (now.state !== "triage" && now.state !== "draft") continue;
    const listed = (now.collaborating_users ?? []).some((u) => loginKey(u.login) === loginKey(user));
    if (listed !== present) gaps.push(now.ghsa_id);
  }
  return gaps;
}

/** Why a change to the tracking state is not on GitHub, for a reply. */
export function notRecorded(_env: CommandEnv, update: TrackingUpdate, what: string): CommandOutcome {
  const why = update.problems[0] ?? "GitHub did not confirm the write";
  return refuse(
    `${what} did not happen: the tracking issue could not be updated (${why}). Nothing changed; try again.`,
  );
}

/** Re-reads the case's advisories from GitHub, and updates the org view with them. */
export async function readCase(env: CommandEnv): Promise<RepositoryAdvisory[]> {
  const c = env.trackingCase;
  if (!c) return [];
  const advisories = await Promise.all(
    c.advisories.map(async (a) => {
      const { owner, repo, ghsa_id } = where(a);
      return (await env.ctx.octokit.rest.securityAdvisories.getRepositoryAdvisory({ owner, repo, ghsa_id })).data;
    }),
  );
  for (const a of advisories) {
    const at = env.view.advisories.findIndex((x) => x.ghsa_id === a.ghsa_id);
    if (at === -1) env.view.advisories.push(a);
    else env.view.advisories[at] = a;
  }
  return advisories;
}

/** Re-reads the case's advisories from GitHub (after a command changed them) and reconciles the case. */
export async function refreshCase(env: CommandEnv): Promise<void> {
  const c = env.trackingCase;
  if (!c) return;
  const advisories = await readCase(env);
  const next: Case = { ...c, advisories };
  env.trackingCase = next;
  await reconcileCase(env.ctx, env.view, next);
}
