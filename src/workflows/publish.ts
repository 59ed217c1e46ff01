/**
 * Publication: the single gate that may publish an advisory, and what happens around it (blocked
 * notices on the tracking issue, the "Security advisories" section of the release notes).
 *
 * Invariant: no code path publishes an advisory whose fixing release is not published. The gate is the
 * only code that builds an `advisory.publish` write, and before it does, it reads the advisory and the
 * repository's releases from GitHub in this run, under the org's lock — never from the org view, a
 * payload or anything kept between runs. A run that publishes several drafts of one repository reads
 * its drafts and its releases once (`RunReads`), and edits each fixing release's notes once.
 */
import type { Config } from "../config/schema.js";
import { DESCRIPTION_PROBLEMS, disclosureExample, disclosureWarnings } from "../domain/disclosure.js";
import type { Plan } from "../domain/plan.js";
import {
  annotateReleaseNotes,
  type PublicationProblem,
  type PublicationVerdict,
  publicationVerdict,
} from "../domain/publication.js";
import { patchedVersions, publicationReadiness, unrecognizedPatchedVersions } from "../domain/releases.js";
import { blockedReleaseReminder } from "../domain/schedule.js";
import type { Notice, TrackingState } from "../domain/tracking.js";
import { escapeUntrusted } from "../domain/untrusted.js";
import { type Applied, ApplyError, apply } from "../github/apply.js";
import { RECENT_RELEASES, type SnapshotRelease } from "../github/org.js";
import { findReleases } from "../github/releases.js";
import type { PendingNote, RunReads } from "../github/run-reads.js";
import { advisoryRepo, type Octokit, type Release, type RepositoryAdvisory } from "../github/types.js";
import type { OrgView, RunContext } from "./org-view.js";

export interface PublishTarget {
  owner: string;
  repo: string;
  ghsa: string;
}

export type GateOutcome =
  | PublicationVerdict<Release>
  /** `publish.together`: a sibling advisory's own fixing release is not out yet. */
  | { kind: "waiting-for-sibling"; siblings: string[]; fixingReleases: Release[] }
  | { kind: "published"; advisory: RepositoryAdvisory; fixingReleases: Release[] }
  | { kind: "refused"; message: string };

/** The published releases an advisory's publication depends on, read from GitHub in this run. */
function releasesFor(
  octokit: Octokit,
  owner: string,
  repo: string,
  advisory: RepositoryAdvisory,
  reads?: RunReads,
): Promise<Release[]> {
  return findReleases(
    octokit,
    owner,
    repo,
    [...patchedVersions(advisory), ...unrecognizedPatchedVersions(advisory)],
    reads,
  );
}

/**
 * The advisory as GitHub has it, read in this run: from the repository's drafts, listed once a run
 * (a release fixing several drafts reads them in one request), else by its GHSA id.
 */
async function readAdvisory(ctx: RunContext, target: PublishTarget): Promise<RepositoryAdvisory> {
  const { owner, repo, ghsa } = target;
  if (ctx.reads) {
    const drafts = await ctx.reads.drafts(ctx.octokit, owner, repo);
    const listed = drafts.find((a) => a.ghsa_id.toLowerCase() === ghsa.toLowerCase());
    if (listed) return listed;
  }
  const { data } = await ctx.octokit.rest.securityAdvisories.getRepositoryAdvisory({ owner, repo, ghsa_id: ghsa });
  return data;
}

/**
 * The only function that publishes. It re-reads the advisory and the releases, decides with
 * `publicationVerdict` (fixing release published and eligible, disclosure check passes, not on hold)
 * and only then sends `state: published`.
 */
