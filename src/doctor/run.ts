/**
 * `doctor`: authenticates as the GitHub App, lists its installations and, for each org, checks what
 * the app needs to work — permissions and events (from `app.yml`), configuration, tracker repository,
 * roster files, security team, private vulnerability reporting — and says how to fix what is wrong.
 * It only reads; it never writes to GitHub.
 */
import pino, { type Logger } from "pino";
import { Probot, type ProbotOctokit } from "probot";
import type { ConfigResult } from "../config/load.js";
import { DEFAULT_ROSTER_FILES } from "../config/schema.js";
import { loadOrgConfigs } from "../github/config.js";
import { readListedManifests } from "../github/manifests.js";
import { appOctokit as appOctokitClass } from "../github/octokit.js";
import { type RepoSnapshot, readOrgRepos, readTeamMembers } from "../github/org.js";
import type { Octokit } from "../github/types.js";
import {
  advisoryRepos,
  checkConfigs,
  checkEvents,
  checkPackages,
  checkPermissions,
  checkReporting,
  checkRosters,
  checkSecurityTeams,
  checkTrackers,
  type ReportingState,
  trackerNames,
} from "./checks.js";
import { type AppManifest, readManifest } from "./manifest.js";
import { type DoctorReport, type Finding, summarize } from "./report.js";

export interface DoctorOptions {
  appId: number | string;
  /** The App's private key (PEM). */
  privateKey: string;
  /** REST API root; default `https://api.github.com` (GitHub Enterprise: `https://HOST/api/v3`). */
  baseUrl?: string;
  log?: Logger;
  /** Check only these orgs (case-insensitive); default every org installation. */
  orgs?: readonly string[];
  /** The manifest to check against; default the package's `app.yml`. */
  manifest?: AppManifest;
  /** Octokit class to use (tests shorten its waits); default the app's (`appOctokit`). */
  Octokit?: typeof ProbotOctokit;
}

export const DEFAULT_BASE_URL = "https://api.github.com";

function message(err: unknown): string {
  const status = (err as { status?: number }).status;
  const text = err instanceof Error ? err.message : String(err);
  return status && !text.includes(String(status)) ? `${status} ${text}` : text;
}

interface Installation {
  id: number;
  account: { login?: string; type?: string } | null;
  permissions: Record<string, string | undefined>;
  events: string[];
}

/** Reads the org as the app does: repositories with roster and config files, then each repository's configuration. */
async function readRepos(
  octokit: Octokit,
  org: string,
): Promise<{ repos: RepoSnapshot[]; configs: Map<string, ConfigResult> }> {
  let repos = await readOrgRepos(octokit, org, DEFAULT_ROSTER_FILES);
  let configs = await loadOrgConfigs(octokit, org, repos);
  const files = new Set<string>(DEFAULT_ROSTER_FILES);
  for (const c of configs.values()) if (c.ok) for (const f of c.config.maintainers.files) files.add(f);
  if (files.size > DEFAULT_ROSTER_FILES.length) {
    repos = await readOrgRepos(octokit, org, [...files]);
    configs = await loadOrgConfigs(octokit, org, repos);
  }
  return { repos, configs };
}

async function readTeams(
  octokit: Octokit,
  org: string,
  configs: Map<string, ConfigResult>,
): Promise<Map<string, string[] | null | Error>> {
  const teams = new Map<string, string[] | null | Error>();
  for (const c of configs.values()) {
    const slug = c.ok ? c.config.securityTeam.team : undefined;
    if (!slug || teams.has(slug)) continue;
    try {
      teams.set(slug, await readTeamMembers(octokit, org, slug));
    } catch (err) {
      teams.set(slug, new Error(message(err)));
    }
  }
  return teams;
}

async function readReporting(octokit: Octokit, org: string, repos: RepoSnapshot[]): Promise<ReportingState[]> {
  const states: ReportingState[] = [];
  for (const repo of repos) {
    try {
      const { data } = await octokit.rest.repos.checkPrivateVulnerabilityReporting({ owner: org, repo: repo.name });
      states.push({ repo: repo.name, enabled: data.enabled });
    } catch (err) {
      const status = (err as { status?: number }).status;
      const unknown =
        status === 404
          ? "GitHub answered 404 (this GitHub, e.g. an older Enterprise Server or a simulator, does not offer the check)"
          : status === 403
            ? "GitHub answered 403 (the app may not read this setting)"
            : `the check failed: ${message(err)}`;
      states.push({ repo: repo.name, unknown });
    }
  }
  return states;
}

/** The repositories with the text of their .NET project files read (one request per such repository). */
async function withProjectFiles(octokit: Octokit, org: string, repos: RepoSnapshot[]): Promise<RepoSnapshot[]> {
  const out: RepoSnapshot[] = [];
  for (const repo of repos) {
    const manifests = repo.manifests;
    out.push(
      manifests && manifests.listed.length > 0
        ? { ...repo, manifests: await readListedManifests(octokit, org, repo.name, manifests) }
        : repo,
    );
  }
  return out;
}

