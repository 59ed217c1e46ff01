/**
 * Slash commands in issues and pull requests: parse the comment, react 👀, authorize each command by
 * asking GitHub, run it through the same reconcilers and publish gate as everything else, and answer
 * with one reply quoting each command and its outcome, then 🚀 or 😕.
 */
import {
  authorize,
  type CommandEnv,
  type CommentPlace,
  permittedAdvisories,
  refusedAdvisories,
  updateTracking,
} from "../commands/env.js";
import { help } from "../commands/help.js";
import { HANDLERS } from "../commands/registry.js";
import { formatConfigError } from "../config/errors.js";
import { reporterOf } from "../domain/advisory-plan.js";
import { parseCommands } from "../domain/command-grammar.js";
import {
  type CommandOutcome,
  normalizeCommand,
  notYetRun,
  parseReply,
  type ReplyEntry,
  renderReply,
} from "../domain/command-reply.js";
import { COMMAND_SPECS, type Verb, type Where } from "../domain/command-specs.js";
import { loginKey } from "../domain/handles.js";
import type { Plan } from "../domain/plan.js";
import { ApplyError, apply } from "../github/apply.js";
import { trackedGhsas } from "../github/tracker.js";
import { advisoryRepo, type RepositoryAdvisory } from "../github/types.js";
import { configFor, type OrgView, orgConfig, orgConfigProblem, type RunContext, readOrg } from "./org-view.js";
import { casesOf } from "./reconcile.js";

export interface CommentInput {
  place: CommentPlace;
  isPullRequest: boolean;
  comment: { id: number; body: string; author: string; authorType: string };
  /**
   * Who made the comment say what it says now: its author when it was created, the editor (the
   * payload's `sender`) when it was edited. Commands run with this person's authority.
   */
  actor: { login: string; type: string };
}

export interface CommentReport {
  outcome: "done" | "ignored";
  detail: string;
  commands: number;
}

const WHERE_TEXT: Record<Exclude<Where, "any">, string> = {
  "tracker-issue": "a tracking issue in the private tracker",
  "public-issue": "an issue of a public repository",
  "pull-request": "a pull request",
};

/** In a public repository a reply never carries advisory content; these verbs' messages are safe there. */
const SAFE_IN_PUBLIC: ReadonlySet<Verb> = new Set(["help"]);

async function react(
  ctx: RunContext,
  place: CommentPlace,
  commentId: number,
  content: "eyes" | "rocket" | "confused",
): Promise<void> {
  const plan: Plan = [
    {
      op: "comment.react",
      params: { owner: place.owner, repo: place.repo, comment_id: commentId, content },
      why: "command feedback",
    },
  ];
  try {
    await apply(plan, ctx);
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    ctx.log.warn({ status: err.status }, "reaction refused");
  }
}

function publicSafe(verb: Verb, outcome: CommandOutcome, authorizationRefusal: boolean): CommandOutcome {
  if (SAFE_IN_PUBLIC.has(verb) || authorizationRefusal) return outcome;
  return {
    ok: outcome.ok,
    message: outcome.ok ? "Done." : "Refused; the security team can see why in the private tracker.",
  };
}

/** Patch-team verbs that write to each advisory of the case: authorized, and reported, per advisory. */
const PER_ADVISORY: ReadonlySet<Verb> = new Set(["severity", "cvss", "fixed-in", "credit", "fork"]);

const label = (a: RepositoryAdvisory) => `${a.ghsa_id} (${advisoryRepo(a).owner}/${advisoryRepo(a).repo})`;

/** A command that touched some advisories of a case and was refused on others: one line per advisory. */
function perAdvisory(
  outcome: CommandOutcome,
  permitted: RepositoryAdvisory[],
  refused: Array<{ advisory: RepositoryAdvisory; why: string }>,
): CommandOutcome {
  const lines = [
    ...permitted.map((a) => `- ${label(a)}: ${outcome.ok ? "done" : "not done (see above)"}.`),
    ...refused.map((r) => `- ${label(r.advisory)}: refused — ${r.why}.`),
  ];
  return { ok: false, message: [outcome.message, "", ...lines].join("\n") };
}