export async function publishGate(
  ctx: RunContext,
  target: PublishTarget,
  config: Config,
  hold: { reason: string } | null,
  /** With `publish.together`: the sibling advisories that must be publishable too (re-read as well). */
  siblings: PublishTarget[] = [],
  /** A security-team `/advisory publish`: confirms a fixing release older than the advisory. */
  authority: { securityTeamConfirmed: boolean } = { securityTeamConfirmed: false },
): Promise<GateOutcome> {
  const { owner, repo } = target;
  const advisory = await readAdvisory(ctx, target);
  const releases = await releasesFor(ctx.octokit, owner, repo, advisory, ctx.reads);
  const verdict = publicationVerdict(advisory, releases, config.publish, hold, authority);
  if (verdict.kind !== "ready") return verdict;
  const waitingFor: string[] = [];
  for (const sibling of siblings) {
    const other = await readAdvisory(ctx, sibling);
    // Published: done. Closed or withdrawn (rejected, abandoned): it left the group and holds nobody back.
    if (other.state === "published" || other.state === "closed" || other.state === "withdrawn") continue;
    const theirs = publicationVerdict(
      other,
      await releasesFor(ctx.octokit, sibling.owner, sibling.repo, other, ctx.reads),
      config.publish,
      hold,
      authority,
    );
    if (theirs.kind !== "ready") waitingFor.push(`${sibling.ghsa} in ${sibling.owner}/${sibling.repo}`);
  }
  if (waitingFor.length > 0)
    return { kind: "waiting-for-sibling", siblings: waitingFor, fixingReleases: verdict.fixingReleases };
  const plan: Plan = [
    {
      op: "advisory.publish",
      params: { owner, repo, ghsa_id: advisory.ghsa_id },
      why: `fixed by ${verdict.fixingReleases.map((r) => r.tag_name).join(", ")}`,
    },
  ];
  try {
    const [done] = await apply(plan, ctx);
    const published = (done?.performed ? done.data : { ...advisory, state: "published" }) as RepositoryAdvisory;
    await ctx.reads?.advisoryWritten(owner, repo, published);
    ctx.log.info(
      {
        ghsa: advisory.ghsa_id,
        repo: `${owner}/${repo}`,
        releases: verdict.fixingReleases.map((r) => r.tag_name),
        dryRun: ctx.dryRun,
      },
      "advisory published",
    );
    return { kind: "published", advisory: published, fixingReleases: verdict.fixingReleases };
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    return { kind: "refused", message: err.message };
  }
}

export interface Annotation {
  writes: number;
  /** False when GitHub refused an edit: the tracking issue stays open so that a later sweep retries it. */
  complete: boolean;
}

/** The release's notes as this run last saw them: its own edit of them included. */
function notesOf(
  ctx: RunContext,
  target: { owner: string; repo: string },
  release: Pick<Release, "id" | "body">,
): string | null | undefined {
  return (ctx.reads?.release(target.owner, target.repo, release.id) ?? release).body;
}

/** Folds the app's edits of release notes into what the run has read. */
function noteEdits(ctx: RunContext, target: { owner: string; repo: string }, applied: readonly Applied[]): void {
  for (const done of applied)
    if (done.performed && done.write.op === "release.update" && done.data)
      ctx.reads?.releaseEdited(target.owner, target.repo, done.data as Release);
}

/** Adds the "Security advisories" section to each fixing release's notes (never twice), now. */
export async function annotateReleases(
  ctx: RunContext,
  target: { owner: string; repo: string },
  advisory: RepositoryAdvisory,
  releases: ReadonlyArray<Pick<Release, "id" | "tag_name" | "body">>,
): Promise<Annotation> {
  const plan: Plan = [];
  for (const release of releases) {
    const body = annotateReleaseNotes(notesOf(ctx, target, release), [
      { ghsa: advisory.ghsa_id, url: advisory.html_url, summary: advisory.summary },
    ]);
    if (body === null) continue;
    plan.push({
      op: "release.update",
      params: { ...target, release_id: release.id, body },
      why: `link ${advisory.ghsa_id} in ${release.tag_name}`,
    });
  }
  try {
    const applied = await apply(plan, ctx);
    noteEdits(ctx, target, applied);
    return { writes: applied.filter((d) => d.performed).length, complete: true };
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    noteEdits(ctx, target, err.done);
    ctx.log.warn({ ghsa: advisory.ghsa_id, op: err.write.op, status: err.status }, "release annotation refused");
    return { writes: 0, complete: false };
  }
}

