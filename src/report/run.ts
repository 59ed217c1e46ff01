/**
 * `report`: response times of an org's advisories, one row per advisory with its timeline, for
 * maintainers and foundations. Authenticates as the GitHub App, reads the org as a sweep does (advisories,
 * tracking issues, configuration) plus every release of the repositories that have advisories, and
 * writes nothing.
 */
import pino, { type Logger } from "pino";
import { Probot, type ProbotOctokit } from "probot";
import { type ResponseSummary, reportCsv, reportMarkdown, summarize, type Timeline } from "../domain/response-times.js";
import { deriveStateKey, type StateKey } from "../domain/tracking.js";
import { appOctokit as appOctokitClass } from "../github/octokit.js";
import type { SnapshotRelease } from "../github/org.js";
import { advisoryRepo, type Octokit } from "../github/types.js";
import { readOrg, repoKey } from "../workflows/org-view.js";
import { ackWithinOf, orgTimelines } from "../workflows/response-times.js";

export type ReportFormat = "csv" | "json" | "md";

export interface ReportResult {
  org: string;
  since: string | null;
  generatedAt: string;
  summary: ResponseSummary;
  advisories: Timeline[];
}

/** Every release of a repository, in the fields the timeline reads. */
async function allReleases(octokit: Octokit, owner: string, repo: string): Promise<SnapshotRelease[]> {
  const releases = await octokit.paginate(octokit.rest.repos.listReleases, { owner, repo, per_page: 100 });
  return releases.map((r) => ({
    id: r.id,
    tag_name: r.tag_name,
    body: r.body ?? null,
    draft: r.draft,
    prerelease: r.prerelease,
    published_at: r.published_at,
  }));
}

/** The report of one org, read with an installation's Octokit. */
export async function orgReport(
  octokit: Octokit,
  options: { org: string; botLogin: string; stateKey: StateKey; now: Date; since?: Date; log?: Logger },
): Promise<ReportResult> {
  const log = options.log ?? pino({ level: "silent" });
  const view = await readOrg({
    octokit,
    log,
    org: options.org,
    now: options.now,
    dryRun: true,
    botLogin: options.botLogin,
    stateKey: options.stateKey,
  });
  const releases = new Map<string, SnapshotRelease[]>();
  for (const advisory of view.advisories) {
    const { owner, repo } = advisoryRepo(advisory);
    if (!releases.has(repoKey(repo))) releases.set(repoKey(repo), await allReleases(octokit, owner, repo));
  }
  const since = options.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const timelines = orgTimelines(view, releases).filter(
    (t) => t.reportedAt !== null && Date.parse(t.reportedAt) >= since,
  );
  return {
    org: view.org,
    since: options.since?.toISOString() ?? null,
    generatedAt: options.now.toISOString(),
    summary: summarize(timelines, { now: options.now, ackWithin: ackWithinOf(view) }),
    advisories: timelines,
  };
}

export function formatReport(report: ReportResult, format: ReportFormat): string {
  switch (format) {
    case "csv":
      return reportCsv(report.advisories);
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "md":
      return reportMarkdown(report.advisories, report.summary);
  }
}

export interface ReportOptions {
  appId: number | string;
  privateKey: string;
  baseUrl: string;
  org: string;
  since?: Date;
  now?: Date;
  log?: Logger;
  /** Octokit class to use (tests shorten its waits); default the app's (`appOctokit`). */
  Octokit?: typeof ProbotOctokit;
  /** `STATE_SECRET`, else `WEBHOOK_SECRET`: tracking states are read only when they verify under its key. */
  stateSecret?: string;
}

/** Authenticates as the App, finds its installation on the org and reads the report. */
export async function runReport(options: ReportOptions): Promise<ReportResult> {
  const log = options.log ?? pino({ level: "silent" });
  const probot = new Probot({
    appId: options.appId,
    privateKey: options.privateKey,
    baseUrl: options.baseUrl,
    log,
    // The app's own Octokit class: its retry policy for GitHub's limits holds on this path too.
    Octokit: options.Octokit ?? appOctokitClass(),
  });
  const appOctokit = (await probot.auth()) as Octokit;
  const { data: app } = await appOctokit.rest.apps.getAuthenticated();
  const { data: installation } = await appOctokit.rest.apps.getOrgInstallation({ org: options.org });
  const octokit = (await probot.auth(installation.id)) as Octokit;
  return orgReport(octokit, {
    org: options.org,
    botLogin: `${app?.slug ?? "oras-advisory-bot"}[bot]`,
    stateKey: deriveStateKey(options.stateSecret ?? ""),
    now: options.now ?? new Date(),
    ...(options.since ? { since: options.since } : {}),
    log,
  });
}
