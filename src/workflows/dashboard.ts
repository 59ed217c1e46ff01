import { formatConfigError } from "../config/errors.js";
import { type AdvisoryExtra, DASHBOARD_TITLE, renderDashboard } from "../domain/dashboard.js";
import { embargoSightings } from "../domain/embargo-watch.js";
import type { Plan } from "../domain/plan.js";
import { summarize } from "../domain/response-times.js";
import { DASHBOARD_LABEL } from "../domain/tracking.js";
import { type Applied, ApplyError, apply } from "../github/apply.js";
import { hasLabel, type TrackingIssue } from "../github/tracker.js";
import { advisoryRepo, type Issue } from "../github/types.js";
import {
  configErrors,
  type OrgConfig,
  type OrgView,
  orgConfig,
  type RunContext,
  repoKey,
  type Tracker,
  trackerFor,
} from "./org-view.js";
import type { CaseResult } from "./reconcile.js";
import { ackWithinOf, orgTimelines } from "./response-times.js";

/**
 * The org-level configuration (security team, tracker): the org's `.github` repository's when valid,
 * else the first valid configuration of the org; null when no repository has a valid one.
 */

/** The usable tracker of the org configuration, or null (logged) when there is none to write to. */
export function usableTracker(ctx: RunContext, view: OrgView, config: OrgConfig | null, what: string): Tracker | null {
  if (config === null) {
    ctx.log.debug({ org: view.org }, `${what}: no valid configuration in the org`);
    return null;
  }
  const tracker = trackerFor(view, config.config);
  if (tracker === null) {
    ctx.log.debug({ org: view.org }, `${what}: no tracker repository configured`);
    return null;
  }
  if (tracker.problem) {
    ctx.log.warn({ org: view.org, tracker: tracker.repo, problem: tracker.problem }, `${what} not written`);
    return null;
  }
  return tracker;
}

/**
 * Issues (not pull requests) of the tracker with `label`, lowest number first: from the view's read of
 * the tracker when it has one (no request), else in one request.
 */
export async function labelledIssues(
  ctx: RunContext,
  tracker: Tracker,
  label: string,
  state: "open" | "all",
): Promise<Issue[]> {
  if (tracker.pinned)
    return tracker.pinned
      .filter((i) => hasLabel(i, label) && (state === "all" || i.state === state))
      .sort((a, b) => a.number - b.number);
  const { data } = await ctx.octokit.rest.issues.listForRepo({
    owner: ctx.org,
    repo: tracker.repo,
    labels: label,
    state,
    per_page: 100,
  });
  return (data as Issue[]).filter((i) => !i.pull_request).sort((a, b) => a.number - b.number);
}

/** Applies a plan; a refused write is logged and ends the plan. Returns what was performed. */
export async function applyLogged(ctx: RunContext, plan: Plan, what: string): Promise<Applied[]> {
  try {
    return await apply(plan, ctx);
  } catch (err) {
    if (!(err instanceof ApplyError)) throw err;
    ctx.log.warn({ org: ctx.org, op: err.write.op, status: err.status, err: err.message }, `${what}: write refused`);
    return err.done;
  }
}

/**
 * Creates a pinned issue: the pin needs the new issue's node id, so it is a second write. A refused
 * pin (GitHub pins at most three issues per repository) is logged and leaves the issue unpinned.
 */
export async function createPinned(
  ctx: RunContext,
  tracker: Tracker,
  issue: { title: string; body: string; label: string },
  why: string,
): Promise<number> {
  const created = await applyLogged(
    ctx,
    [
      {
        op: "issue.create",
        params: { owner: ctx.org, repo: tracker.repo, title: issue.title, body: issue.body, labels: [issue.label] },
        why,
      },
    ],
    why,
  );
  const first = created[0];
  if (!first?.performed) return 0;
  const nodeId = (first.data as { node_id?: string } | undefined)?.node_id;
  if (!nodeId) return 1;
  const pinned = await applyLogged(ctx, [{ op: "issue.pin", params: { issue_node_id: nodeId }, why }], why);
  return 1 + pinned.filter((a) => a.performed).length;
}

/** Whether an issue's body (as GitHub returns it, possibly with CRLF line ends) is already `body`. */
export function sameBody(actual: string | null | undefined, body: string): boolean {
  return (actual ?? "").replace(/\r\n/g, "\n") === body;
}

/** Sibling lists from the tracking issues' states: the advisories of one vulnerability each. */
function siblingsOf(view: OrgView): string[][] {
  const out: string[][] = [];
  for (const tracker of view.trackers.values())
    for (const issue of tracker.issues) if (issue.tracking) out.push(issue.tracking.advisories.map((a) => a.ghsa));
  return out;
}

/** Embargo-watch sightings recorded on the open tracking issues. */
function sightingsOf(view: OrgView): Array<{ ghsa: string; place: string }> {
  const out: Array<{ ghsa: string; place: string }> = [];
  for (const tracker of view.trackers.values())
    for (const issue of tracker.issues)
      if (issue.open && issue.tracking) out.push(...embargoSightings(issue.tracking.notices));
  return out;
}

