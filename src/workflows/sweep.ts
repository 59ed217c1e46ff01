import { type Lock, orgKey } from "./lock.js";
import { type OrgView, type RunContext, readOrg } from "./org-view.js";
import type { CaseResult } from "./reconcile.js";
import { reconcileOrg } from "./reconcile.js";

export type { Lock } from "./lock.js";

/** What one sweep of one installation did; contains no advisory content. */
export interface OrgSweepSummary {
  org: string;
  cases: number;
  writes: number;
  problems: string[];
  skipped: string[];
  /** Cases that could not be read or written this sweep (every other case was finished). */
  failedCases: string[];
  durationMs: number;
}

/** Extra reconcilers the sweep runs over the same view (dashboard, audit, publication catch-up). */
export type OrgStep = (
  ctx: RunContext,
  view: OrgView,
  cases: CaseResult[],
) => Promise<{ writes: number; problems?: string[] }>;

/**
 * One sweep of one org: read everything once, reconcile every case (intake of untracked advisories,
 * staffing, forks, tracking issues), then the org-wide steps. A failing step is reported, never fatal.
 */
export function sweepOrg(
  ctx: RunContext,
  lock: Lock,
  steps: OrgStep[] = [],
  /** The clock: the sweep's time is read once it holds the lock, not while it waits for it. */
  clock?: () => Date,
): Promise<OrgSweepSummary> {
  return lock.run(orgKey(ctx.org), (lease) =>
    sweepOrgNow({ ...ctx, ...(clock ? { now: clock() } : {}), fence: lease.fence }, steps),
  );
}

async function sweepOrgNow(ctx: RunContext, steps: OrgStep[]): Promise<OrgSweepSummary> {
  const started = performance.now();
  // A sweep may reuse the last sweep's read of the org's repositories when nothing changed since.
  const view = await readOrg(ctx, { kind: "org" }, { probe: true });
  const results = await reconcileOrg(ctx, view);
  const summary: OrgSweepSummary = {
    org: ctx.org,
    cases: results.length,
    writes: results.reduce((n, r) => n + r.writes, 0),
    problems: results.flatMap((r) => r.problems),
    skipped: results.flatMap((r) => r.skipped),
    failedCases: results.filter((r) => r.failed).map((r) => r.key),
    durationMs: 0,
  };
  for (const step of steps) {
    try {
      const out = await step(ctx, view, results);
      summary.writes += out.writes;
      summary.problems.push(...(out.problems ?? []));
    } catch (err) {
      ctx.log.error({ org: ctx.org, err }, "sweep step failed");
      summary.problems.push(err instanceof Error ? err.message : String(err));
    }
  }
  summary.durationMs = Math.round(performance.now() - started);
  return summary;
}