export async function handleComment(ctx: RunContext, input: CommentInput): Promise<CommentReport> {
  const { comment, actor } = input;
  if (
    comment.authorType === "Bot" ||
    actor.type === "Bot" ||
    loginKey(comment.author) === loginKey(ctx.botLogin) ||
    loginKey(actor.login) === loginKey(ctx.botLogin)
  ) {
    return { outcome: "ignored", detail: "comment by a bot", commands: 0 };
  }
  // An edit by someone else runs as the editor; the reply says so next to each command it ran.
  const editedBy =
    loginKey(actor.login) !== loginKey(comment.author)
      ? `@${actor.login} edited this comment of @${comment.author}; run as @${actor.login}. `
      : "";
  const parsed = parseCommands(comment.body);
  if (parsed.commands.length === 0 && parsed.errors.length === 0) {
    return acknowledgeOnly(ctx, input);
  }

  // What already ran for this comment lives in the app's reply (an edit or a redelivery runs only new lines).
  const { place } = input;
  const existing = await ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
    owner: place.owner,
    repo: place.repo,
    issue_number: place.issue.number,
    per_page: 100,
  });
  const previous = existing
    .filter((c) => c.user && loginKey(c.user.login) === loginKey(ctx.botLogin))
    .map((c) => ({ id: c.id, memory: parseReply(c.body) }))
    .find((c) => c.memory?.commentId === comment.id);
  const ran = previous?.memory?.ran ?? [];
  const commands = notYetRun(parsed.commands, ran);
  const errors = parsed.errors.filter((e) => !ran.includes(normalizeCommand(e.text)));
  if (commands.length === 0 && errors.length === 0)
    return { outcome: "ignored", detail: "every command already ran", commands: 0 };

  await react(ctx, place, comment.id, "eyes");
  // `help` needs nothing from the org: a comment of only `help` answers without reading it.
  const helpOnly = commands.every((c) => c.verb === "help");
  const view = helpOnly ? null : await readOrg(ctx);
  const org = view ? orgConfig(view) : null;
  const trackerName = org?.config.tracker.repo?.toLowerCase();
  const inTracker = trackerName !== undefined && place.repo.toLowerCase() === trackerName;
  const where: CommandEnv["where"] | null = input.isPullRequest
    ? "pull-request"
    : inTracker
      ? "tracker-issue"
      : place.private
        ? null
        : "public-issue";
  const trackingCase =
    view && inTracker ? (casesOf(view).find((c) => c.key === `${trackerName}#${place.issue.number}`) ?? null) : null;
  // A duplicate tracking issue (closed by the next reconcile) takes no commands: they belong on the first one.
  const duplicateOf =
    view && inTracker && trackerName
      ? [...(view.trackers.get(trackerName)?.duplicates ?? [])].find(([, dups]) =>
          dups.some((d) => d.number === place.issue.number),
        )?.[0]
      : undefined;

  const entries: ReplyEntry[] = errors.map((e) => ({ text: e.text || "(comment)", ok: false, message: e.message }));
  if (helpOnly) {
    for (const c of commands) entries.push({ text: c.text, ...(await help()) });
  } else if (!org || !view) {
    // Never a fallback to a repository's file: the security team and the tracker come from the org's.
    const problem = view ? orgConfigProblem(view) : null;
    const detail = problem && place.private ? `\n\n${problem}` : "";
    for (const c of commands)
      entries.push({
        text: c.text,
        ok: false,
        message: `The org's configuration is invalid or missing; commands are off until it is fixed.${detail}`,
      });
  } else {
    const env: CommandEnv = {
      ctx,
      view,
      actor: actor.login,
      where: where ?? "public-issue",
      place,
      config: org.config,
      trackingCase,
    };
    for (const command of commands) {
      const spec = COMMAND_SPECS[command.verb];
      let outcome: CommandOutcome;
      let authRefusal = false;
      const allowedHere = spec.where.includes("any") || (where !== null && spec.where.includes(where));
      if (!allowedHere) {
        outcome = {
          ok: false,
          message: `\`/advisory ${command.verb}\` works in ${spec.where.map((w) => (w === "any" ? "any issue" : WHERE_TEXT[w])).join(" or ")}.`,
        };
        authRefusal = true;
      } else if (env.trackingCase?.issue?.unverified && !["help", "sync"].includes(command.verb)) {
        outcome = {
          ok: false,
          message:
            "The tracking state of this issue could not be verified, so nothing runs here until the security team confirms the case with `/advisory sync`.",
        };
      } else if (duplicateOf !== undefined && command.verb !== "help") {
        outcome = { ok: false, message: `This issue duplicates #${duplicateOf}; use that one.` };
      } else if (
        spec.where.includes("tracker-issue") &&
        where === "tracker-issue" &&
        !env.trackingCase &&
        !["create", "help"].includes(command.verb)
      ) {
        outcome = {
          ok: false,
          message:
            untrackedReason(view, trackerName ?? "", place.issue.number) ??
            "This issue tracks no advisory yet; use `/advisory create <repo>` first.",
        };
      } else {
        const auth = authorize(env, spec.who);
        if (!auth.allowed) {
          outcome = { ok: false, message: `Not allowed: ${auth.why}.` };
          authRefusal = true;
        } else {
          env.who = spec.who;
          // Per advisory: what the actor may not touch is reported, never acted on.
          const refused = PER_ADVISORY.has(command.verb)
            ? refusedAdvisories(env).filter((r) => r.advisory.state === "triage" || r.advisory.state === "draft")
            : [];
          const permitted = refused.length > 0 ? permittedAdvisories(env) : [];
          try {
            outcome = await (HANDLERS[command.verb] as (e: CommandEnv, a: unknown) => Promise<CommandOutcome>)(
              env,
              command.args,
            );
          } catch (err) {
            ctx.log.error({ verb: command.verb, err }, "command failed");
            outcome = { ok: false, message: "It failed on GitHub's side; try again, or wait for the next sweep." };
          }
          if (refused.length > 0) outcome = perAdvisory(outcome, permitted, refused);
        }
      }
      const shown = env.place.private ? outcome : publicSafe(command.verb, outcome, authRefusal);
      entries.push({ text: command.text, ok: shown.ok, message: `${editedBy}${shown.message}` });
    }
    Object.assign(place, env.place); // `convert` moves the conversation into the private tracker
    if (env.trackingCase?.issue?.tracking && env.trackingCase.issue.tracking.acknowledgedAt === null) {
      await acknowledgeOnly(ctx, input, env);
    }
  }

  const memory = {
    commentId: comment.id,
    ran: [...ran, ...commands.map((c) => normalizeCommand(c.text)), ...errors.map((e) => normalizeCommand(e.text))],
    entries: [...(previous?.memory?.entries ?? []), ...entries],
  };
  const body = renderReply(memory);
  const where_ = { owner: place.owner, repo: place.repo };
  const reply: Plan =
    previous && place.issue.number === input.place.issue.number
      ? [{ op: "comment.update", params: { ...where_, comment_id: previous.id, body }, why: "command results" }]
      : [
          {
            op: "issue.comment",
            params: { ...where_, issue_number: place.issue.number, body },
            why: "command results",
          },
        ];
  await apply(reply, ctx);
  await react(ctx, place, comment.id, entries.every((e) => e.ok) ? "rocket" : "confused");
  return { outcome: "done", detail: `${entries.length} command(s)`, commands: entries.length };
}