async function checkOrg(
  probot: Probot,
  installation: Installation,
  org: string,
  manifest: AppManifest,
  log: Logger,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  let octokit: Octokit;
  try {
    octokit = (await probot.auth(installation.id)) as Octokit;
    // The first request creates the installation token, so a suspended installation shows here.
    const { data } = await octokit.rest.apps.listReposAccessibleToInstallation({ per_page: 1 });
    findings.push({
      org,
      check: "installation",
      status: "ok",
      detail: `installation ${installation.id} sees ${data.total_count} repositor${data.total_count === 1 ? "y" : "ies"} (${data.repository_selection ?? "all"})`,
      fix: null,
    });
  } catch (err) {
    log.warn({ org, installation: installation.id, err }, "doctor: no installation token");
    return [
      ...checkPermissions(org, manifest, installation.permissions, new Map()),
      ...checkEvents(org, manifest, installation.events),
      {
        org,
        check: "installation",
        status: "fail",
        detail: `cannot get an installation token: ${message(err)}`,
        fix: "Unsuspend the installation (org Settings → GitHub Apps) or reinstall the App.",
      },
    ];
  }

  let read: Awaited<ReturnType<typeof readRepos>>;
  try {
    read = await readRepos(octokit, org);
  } catch (err) {
    log.warn({ org, err }, "doctor: cannot read repositories");
    return [
      ...checkPermissions(org, manifest, installation.permissions, new Map()),
      ...checkEvents(org, manifest, installation.events),
      {
        org,
        check: "repositories",
        status: "fail",
        detail: `cannot read the org's repositories: ${message(err)}`,
        fix: "Grant the App contents: read and metadata: read, and include the org's repositories in the installation.",
      },
    ];
  }
  const { repos, configs } = read;
  findings.push(...checkPermissions(org, manifest, installation.permissions, configs));
  findings.push(...checkEvents(org, manifest, installation.events));
  findings.push(...checkConfigs(org, configs));
  findings.push(...checkTrackers(org, configs, repos));
  findings.push(...checkSecurityTeams(org, configs, await readTeams(octokit, org, configs)));
  findings.push(...checkRosters(org, repos, configs));
  const reporting = await readReporting(octokit, org, advisoryRepos(repos, trackerNames(configs)));
  findings.push(...checkReporting(org, reporting));
  findings.push(...checkPackages(org, await withProjectFiles(octokit, org, repos), configs));
  return findings;
}

/**
 * Runs every check against every org installation of the App and returns the findings. Never
 * throws for what it finds (a bad key, a missing permission, an unreachable org): those are findings.
 */
export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  const log = options.log ?? pino({ level: "silent" });
  const manifest = options.manifest ?? (await readManifest());
  const appId = Number(options.appId);
  const probot = new Probot({
    appId,
    privateKey: options.privateKey,
    baseUrl,
    log,
    // The app's own Octokit class: its retry policy for GitHub's limits holds on this path too.
    Octokit: options.Octokit ?? appOctokitClass(),
  });

  let installations: Installation[];
  let slug: string | null = null;
  const findings: Finding[] = [];
  try {
    const appOctokit = await probot.auth();
    const { data } = await appOctokit.rest.apps.getAuthenticated();
    slug = data?.slug ?? null;
    installations = (await appOctokit.paginate(appOctokit.rest.apps.listInstallations, {
      per_page: 100,
    })) as Installation[];
  } catch (err) {
    log.warn({ err: message(err) }, "doctor: cannot authenticate as the App");
    findings.push({
      org: "(app)",
      check: "authentication",
      status: "fail",
      detail: `cannot authenticate as App ${appId} at ${baseUrl}: ${message(err)}`,
      fix: "Check APP_ID and PRIVATE_KEY (or PRIVATE_KEY_PATH) against the App's settings page, and GHE_HOST for GitHub Enterprise.",
    });
    return summarize({ id: appId, slug }, baseUrl, 0, findings);
  }
  findings.push({
    org: "(app)",
    check: "authentication",
    status: "ok",
    detail: `authenticated as ${slug ?? `App ${appId}`} (id ${appId}), ${installations.length} installation(s)`,
    fix: null,
  });

  const wanted = options.orgs?.map((o) => o.toLowerCase());
  const orgs = installations.filter((i) => {
    const login = i.account?.login?.toLowerCase();
    return login !== undefined && (!wanted || wanted.includes(login));
  });
  if (installations.length === 0 || (wanted && orgs.length === 0)) {
    findings.push({
      org: wanted ? wanted.join(", ") : "(app)",
      check: "installations",
      status: "fail",
      detail: wanted ? "the App is not installed on this org" : "the App is not installed anywhere",
      fix: "Install the App on the org (the App's public page → Install), on all repositories or at least the tracker and the code repositories.",
    });
  }
  for (const installation of orgs) {
    const org = installation.account?.login ?? String(installation.id);
    if (installation.account?.type !== "Organization") {
      findings.push({
        org,
        check: "installation",
        status: "warn",
        detail: `installation ${installation.id} is on a user account: the app serves organizations only and ignores it`,
        fix: "Uninstall it from the account, or install the App on an organization instead.",
      });
      continue;
    }
    try {
      findings.push(...(await checkOrg(probot, installation, org, manifest, log)));
    } catch (err) {
      log.error({ org, err }, "doctor: check failed");
      findings.push({
        org,
        check: "doctor",
        status: "fail",
        detail: `the checks stopped: ${message(err)}`,
        fix: "Run the doctor again; if it persists, run it with LOG_LEVEL=debug and report the log.",
      });
    }
  }
  return summarize({ id: appId, slug }, baseUrl, installations.length, findings);
}