/** The dashboard body for the org as the view shows it. */
export function dashboardBody(ctx: RunContext, view: OrgView, extra?: ReadonlyMap<string, AdvisoryExtra>): string {
  return renderDashboard({
    org: view.org,
    advisories: view.advisories.map((advisory) => {
      const { owner, repo } = advisoryRepo(advisory);
      return { repo: `${owner}/${repo}`, advisory };
    }),
    siblings: siblingsOf(view),
    embargoSightings: sightingsOf(view),
    configErrors: [
      ...configErrors(view).map((e) => ({ repository: e.repository, text: formatConfigError(e) })),
      ...[...view.configs.entries()].flatMap(([name, c]) =>
        c.ok && c.ignored
          ? [
              {
                repository: `${view.org}/${name}`,
                text: `Ignored in ${view.org}/${name} (the repository is not skipped): ${c.ignored.join("; ")} — the security team, the tracker and outside experts come only from the org's .github repository.`,
              },
            ]
          : [],
      ),
    ],
    rosterWarnings: view.rosterWarnings,
    responseTimes: summarize(orgTimelines(view), { now: ctx.now, ackWithin: ackWithinOf(view) }),
    ...(extra ? { extra } : {}),
    now: ctx.now,
  });
}

/**
 * Keeps the pinned dashboard issue of the org's tracker repository current: created (and pinned)
 * when missing, edited only when its body changes, never duplicated (the open issue labelled
 * `advisory-dashboard` with the lowest number is the dashboard). Without a usable tracker nothing
 * is written.
 */
export async function reconcileDashboard(
  ctx: RunContext,
  view: OrgView,
  extra?: ReadonlyMap<string, AdvisoryExtra>,
): Promise<{ writes: number }> {
  const { writes } = await writeDashboard(ctx, view, extra);
  return { writes };
}

/**
 * `reconcileDashboard`, telling also the body the dashboard has on GitHub once done (null when unknown:
 * no usable tracker, or a refused write). With `expected`, a dashboard whose body is not `expected` is
 * left as it is (`stale`): it was rendered since from what the caller does not know.
 */
async function writeDashboard(
  ctx: RunContext,
  view: OrgView,
  extra: ReadonlyMap<string, AdvisoryExtra> | undefined,
  expected?: string,
): Promise<{ writes: number; body: string | null; stale?: true }> {
  const tracker = usableTracker(ctx, view, orgConfig(view), "dashboard");
  if (tracker === null) return { writes: 0, body: null };

  const body = dashboardBody(ctx, view, extra);
  const [existing] = await labelledIssues(ctx, tracker, DASHBOARD_LABEL, "open");
  if (existing === undefined) {
    const writes = await createPinned(
      ctx,
      tracker,
      { title: DASHBOARD_TITLE, body, label: DASHBOARD_LABEL },
      "create the dashboard",
    );
    return { writes, body: writes > 0 ? body : null };
  }
  if (sameBody(existing.body, body)) return { writes: 0, body };
  if (expected !== undefined && !sameBody(existing.body, expected)) return { writes: 0, body: null, stale: true };
  const applied = await applyLogged(
    ctx,
    [
      {
        op: "issue.update",
        params: { owner: ctx.org, repo: tracker.repo, issue_number: existing.number, body },
        why: "dashboard changed",
      },
    ],
    "dashboard",
  );
  const writes = applied.filter((a) => a.performed).length;
  return { writes, body: writes > 0 ? body : ctx.dryRun ? (existing.body ?? "").replace(/\r\n/g, "\n") : null };
}

/**
 * The view with each case's tracking issue as the run left it (`CaseResult.tracked`): the dashboard of
 * a run shows what the run wrote, instead of waiting for the next run to read it back.
 */
export function withTracked(view: OrgView, cases: readonly CaseResult[]): OrgView {
  // One pass per tracker, whatever the number of cases.
  const byTracker = new Map<string, Map<number, NonNullable<CaseResult["tracked"]>>>();
  for (const c of cases) {
    if (!c.tracked) continue;
    const key = repoKey(c.tracked.tracker);
    const left = byTracker.get(key) ?? new Map<number, NonNullable<CaseResult["tracked"]>>();
    left.set(c.tracked.number, c.tracked);
    byTracker.set(key, left);
  }
  const trackers = new Map(view.trackers);
  for (const [key, left] of byTracker) {
    const tracker = trackers.get(key);
    if (!tracker || tracker.problem) continue;
    const asLeft = (known: TrackingIssue | undefined, t: NonNullable<CaseResult["tracked"]>): TrackingIssue =>
      known
        ? { ...known, open: t.open, tracking: t.tracking, unverified: null }
        : {
            number: t.number,
            nodeId: "",
            title: "",
            body: "",
            open: t.open,
            byApp: true,
            stateComment: null,
            tracking: t.tracking,
            unverified: null,
          };
    const issues: TrackingIssue[] = [];
    const seen = new Set<number>();
    for (const issue of tracker.issues) {
      const t = left.get(issue.number);
      issues.push(t ? asLeft(issue, t) : issue);
      if (t) seen.add(issue.number);
    }
    for (const [number, t] of left) if (!seen.has(number)) issues.push(asLeft(undefined, t));
    issues.sort((a, b) => a.number - b.number);
    const byGhsa = new Map(tracker.byGhsa);
    for (const issue of issues)
      if (left.has(issue.number))
        for (const a of issue.tracking?.advisories ?? []) byGhsa.set(a.ghsa.toLowerCase(), issue);
    trackers.set(key, { ...tracker, issues, byGhsa });
  }
  return { ...view, trackers };
}

