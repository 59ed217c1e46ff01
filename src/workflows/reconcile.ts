import type { Config } from "../config/schema.js";
import {
  type AdvisoryFacts,
  checklist,
  decideAdvisory,
  isOpen,
  reporterOf,
  statusOf,
} from "../domain/advisory-plan.js";
import { loginKey } from "../domain/handles.js";
import { describeGap, desiredPatchTeam } from "../domain/patch-team.js";
import type { Plan, Write } from "../domain/plan.js";
import { recordMilestones } from "../domain/response-times.js";
import { ackReminder } from "../domain/schedule.js";
import {
  type AdvisoryStatus,
  carriesNotice,
  mergeTrackingStates,
  type Notice,
  newTrackingState,
  renderNotice,
  renderStateComment,
  renderTrackingBody,
  renderTrackingStatus,
  TRACKING_LABEL,
  type TrackingState,
  trackingTitle,
} from "../domain/tracking.js";
import { quoteUntrusted } from "../domain/untrusted.js";
import { type Applied, ApplyError, apply } from "../github/apply.js";
import type { PendingNote } from "../github/run-reads.js";
import { type TrackingIssue, trackedGhsas } from "../github/tracker.js";
import { advisoryRepo, type IssueComment, type RepositoryAdvisory } from "../github/types.js";
import {
  configFor,
  type OrgView,
  outsideExperts,
  type RunContext,
  securityTeam,
  type Tracker,
  trackerFor,
} from "./org-view.js";
import { flushReleaseNotes, publicationStep } from "./publish.js";

/** One vulnerability: its advisories (siblings share a tracking issue) and that issue, if any. */
export interface Case {
  key: string;
  advisories: RepositoryAdvisory[];
  tracker: Tracker | null;
  issue: TrackingIssue | null;
  /** The state to write when a command changed it: the issue still carries the old one, or none yet. */
  state?: TrackingState;
}

export interface CaseResult {
  key: string;
  writes: number;
  skipped: string[];
  problems: string[];
  /** Per advisory: its fixing release and what blocks it, for the dashboard. */
  publication: Array<{ ghsa: string; fixingRelease: string | null; blockers: string[] }>;
  /** Whether GitHub confirmed that the tracking issue carries this run's state (or already did). */
  recorded: boolean;
  /** The tracking issue as GitHub answered this run's writes (its body, state comment and state). */
  issue?: TrackingIssue;
  /** The case could not be read or written this run (the next sweep retries it). */
  failed?: boolean;
  /**
   * The case's tracking issue as this run left it (its state, open or closed), when every write to it
   * was made: the dashboard shows it without reading the tracker again.
   */
  tracked?: { tracker: string; number: number; open: boolean; tracking: TrackingState };
}

function lower(s: string): string {
  return s.toLowerCase();
}

/** Groups the org's advisories into cases: open ones, and closed ones whose tracking issue is still open. */
export function casesOf(view: OrgView): Case[] {
  const byIssue = new Map<string, Case>();
  const cases: Case[] = [];
  const byGhsa = new Map(view.advisories.map((a) => [lower(a.ghsa_id), a]));
  for (const advisory of view.advisories) {
    const { repo } = advisoryRepo(advisory);
    const cfg = configFor(view, repo);
    const tracker = cfg?.ok ? trackerFor(view, cfg.config) : null;
    const issue = tracker?.byGhsa.get(lower(advisory.ghsa_id)) ?? null;
    if (!isOpen(advisory.state) && !issue?.open) continue;
    if (issue && tracker) {
      const key = `${lower(tracker.repo)}#${issue.number}`;
      if (byIssue.has(key)) continue;
      // An issue a person opened, with no state of the app yet, tracks the org's advisories it names
      // (adopted by the next write).
      const tracked = (issue.tracking ?? issue.unverified?.claimed)?.advisories.map((t) => t.ghsa);
      const siblings = (tracked ?? trackedGhsas(issue).filter((g) => tracker.byGhsa.get(g) === issue))
        .map((ghsa) => byGhsa.get(lower(ghsa)))
        .filter((a): a is RepositoryAdvisory => a !== undefined);
      const c: Case = { key, advisories: siblings.length > 0 ? siblings : [advisory], tracker, issue };
      byIssue.set(key, c);
      cases.push(c);
    } else {
      cases.push({ key: lower(advisory.ghsa_id), advisories: [advisory], tracker, issue: null });
    }
  }
  return cases;
}