/**
 * Links the advisory in each fixing release's notes: with the run's reads, at the end of the run's
 * publications (`flushReleaseNotes`), so that a release fixing several advisories is edited once; else
 * now. `account` is credited with the edits made.
 */
async function annotateLater(
  ctx: RunContext,
  target: { owner: string; repo: string },
  advisory: RepositoryAdvisory,
  releases: ReadonlyArray<Pick<Release, "id" | "tag_name" | "body">>,
  account: { writes: number },
): Promise<{ pending: PendingNote[]; annotation: Annotation | null }> {
  if (!ctx.reads) return { pending: [], annotation: await annotateReleases(ctx, target, advisory, releases) };
  const pending = releases.map(
    (release): PendingNote => ({
      ...target,
      release,
      advisory: { ghsa: advisory.ghsa_id, url: advisory.html_url, summary: advisory.summary },
      account,
      outcome: null,
    }),
  );
  ctx.reads.notes.push(...pending);
  return { pending, annotation: null };
}

/**
 * Makes the release-notes edits the run's publications decided: one edit per release, carrying every
 * advisory it fixes. A refused edit leaves its advisories' notes incomplete (their tracking issues stay
 * open, and a later sweep edits again). Returns the edits made.
 */
export async function flushReleaseNotes(ctx: RunContext): Promise<number> {
  const reads = ctx.reads;
  if (!reads) return 0;
  const waiting = reads.notes.filter((n) => n.outcome === null);
  const byRelease = new Map<string, PendingNote[]>();
  for (const note of waiting) {
    const k = `${note.owner}/${note.repo}#${note.release.id}`.toLowerCase();
    byRelease.set(k, [...(byRelease.get(k) ?? []), note]);
  }
  let writes = 0;
  for (const notes of byRelease.values()) {
    const [first] = notes as [PendingNote, ...PendingNote[]];
    const target = { owner: first.owner, repo: first.repo };
    const body = annotateReleaseNotes(
      notesOf(ctx, target, first.release),
      notes.map((n) => n.advisory),
    );
    let complete = true;
    if (body !== null) {
      const plan: Plan = [
        {
          op: "release.update",
          params: { ...target, release_id: first.release.id, body },
          why: `link ${notes.map((n) => n.advisory.ghsa).join(", ")} in ${first.release.tag_name}`,
        },
      ];
      try {
        const applied = await apply(plan, ctx);
        noteEdits(ctx, target, applied);
        const made = applied.filter((d) => d.performed).length;
        writes += made;
        first.account.writes += made;
      } catch (err) {
        if (!(err instanceof ApplyError)) throw err;
        complete = false;
        ctx.log.warn(
          { ghsa: notes.map((n) => n.advisory.ghsa), op: err.write.op, status: err.status },
          "release annotation refused",
        );
      }
    }
    for (const note of notes) note.outcome = { complete };
  }
  return writes;
}

/** Recent published releases of a repository, as the org view read them (no extra request). */
function recentReleases(view: OrgView, repo: string): SnapshotRelease[] {
  const snapshot = view.repos.find((r) => r.name.toLowerCase() === repo.toLowerCase());
  return (snapshot?.releases ?? []).filter((r) => !r.draft && r.published_at !== null);
}

/** Whether the repository may have releases older than the ones the org view read. */
function mayBeOlder(view: OrgView, repo: string): boolean {
  const snapshot = view.repos.find((r) => r.name.toLowerCase() === repo.toLowerCase());
  return (snapshot?.releases.length ?? 0) >= RECENT_RELEASES;
}

export interface PublicationStep {
  /** The advisory as it is now (published, if the gate published it). */
  advisory: RepositoryAdvisory;
  fixingRelease: string | null;
  blockers: string[];
  /** Notices for the tracking issue (private). */
  comments: Notice[];
  /** Notice keys to record in the tracking state, so each notice is given once. */
  notices: string[];
  writes: number;
  /** A release-notes edit for this published advisory is still to be made (GitHub refused it). */
  annotationPending: boolean;
  /**
   * Release-notes edits decided for this advisory and made at the end of the run's publications
   * (`flushReleaseNotes`): pending until then, and while any is not complete.
   */
  notesPending: PendingNote[];
  /** Remarks for the advisory's status on the tracking issue. */
  notes: string[];
}