/**
 * A human (not the reporter, not a bot) commenting on a tracking issue acknowledges the report: the
 * acknowledgement clock stops.
 */
async function acknowledgeOnly(ctx: RunContext, input: CommentInput, known?: CommandEnv): Promise<CommentReport> {
  const ignored: CommentReport = { outcome: "ignored", detail: "no command", commands: 0 };
  if (input.place.private === false) return ignored;
  const view = known?.view ?? (await readOrg(ctx));
  const org = orgConfig(view);
  const trackerName = org?.config.tracker.repo?.toLowerCase();
  if (!org || !trackerName || input.place.repo.toLowerCase() !== trackerName) return ignored;
  const c = known?.trackingCase ?? casesOf(view).find((x) => x.key === `${trackerName}#${input.place.issue.number}`);
  const tracking = c?.issue?.tracking;
  if (!c || !tracking || tracking.acknowledgedAt !== null) return ignored;
  const reporters = c.advisories.map((a) => reporterOf(a)).filter((r): r is string => r !== null);
  if (reporters.some((r) => loginKey(r) === loginKey(input.comment.author))) return ignored;
  const env: CommandEnv = known ?? {
    ctx,
    view,
    actor: input.comment.author,
    where: "tracker-issue",
    place: input.place,
    config: org.config,
    trackingCase: c,
  };
  await updateTracking(env, (s) => {
    s.acknowledgedAt ??= ctx.now.toISOString();
  });
  return { outcome: "done", detail: "report acknowledged", commands: 0 };
}

/**
 * Why an issue of the tracker that names advisories is no case: a repository of one of them has an
 * invalid configuration (such advisories are skipped, never run on defaults). Null when no such reason.
 * Said only in the private tracker.
 */
function untrackedReason(view: OrgView, tracker: string, number: number): string | null {
  const issue = view.trackers.get(tracker)?.issues.find((i) => i.number === number);
  if (!issue) return null;
  const byGhsa = new Map(view.advisories.map((a) => [a.ghsa_id.toLowerCase(), a]));
  for (const ghsa of trackedGhsas(issue)) {
    const advisory = byGhsa.get(ghsa);
    if (!advisory) continue;
    const { repo } = advisoryRepo(advisory);
    const config = configFor(view, repo);
    if (config && !config.ok)
      return `The configuration of \`${repo}\` is invalid, so its advisory ${advisory.ghsa_id} is skipped and commands here are off until it is fixed:\n\n${formatConfigError(config.error)}`;
  }
  return null;
}