/** Where each advisory is in the view (by GHSA id, lower case), so a sweep of thousands stays linear. */
const positions = new WeakMap<RepositoryAdvisory[], Map<string, number>>();

function positionOf(view: OrgView, ghsa: string): number {
  let known = positions.get(view.advisories);
  if (!known || known.size !== view.advisories.length) {
    known = new Map(view.advisories.map((a, i) => [lower(a.ghsa_id), i]));
    positions.set(view.advisories, known);
  }
  return known.get(lower(ghsa)) ?? -1;
}

interface Staffed {
  advisory: RepositoryAdvisory;
  status: AdvisoryStatus;
  /** Notices for the tracking issue, posted before its body records them. */
  comments: Notice[];
  config: Config;
  /** The patch team to mention in reminders (not the reporter, not the app). */
  mention: string[];
  /** Published, but its release notes still lack the link: the tracking issue stays open until they have it. */
  annotationPending: boolean;
  /** Release-notes edits made at the end of the run's publications; pending until made. */
  notesPending: PendingNote[];
}

const FORK_PERMISSION_NOTE =
  "The app cannot create the temporary private fork: grant the GitHub App the **Administration: write** repository permission (Settings → GitHub Apps), then run `/advisory fork`.";

function refusalNote(error: ApplyError): string {
  if (error.write.op === "advisory.fork" && error.status === 403) return FORK_PERMISSION_NOTE;
  return `GitHub refused ${error.write.op} — ${error.message.replace(/^.*failed\s*/, "").replace(/^\((.*)\)$/, "$1")}. It is retried on the next sweep.`;
}

/**
 * A fork request GitHub refuses because a fork already exists (or is being made) has done its job. Any
 * other refusal (422 is also "validation failed" and "spammed") is explained and retried.
 */
function forkAlreadyExists(error: ApplyError): boolean {
  const said = (error.cause as { response?: { data?: { message?: unknown } } } | undefined)?.response?.data?.message;
  return (
    error.write.op === "advisory.fork" &&
    error.status === 422 &&
    typeof said === "string" &&
    /\balready exists?\b/i.test(said)
  );
}