/** A sibling that no longer takes part in publishing together: already published, or closed or withdrawn. */
function leftTheGroup(advisory: RepositoryAdvisory): boolean {
  return advisory.state === "published" || advisory.state === "closed" || advisory.state === "withdrawn";
}

function blockedComment(ghsa: string, tags: string[], problems: PublicationProblem[], mention: string[]): string {
  const who = mention.length > 0 ? `${mention.map((u) => `@${u}`).join(" ")}: ` : "";
  return [
    `${who}${tags.map((t) => escapeUntrusted(t)).join(", ")} ${tags.length > 1 ? "are" : "is"} published and fixes ${ghsa}, but the advisory cannot be published yet:`,
    "",
    ...problems.map((p) => `- ${p.message}`),
    "",
    ...descriptionHelp(tags, problems),
    "Fix these on the advisory, then comment `/advisory publish` (or wait for the next sweep).",
  ].join("\n");
}

/**
 * When the description lacks something: what the policy asks of it, with GitHub's own advisory
 * template, filled in for this release, as the example.
 */
function descriptionHelp(tags: string[], problems: ReadonlyArray<{ code: string }>): string[] {
  if (!problems.some((p) => (DESCRIPTION_PROBLEMS as ReadonlySet<string>).has(p.code))) return [];
  const version = tags[0]?.replace(/^v/i, "");
  return [
    "The description should say what the vulnerability is and who is affected, how it works, and how users get the fix (usually an upgrade; a workaround is optional). GitHub's advisory template covers all of it; for example:",
    "",
    disclosureExample(version),
    "",
  ];
}

/**
 * The publication part of reconciling a draft: a cheap pre-check on this run's release list; when a
 * fixing release is out, the gate (which re-reads everything) publishes it or reports it blocked.
 */