/** What each case's publication showed, keyed by GHSA id (lower case), for the dashboard. */
export function extrasOf(cases: readonly CaseResult[]): Map<string, AdvisoryExtra> {
  return new Map(
    cases
      .flatMap((c) => c.publication)
      .map((p) => [p.ghsa.toLowerCase(), { fixingRelease: p.fixingRelease, blockers: p.blockers }]),
  );
}

/** `base` with `fresh`'s entries put in, by key. */
function overlay<T>(base: readonly T[], fresh: readonly T[], key: (t: T) => string): T[] {
  const keys = new Set(fresh.map(key));
  return [...base.filter((t) => !keys.has(key(t))), ...fresh];
}

/**
 * The dashboard between sweeps. A sweep reads the whole org and renders the dashboard from it; an
 * event (a report, a publication, a roster push, an embargo-watch notice) reads only what it concerns.
 * So the org as the dashboard last showed it is kept per org, and an event that wrote something
 * renders the dashboard from it with what the event read and wrote put in: its advisories, its
 * repositories and their configuration, the tracker as it read it and the tracking issues as it left
 * them. What the event did not read is as the last sweep (or event) showed it — so the dashboard
 * changes only where the event changed something, and the next sweep, reading everything, writes
 * only what changed meanwhile. Without a sweep since the process started, events leave the
 * dashboard to the next sweep.
 *
 * The memory is this process's. With several replicas, another one may have rendered the dashboard
 * since (after an event this process never saw): the dashboard is then no longer the body this
 * process last wrote or found, and an event here leaves it as it is — rendering it from this
 * process's older picture of the org would take out what the other replica put in. The next sweep,
 * on any replica, renders it from the whole org.
 */
export class DashboardMemory {
  readonly #orgs = new Map<string, { view: OrgView; extra: Map<string, AdvisoryExtra>; body: string }>();

  /**
   * A sweep's dashboard: rendered from the sweep's view of the whole org (with what it wrote) and its
   * cases' publication figures, which are remembered with the body GitHub then shows.
   */
  async sweep(ctx: RunContext, view: OrgView, extra: Map<string, AdvisoryExtra>): Promise<{ writes: number }> {
    const key = view.org.toLowerCase();
    this.#orgs.delete(key);
    const out = await writeDashboard(ctx, view, extra);
    if (!view.scoped && out.body !== null) this.#orgs.set(key, { view, extra, body: out.body });
    return { writes: out.writes };
  }

  /** Re-renders the dashboard after an event's run; writes only when the event changed it. */
  async follow(ctx: RunContext, view: OrgView, cases: readonly CaseResult[]): Promise<{ writes: number }> {
    const key = view.org.toLowerCase();
    const last = this.#orgs.get(key);
    if (!last) return { writes: 0 };
    const fresh = withTracked(view, cases);
    const advisories = overlay(last.view.advisories, fresh.advisories, (a) => a.ghsa_id.toLowerCase());
    const merged: OrgView = fresh.scoped
      ? {
          ...fresh,
          scoped: false,
          repos: overlay(last.view.repos, fresh.repos, (r) => repoKey(r.name)),
          rosters: overlay(last.view.rosters, fresh.rosters, (r) => repoKey(r.name)),
          rosterWarnings: [
            ...last.view.rosterWarnings.filter(
              (w) => !fresh.repos.some((r) => w.file.toLowerCase().startsWith(`${repoKey(r.name)}/`)),
            ),
            ...fresh.rosterWarnings,
          ],
          configs: new Map([...last.view.configs, ...fresh.configs]),
          advisories,
        }
      : fresh;
    const extra = new Map([...last.extra, ...extrasOf(cases)]);
    // Until it is written (or found as rendered), the memory is not what the dashboard shows.
    this.#orgs.delete(key);
    const out = await writeDashboard(ctx, merged, extra, last.body);
    if (out.stale) ctx.log.info({ org: view.org }, "dashboard rendered elsewhere since; the next sweep updates it");
    else if (out.body !== null) this.#orgs.set(key, { view: merged, extra, body: out.body });
    return { writes: out.writes };
  }
}