/** Phase 1 for one advisory: accept, re-staff and fork it; returns its new state and its status block. */
async function staffAdvisory(
  ctx: RunContext,
  view: OrgView,
  advisory: RepositoryAdvisory,
  config: Config,
  tracking: TrackingState,
  result: CaseResult,
): Promise<Staffed> {
  const { owner, repo } = advisoryRepo(advisory);
  const team = securityTeam(view, config);
  const reporter = reporterOf(advisory as AdvisoryFacts);
  const desired = desiredPatchTeam({
    org: owner,
    repo,
    repos: view.rosters,
    config: { inactive: config.inactive },
    securityTeam: team.members,
    reporter,
    added: tracking.added,
    removed: tracking.removed,
    botLogin: ctx.botLogin,
  });
  const decision = decideAdvisory({
    advisory: advisory as AdvisoryFacts,
    desired,
    settings: {
      acceptReports: config.intake.acceptReports,
      privateFork: config.intake.privateFork,
      removeUnlisted: config.patchTeam.removeUnlisted,
    },
    tracking,
    botLogin: ctx.botLogin,
    now: ctx.now,
  });

  const notes: string[] = [];
  if (team.problem) notes.push(`${team.problem}; only the handles listed in the configuration form the security team.`);
  if (desired.gap && isOpen(advisory.state)) notes.push(describeGap(desired.gap, config.maintainers.files));
  if (decision.collaborators.unlisted.length > 0) {
    const who = decision.collaborators.unlisted.map((u) => `@${u}`).join(", ");
    notes.push(
      config.patchTeam.removeUnlisted
        ? `Removed collaborators who are neither maintainers, security team, reporter nor added by command: ${who}.`
        : `Collaborators who are neither maintainers, security team, reporter nor added by command: ${who}. Remove them with \`/advisory remove\`, or keep them with \`/advisory add\`.`,
    );
  }

  const plan: Plan = [];
  const target = { owner, repo, ghsa_id: advisory.ghsa_id };
  if (decision.patch) {
    const why = [
      decision.patch.state ? "accept the report" : null,
      decision.collaborators.change
        ? `patch team: +${decision.collaborators.added.length} −${decision.collaborators.removed.length} users, +${decision.collaborators.addedTeams.length} −${decision.collaborators.removedTeams.length} teams`
        : null,
    ]
      .filter(Boolean)
      .join("; ");
    plan.push({ op: "advisory.update", params: { ...target, ...decision.patch }, why });
  }
  if (decision.requestFork)
    plan.push({ op: "advisory.fork", params: target, why: "create the temporary private fork" });

  let current = advisory;
  let applied: Applied[] = [];
  try {
    applied = await apply(plan, ctx);
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    applied = err.done;
    if (forkAlreadyExists(err)) {
      tracking.forkRequestedAt[advisory.ghsa_id] = ctx.now.toISOString();
    } else {
      notes.push(refusalNote(err));
      result.problems.push(err.message);
      ctx.log.warn(
        { ghsa: advisory.ghsa_id, repo: `${owner}/${repo}`, op: err.write.op, status: err.status },
        "write refused",
      );
    }
  }
  for (const done of applied) {
    if (!done.performed) continue;
    result.writes += 1;
    if (done.write.op === "advisory.update" && done.data) {
      current = done.data as RepositoryAdvisory;
      await ctx.reads?.advisoryWritten(owner, repo, current);
    }
    if (done.write.op === "advisory.fork") tracking.forkRequestedAt[advisory.ghsa_id] = ctx.now.toISOString();
  }
  const patched = applied.some((d) => d.performed && d.write.op === "advisory.update");
  if (isOpen(current.state) && (decision.collaborators.change === null || patched)) {
    tracking.managed[advisory.ghsa_id] = desired.users;
  }
  // In a dry run nothing changed on GitHub; show the status as it would be.
  const staffedNow = decision.collaborators.change === null || applied.some((d) => d.write.op === "advisory.update");
  // The first time the advisory is seen accepted and fully staffed is recorded for the response times.
  tracking.milestones = recordMilestones(
    tracking.milestones,
    [{ ghsa: current.ghsa_id, state: current.state, staffed: staffedNow }],
    ctx.now,
  );
  const team_ =
    decision.collaborators.change?.collaborating_users ?? (current.collaborating_users ?? []).map((u) => u.login);
  const mention = desired.users.filter((u) => u.toLowerCase() !== (reporter ?? "").toLowerCase());
  const siblings = tracking.advisories
    .map((t) => positionOf(view, t.ghsa))
    .filter((at, i, all) => at !== -1 && all.indexOf(at) === i)
    .sort((a, b) => a - b)
    .map((at) => view.advisories[at] as RepositoryAdvisory)
    .filter((a) => a.ghsa_id !== current.ghsa_id);
  const publication = await publicationStep(
    ctx,
    view,
    { owner, repo },
    current,
    config,
    tracking,
    mention,
    siblings,
    result,
  );
  current = publication.advisory;
  // Later steps of this run (the dashboard) see the advisory as it is now.
  const at = positionOf(view, current.ghsa_id);
  if (at !== -1) view.advisories[at] = current;
  result.writes += publication.writes;
  tracking.notices.push(...publication.notices);
  const status = statusOf(current as AdvisoryFacts, `${owner}/${repo}`, {
    team: team_,
    checklist: checklist(current as AdvisoryFacts, {
      acknowledged: tracking.acknowledgedAt !== null,
      staffed: staffedNow && isOpen(current.state) ? true : current.state === "published",
      forkRequested: tracking.forkRequestedAt[advisory.ghsa_id] !== undefined,
      forkWanted: config.intake.privateFork,
      fixingRelease: publication.fixingRelease,
    }),
    fixingRelease: publication.fixingRelease,
    blockers: publication.blockers,
    notes: [...notes, ...publication.notes],
  });
  return {
    advisory: current,
    status,
    comments: publication.comments,
    config,
    mention,
    annotationPending: publication.annotationPending,
    notesPending: publication.notesPending,
  };
}

/**
 * The comment that adopts an issue a person opened: what the app does with it from now on, and the text
 * it was opened with (the app renders its description from now on), quoted so it cannot form markup.
 */