export async function publicationStep(
  ctx: RunContext,
  view: OrgView,
  target: { owner: string; repo: string },
  advisory: RepositoryAdvisory,
  config: Config,
  tracking: TrackingState,
  patchTeam: string[],
  /** Other advisories of the same vulnerability, which publish together with `publish.together`. */
  siblings: RepositoryAdvisory[] = [],
  /** Credited with release-notes edits made at the end of the run (`flushReleaseNotes`). */
  account: { writes: number } = { writes: 0 },
): Promise<PublicationStep> {
  const step: PublicationStep = {
    advisory,
    fixingRelease: null,
    blockers: [],
    comments: [],
    notices: [],
    writes: 0,
    annotationPending: false,
    notesPending: [],
    notes: [],
  };
  if (advisory.state === "published" && config.publish.annotateRelease) {
    // Published, and its tracking issue still open: by hand, or on an earlier run whose release-notes
    // edit GitHub refused. Annotate from the view's releases; nothing is written when the notes have it.
    const { fixingReleases } = publicationReadiness(advisory, recentReleases(view, target.repo), config.publish);
    const { pending, annotation } = await annotateLater(ctx, target, advisory, fixingReleases, account);
    step.writes += annotation?.writes ?? 0;
    step.annotationPending = annotation !== null && !annotation.complete;
    step.notesPending = pending;
    return step;
  }
  if (advisory.state !== "draft") return step;
  step.notes.push(...disclosureWarnings(advisory).map((w) => w.message));
  if (config.publish.together) {
    for (const s of siblings.filter((x) => x.state === "closed" || x.state === "withdrawn")) {
      const { owner, repo } = advisoryRepo(s);
      step.notes.push(
        `${s.ghsa_id} in ${owner}/${repo} is ${s.state}: it no longer holds back the other advisories of this vulnerability (publish.together).`,
      );
    }
  }
  // A cheap pre-check on the view; only when it sees a fixing release does the gate re-read GitHub.
  const recent = recentReleases(view, target.repo);
  let pre: PublicationVerdict<SnapshotRelease | Release> = publicationVerdict(
    advisory,
    recent,
    config.publish,
    tracking.hold,
  );
  if (pre.kind === "waiting" && pre.missing.length > 0 && mayBeOlder(view, target.repo)) {
    // The view holds only the newest releases: a missing version may have been released before them.
    const older = await findReleases(ctx.octokit, target.owner, target.repo, pre.missing, ctx.reads);
    const known = new Set(recent.map((r) => r.id));
    pre = publicationVerdict(
      advisory,
      [...recent, ...older.filter((r) => !known.has(r.id))],
      config.publish,
      tracking.hold,
    );
  }
  if (pre.kind === "not-draft") return step;
  if (pre.kind === "waiting") {
    if (pre.fixingReleases.length > 0) step.fixingRelease = pre.fixingReleases.map((r) => r.tag_name).join(", ");
    if (pre.missing.length > 0 && pre.fixingReleases.length > 0)
      step.blockers.push(`waiting for ${pre.missing.join(", ")}`);
    return step;
  }
  const together = config.publish.together
    ? siblings.filter((s) => !leftTheGroup(s)).map((s) => ({ ...advisoryRepo(s), ghsa: s.ghsa_id }))
    : [];
  const outcome = await publishGate(ctx, { ...target, ghsa: advisory.ghsa_id }, config, tracking.hold, together);
  const tags = "fixingReleases" in outcome ? outcome.fixingReleases.map((r) => r.tag_name) : [];
  step.fixingRelease = tags.length > 0 ? tags.join(", ") : null;
  switch (outcome.kind) {
    case "published": {
      step.writes += ctx.dryRun ? 0 : 1;
      step.advisory = outcome.advisory;
      if (config.publish.annotateRelease) {
        const { pending, annotation } = await annotateLater(
          ctx,
          target,
          outcome.advisory,
          outcome.fixingReleases,
          account,
        );
        step.writes += annotation?.writes ?? 0;
        step.annotationPending = annotation !== null && !annotation.complete;
        step.notesPending = pending;
      }
      return step;
    }
    case "blocked": {
      step.blockers = outcome.problems.map((p) => p.message);
      const first = `blocked:${advisory.ghsa_id}:${tags.join(",")}`;
      const newest = outcome.fixingReleases
        .map((r) => r.published_at)
        .filter((d): d is string => d !== null)
        .sort()
        .at(-1);
      const day = `blocked-reminder:${advisory.ghsa_id}:${ctx.now.toISOString().slice(0, 10)}`;
      const lastReminder = [...tracking.notices]
        .filter((n) => n.startsWith(`blocked-reminder:${advisory.ghsa_id}:`))
        .sort()
        .at(-1)
        ?.split(":")
        .at(-1);
      if (!tracking.notices.includes(first)) {
        step.comments.push({ key: first, body: blockedComment(advisory.ghsa_id, tags, outcome.problems, patchTeam) });
        step.notices.push(first, day);
      } else if (
        newest &&
        blockedReleaseReminder({
          releasePublishedAt: new Date(newest),
          lastReminderAt: lastReminder ? new Date(`${lastReminder}T00:00:00Z`) : null,
          now: ctx.now,
        }) &&
        !tracking.notices.includes(day)
      ) {
        step.comments.push({
          key: day,
          body: `Reminder: ${advisory.ghsa_id} is still blocked although ${tags.map((t) => escapeUntrusted(t)).join(", ")} is out.\n\n${outcome.problems.map((p) => `- ${p.message}`).join("\n")}`,
        });
        step.notices.push(day);
      }
      return step;
    }
    case "waiting":
      step.blockers.push(`waiting for ${outcome.missing.join(", ")}`);
      return step;
    case "waiting-for-sibling":
      step.blockers.push(`waiting for ${outcome.siblings.join(", ")} (publish.together)`);
      return step;
    case "refused":
      step.blockers.push(outcome.message);
      return step;
    default:
      return step;
  }
}