function adoptionNotice(issue: TrackingIssue, tracking: TrackingState): Notice {
  const names = tracking.advisories.map((a) => `${a.ghsa} (${a.repo})`).join(", ");
  return {
    key: "adopted",
    body: `This issue now tracks ${names}: oras-advisory-bot keeps its description current with the advisories' status, patch team and publication, keeps its state in its own comment here, and records commands given here. The text it was opened with, kept for the record:\n\n${quoteUntrusted(issue.body)}`,
  };
}

const REMINDER_WORDS = ["", "Reminder", "Second reminder", "Urgent reminder"] as const;

/**
 * The acknowledgement clock: a report with no human response (other than the reporter and the app)
 * within `intake.ackWithin` working days gets escalating reminders on its tracking issue, at most one a
 * day. Before reminding, the tracking issue's comments are read: a human comment acknowledges it.
 * Returns the reminder to post, if any; records acknowledgement and reminder dates in `tracking`.
 */
async function acknowledgement(
  ctx: RunContext,
  c: Case,
  staffed: Staffed[],
  tracking: TrackingState,
  issueComments: () => Promise<IssueComment[]>,
): Promise<Notice | null> {
  const open = staffed.filter((s) => isOpen(s.advisory.state));
  const first = open[0];
  if (!first || tracking.acknowledgedAt !== null || !c.issue) return null;
  const reportedAt = new Date(Math.min(...open.map((s) => Date.parse(s.advisory.created_at ?? tracking.reportedAt))));
  const ackWithin = Math.min(...open.map((s) => s.config.intake.ackWithin));
  const lastReminderAt = tracking.lastReminderAt ? new Date(tracking.lastReminderAt) : null;
  const verdict = ackReminder({ reportedAt, acknowledgedAt: null, ackWithin, lastReminderAt, now: ctx.now });
  if (!verdict.due) return null;

  const reporters = new Set(open.map((s) => reporterOf(s.advisory as AdvisoryFacts)?.toLowerCase()).filter(Boolean));
  const human = (await issueComments()).find(
    (cm) =>
      cm.user !== null &&
      cm.user.type !== "Bot" &&
      cm.user.login.toLowerCase() !== ctx.botLogin.toLowerCase() &&
      !reporters.has(cm.user.login.toLowerCase()),
  );
  if (human) {
    tracking.acknowledgedAt = human.created_at;
    return null;
  }
  tracking.lastReminderAt = ctx.now.toISOString();
  const mention = [...new Set(open.flatMap((s) => s.mention))];
  const who = mention.length > 0 ? `${mention.map((u) => `@${u}`).join(" ")} ` : "";
  return {
    key: `ack-reminder:${ctx.now.toISOString().slice(0, 10)}`,
    body: `${REMINDER_WORDS[verdict.level]}: ${who}this report has had no response for ${ackWithin + verdict.overdueWorkingDays} working days; the security policy promises a response within ${ackWithin}. Comment here (or use \`/advisory accept\`) to acknowledge it.`,
  };
}

/**
 * The notices not on the issue yet. A notice is posted before the issue's state records it; if the run
 * stopped in between, its marker on the issue keeps the next run from posting it again.
 */
async function unposted(
  ctx: RunContext,
  notices: Notice[],
  issueComments: () => Promise<IssueComment[]>,
): Promise<Notice[]> {
  if (notices.length === 0) return notices;
  const mine = (await issueComments())
    .filter((c) => c.user?.login.toLowerCase() === ctx.botLogin.toLowerCase())
    .map((c) => c.body ?? "");
  return notices.filter((n) => !mine.some((body) => carriesNotice(body, n.key)));
}

/** Why an advisory of a case whose state does not verify is not published automatically. */
export const UNVERIFIED_BLOCKER =
  "the tracking state could not be verified: waiting for the security team's `/advisory sync`";

/**
 * A case whose tracking state does not verify changes nothing: no advisory is accepted, re-staffed,
 * forked or published, the body is left as it is, and the tracking issue gets one notice (per
 * unverified state) asking the security team to confirm the case with `/advisory sync`.
 */
async function quarantine(ctx: RunContext, view: OrgView, c: Case, result: CaseResult): Promise<CaseResult> {
  const issue = c.issue;
  const tracker = c.tracker;
  for (const a of c.advisories)
    result.publication.push({ ghsa: a.ghsa_id, fixingRelease: null, blockers: [UNVERIFIED_BLOCKER] });
  result.skipped.push(`${c.key}: tracking state could not be verified`);
  if (!issue?.unverified || !tracker || tracker.problem) return result;
  ctx.log.warn({ case: c.key }, "tracking state could not be verified; the case waits for the security team");
  const cfg = c.advisories.map((a) => configFor(view, advisoryRepo(a).repo)).find((x) => x?.ok);
  const team = cfg?.ok ? securityTeam(view, cfg.config).members : [];
  const who = team.length > 0 ? `${team.map((u) => `@${u}`).join(" ")}: ` : "";
  const notice: Notice = {
    key: `unverified-state:${issue.unverified.fingerprint}`,
    body: [
      "> [!CAUTION]",
      "> The tracking state of this issue could not be verified: it was edited by hand, or it was signed under a state key that has since been rotated.",
      "",
      "Until the security team confirms the case nothing changes here: nobody is added to or removed from the patch team, and nothing is published automatically.",
      "",
      `${who}check the patch team and whether this case should be on hold, then comment \`/advisory sync\`. It re-signs the state from what GitHub shows now: the advisories' current collaborators stay as they are, and a hold the unverified state shows is kept (\`/advisory hold\` sets one, \`/advisory unhold\` lifts it).`,
    ].join("\n"),
  };
  const where = { owner: view.org, repo: tracker.repo };
  const comments = () =>
    ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, { ...where, issue_number: issue.number, per_page: 100 });
  const plan: Plan = (await unposted(ctx, [notice], comments)).map((n) => ({
    op: "issue.comment",
    params: { ...where, issue_number: issue.number, body: renderNotice(n) },
    why: "tracking state could not be verified",
  }));
  try {
    result.writes += (await apply(plan, ctx)).filter((a) => a.performed).length;
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    result.problems.push(err.message);
  }
  return result;
}

/** A case after its first phase (staffing, publication), waiting for its tracking issue to be written. */
interface Prepared {
  c: Case;
  result: CaseResult;
  /** Set when the case is done after the first phase (nothing to reconcile, or quarantined). */
  finished: boolean;
  tracking: TrackingState;
  duplicates: TrackingIssue[];
  /** The notice that adopts an issue a person opened, posted with the issue's other notices. */
  adoption: Notice | null;
  staffed: Staffed[];
}

/**
 * Reconciles one case: each advisory is accepted, staffed and forked (one PATCH at most, only when
 * something differs), then the tracking issue is created or brought up to date. Invalid configuration
 * skips the advisory; a refused write is noted on the tracking issue and the rest proceeds.
 */
export async function reconcileCase(
  ctx: RunContext,
  view: OrgView,
  c: Case,
  notices?: ReadonlyMap<string, readonly Notice[]>,
): Promise<CaseResult> {
  const prepared = await prepareCase(ctx, view, c);
  await flushReleaseNotes(ctx);
  return finishCase(ctx, view, prepared, notices);
}

/** The first phase of a case: its advisories accepted, staffed, forked and, when fixed, published. */
async function prepareCase(ctx: RunContext, view: OrgView, c: Case): Promise<Prepared> {
  const result: CaseResult = { key: c.key, writes: 0, skipped: [], problems: [], publication: [], recorded: false };
  const done = (r: CaseResult): Prepared => ({
    c,
    result: r,
    finished: true,
    tracking: newTrackingState([], ctx.now),
    duplicates: [],
    adoption: null,
    staffed: [],
  });
  const first = c.advisories[0];
  if (!first) return done(result);
  if (c.issue?.unverified) return done(await quarantine(ctx, view, c, result));
  // Issues opened for the same vulnerability after this one (two runs at once, in two processes): what
  // they recorded is carried over here before anything is decided, and they are closed as duplicates.
  const duplicates = c.issue ? (c.tracker?.duplicates.get(c.issue.number) ?? []) : [];
  let tracking: TrackingState =
    c.state ??
    c.issue?.tracking ??
    newTrackingState(
      c.advisories.map((a) => ({ repo: `${advisoryRepo(a).owner}/${advisoryRepo(a).repo}`, ghsa: a.ghsa_id })),
      ctx.now,
    );
  for (const d of duplicates) if (d.tracking) tracking = mergeTrackingStates(tracking, d.tracking);
  // An issue a person opened with no state of the app: this run adopts it (its state goes in the app's
  // state comment). Its body is rendered from now on, so the text it was opened with is kept first.
  const adoption = c.issue && !c.issue.tracking ? adoptionNotice(c.issue, tracking) : null;
  if (adoption && !tracking.notices.includes(adoption.key)) tracking.notices.push(adoption.key);

  if (tracking.acknowledgedAt === null) {
    // A report accepted while the app does not accept reports was accepted by a person.
    const byHand = c.advisories.find((a) => {
      const cfg = configFor(view, advisoryRepo(a).repo);
      return cfg?.ok === true && !cfg.config.intake.acceptReports && a.state === "draft" && a.submission?.accepted;
    });
    if (byHand) tracking.acknowledgedAt = byHand.updated_at ?? ctx.now.toISOString();
  }

  const staffed: Staffed[] = [];
  for (const advisory of c.advisories) {
    const { repo } = advisoryRepo(advisory);
    const cfg = configFor(view, repo);
    if (!cfg) {
      result.skipped.push(`${advisory.ghsa_id}: repository ${repo} is not visible to the app`);
      continue;
    }
    if (!cfg.ok) {
      result.skipped.push(`${advisory.ghsa_id}: invalid configuration for ${cfg.error.repository}`);
      continue;
    }
    const one = await staffAdvisory(ctx, view, advisory, cfg.config, tracking, result);
    staffed.push(one);
    result.publication.push({
      ghsa: advisory.ghsa_id,
      fixingRelease: one.status.fixingRelease,
      blockers: one.status.blockers,
    });
  }
  return { c, result, finished: false, tracking, duplicates, adoption, staffed };
}

/**
 * The second phase of a case, after the run's release-notes edits: its tracking issue created or
 * brought up to date, with the notices its first phase decided.
 */
async function finishCase(
  ctx: RunContext,
  view: OrgView,
  prepared: Prepared,
  notices?: ReadonlyMap<string, readonly Notice[]>,
): Promise<CaseResult> {
  const { c, result, tracking, duplicates, adoption } = prepared;
  if (prepared.finished) return result;
  const first = c.advisories[0];
  if (!first) return result;
  const firstRepo = advisoryRepo(first);
  // Published advisories whose release notes the run's edit did not complete keep their issue open.
  const staffed = prepared.staffed.map((s) => ({
    ...s,
    annotationPending: s.annotationPending || s.notesPending.some((n) => !n.outcome?.complete),
  }));

  const tracker = c.tracker;
  if (!tracker || staffed.length === 0) return result;
  if (tracker.problem) {
    result.problems.push(tracker.problem);
    return result;
  }
  const where = { owner: view.org, repo: tracker.repo };
  // The tracking issue's comments, read at most once a run, and only if the clock or a notice needs them.
  let listed: Promise<IssueComment[]> | undefined;
  const issueComments = (): Promise<IssueComment[]> =>
    (listed ??= c.issue
      ? ctx.octokit.paginate(ctx.octokit.rest.issues.listComments, {
          ...where,
          issue_number: c.issue.number,
          per_page: 100,
        })
      : Promise.resolve([]));
  const reminder = await acknowledgement(ctx, c, staffed, tracking, issueComments);
  // Notices a trigger brought (the embargo watch), each posted once.
  const asked = c.advisories
    .flatMap((a) => notices?.get(a.ghsa_id.toLowerCase()) ?? [])
    .filter((n, i, all) => !tracking.notices.includes(n.key) && all.findIndex((m) => m.key === n.key) === i);
  tracking.notices.push(...asked.map((n) => n.key));
  const statuses = staffed.map((s) => s.status);
  const experts = outsideExperts(view);
  const shown = { outsideExperts: tracking.added.filter((a) => experts.some((e) => loginKey(e) === loginKey(a))) };
  // An issue the app opened carries its state at the end of its body; one a person opened, in the app's comment.
  const byApp = c.issue?.byApp ?? true;
  const body = byApp
    ? renderTrackingBody(statuses, tracking, ctx.stateKey, shown)
    : renderTrackingStatus(statuses, tracking, shown);
  const anyOpen = staffed.some((s) => isOpen(s.advisory.state));
  let leftOpen = c.issue?.open ?? true;
  const plan: Plan = [];
  // The writes that put this run's state on GitHub: the body of an issue the app opened, the state
  // comment of one a person opened. The reply to a command says ✅ only once GitHub confirmed them.
  let stateWrite: Write | null = null;
  let bodyWrite: Write | null = null;
  let stateComment: TrackingIssue["stateComment"] = c.issue?.stateComment ?? null;
  const comments = [
    ...(adoption ? [adoption] : []),
    ...staffed.flatMap((s) => s.comments),
    ...(reminder ? [reminder] : []),
    ...asked,
  ];
  if (!c.issue) {
    if (!anyOpen) return result;
    plan.push({
      op: "issue.create",
      params: {
        ...where,
        title: trackingTitle({ ghsa: first.ghsa_id, repo: `${firstRepo.owner}/${firstRepo.repo}` }),
        // Notices are recorded once posted: a new issue records none until its notices are on it.
        body:
          comments.length > 0 ? renderTrackingBody(statuses, { ...tracking, notices: [] }, ctx.stateKey, shown) : body,
        labels: [TRACKING_LABEL],
      },
      why: `track ${first.ghsa_id}`,
    });
  } else {
    for (const notice of await unposted(ctx, comments, issueComments)) {
      plan.push({
        op: "issue.comment",
        params: { ...where, issue_number: c.issue.number, body: renderNotice(notice) },
        why: "publication notice",
      });
    }
    if (!byApp) {
      const stateBody = renderStateComment(tracking, ctx.stateKey);
      stateWrite = !c.issue.stateComment
        ? {
            op: "issue.comment",
            params: { ...where, issue_number: c.issue.number, body: stateBody },
            why: "record the tracking state",
          }
        : c.issue.stateComment.body !== stateBody
          ? {
              op: "comment.update",
              params: { ...where, comment_id: c.issue.stateComment.id, body: stateBody },
              why: "record the tracking state",
            }
          : null;
      if (stateWrite) plan.push(stateWrite);
      else result.recorded = true;
      stateComment = { id: c.issue.stateComment?.id ?? 0, body: stateBody };
    }
    const update: Record<string, unknown> = {};
    if (c.issue.body !== body) update.body = body;
    else if (byApp) result.recorded = true;
    if (!anyOpen && c.issue.open && !staffed.some((s) => s.annotationPending)) {
      update.state = "closed";
      update.state_reason = staffed.every((s) => s.advisory.state === "published") ? "completed" : "not_planned";
    }
    // An advisory reopened on GitHub (a rejected report set back to draft) is tracked again.
    if (anyOpen && !c.issue.open) update.state = "open";
    if (update.state !== undefined) leftOpen = update.state === "open";
    if (Object.keys(update).length > 0) {
      bodyWrite = {
        op: "issue.update",
        params: { ...where, issue_number: c.issue.number, ...update },
        why:
          update.state === "closed"
            ? "advisories closed or published"
            : update.state === "open"
              ? "advisory reopened"
              : "status changed",
      };
      plan.push(bodyWrite);
    }
    for (const d of duplicates) {
      // Closed first: a run cut off after it leaves no open duplicate, at worst one without the note.
      plan.push(
        {
          op: "issue.update",
          params: { ...where, issue_number: d.number, state: "closed", state_reason: "duplicate" },
          why: "duplicate tracking issue",
        },
        {
          op: "issue.comment",
          params: {
            ...where,
            issue_number: d.number,
            body: `Duplicate of #${c.issue.number}, which was opened first for the same advisories and tracks them from now on. What this issue recorded (people added or removed, a hold, notices given) has been carried over there.`,
          },
          why: "duplicate tracking issue",
        },
      );
    }
  }
  // What GitHub confirmed of the plan: the writes it carried out, and the tracking issue as it is now.
  let confirmed = false;
  const confirm = (applied: Applied[]) => {
    confirmed = true;
    result.writes += applied.filter((a) => a.performed).length;
    for (const a of applied) {
      if (!a.performed) continue;
      if (a.write.op === "issue.create") result.recorded = true;
      if (a.write === stateWrite) {
        result.recorded = true;
        const id = (a.data as { id?: number } | undefined)?.id;
        if (stateComment && id !== undefined && a.write.op === "issue.comment") stateComment = { ...stateComment, id };
      }
      if (a.write === bodyWrite && "body" in a.write.params && byApp) result.recorded = true;
    }
    if (c.issue) {
      const bodyDone = bodyWrite !== null && applied.some((a) => a.performed && a.write === bodyWrite);
      result.issue = {
        ...c.issue,
        body: bodyDone ? body : c.issue.body,
        stateComment: byApp ? null : result.recorded ? stateComment : c.issue.stateComment,
        tracking: result.recorded ? tracking : c.issue.tracking,
      };
    }
  };
  try {
    const applied = await apply(plan, ctx);
    confirm(applied);
    const created = applied.find((a) => a.write.op === "issue.create" && a.performed)?.data as
      | { number?: number }
      | undefined;
    if (created?.number !== undefined && comments.length > 0) {
      const issue_number = created.number;
      const notices: Plan = [
        ...comments.map(
          (notice): Write => ({
            op: "issue.comment",
            params: { ...where, issue_number, body: renderNotice(notice) },
            why: "publication notice",
          }),
        ),
        { op: "issue.update", params: { ...where, issue_number, body }, why: "record the notices" },
      ];
      result.writes += (await apply(notices, ctx)).filter((a) => a.performed).length;
    }
    const number = c.issue?.number ?? created?.number;
    if (number !== undefined) result.tracked = { tracker: tracker.repo, number, open: leftOpen, tracking };
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    if (!confirmed) confirm(err.done);
    else result.writes += err.done.filter((a) => a.performed).length;
    result.problems.push(err.message);
    ctx.log.warn({ case: c.key, op: err.write.op, status: err.status }, "tracking write refused");
  }
  return result;
}

/**
 * Reconciles every case of the view; one failure never stops the rest. A case that could not be read
 * or written is logged with its key, reported in the result (the sweep's summary) and shown as a
 * blocker of its advisories on the dashboard; the next sweep tries it again.
 */
export async function reconcileOrg(
  ctx: RunContext,
  view: OrgView,
  notices?: ReadonlyMap<string, readonly Notice[]>,
): Promise<CaseResult[]> {
  // A case that throws is reported as failed (its advisories show why on the dashboard); the others go on.
  const failed = (c: Case, err: unknown): CaseResult => {
    const status = (err as { status?: number }).status;
    ctx.log.error({ case: c.key, status, err }, "reconcile failed");
    const reason = `not reconciled: ${failureText(err)}; the next sweep retries it`;
    return {
      key: c.key,
      writes: 0,
      skipped: [],
      problems: [`${c.key}: ${failureText(err)}`],
      publication: c.advisories.map((a) => ({ ghsa: a.ghsa_id, fixingRelease: null, blockers: [reason] })),
      recorded: false,
      failed: true,
    };
  };
  // Every case's advisories first, then the release-notes edits their publications decided (one per
  // release), then every case's tracking issue.
  const prepared: Array<Prepared | CaseResult> = [];
  for (const c of casesOf(view)) {
    try {
      prepared.push(await prepareCase(ctx, view, c));
    } catch (err) {
      prepared.push(failed(c, err));
    }
  }
  try {
    await flushReleaseNotes(ctx);
  } catch (err) {
    // The notes stay pending: their tracking issues stay open, and a later sweep edits again.
    ctx.log.error({ org: ctx.org, err }, "release notes not edited");
  }
  const results: CaseResult[] = [];
  for (const p of prepared) {
    if (!("c" in p)) {
      results.push(p);
      continue;
    }
    try {
      results.push(await finishCase(ctx, view, p, notices));
    } catch (err) {
      // What its first phase wrote (a publication, a patch team) was written all the same.
      const out = failed(p.c, err);
      out.writes = p.result.writes;
      results.push(out);
    }
  }
  return results;
}

/** A failure as a short line: GitHub's status and message, or the error's message. No advisory content. */
function failureText(err: unknown): string {
  if (err instanceof ApplyError) return err.message;
  const status = (err as { status?: number }).status;
  const message = err instanceof Error ? err.message.split("\n")[0] : String(err);
  return status ? `GitHub answered ${status} (${message})` : (message ?? "unknown error");
}
