import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { ORG_CONFIG_REPO } from "../config/authority.js";
import { type ConfigError, formatConfigError } from "../config/errors.js";
import type { ConfigResult } from "../config/load.js";
import { type Config, DEFAULT_ROSTER_FILES } from "../config/schema.js";
import { loginKey } from "../domain/handles.js";
import type { RepoRosterState } from "../domain/patch-team.js";
import { mergeRosters, parseRoster, type Roster, type RosterWarning } from "../domain/rosters.js";
import { AUDIT_LABEL, DASHBOARD_LABEL, type StateKey } from "../domain/tracking.js";
import { getAdvisory } from "../github/advisories.js";
import { loadOrgConfigs } from "../github/config.js";
import { type ListCache, readSortedList } from "../github/lists.js";
import { type OrgSnapshot, type RepoSnapshot, readOrgSnapshot, readTeamMembers } from "../github/org.js";
import { askedFor, probeOrg } from "../github/org-probe.js";
import type { RunReads } from "../github/run-reads.js";
import { hasLabel, readTrackingIssues, type TrackingIssue, trackedGhsas } from "../github/tracker.js";
import { advisoryRepo, type Issue, type Octokit, type RepositoryAdvisory } from "../github/types.js";

/** Everything one run needs to know about an org, read once: the reconcilers decide from this. */
export interface OrgView {
  org: string;
  repos: RepoSnapshot[];
  rosters: RepoRosterState[];
  rosterWarnings: RosterWarning[];
  configs: Map<string, ConfigResult>;
  advisories: RepositoryAdvisory[];
  trackers: Map<string, Tracker>;
  /** Security team per team slug ("" = no team configured): logins, or null when the team is missing. */
  teams: Map<string, string[] | null>;
  /**
   * Org membership of handles listed in configurations, read with the org (keyed by `loginKey`);
   * a handle missing here is checked on its own.
   */
  orgMembers?: Map<string, boolean>;
  /**
   * Only the repositories a scoped read concerned were read (`repos`, `configs`, `rosters` hold those,
   * the org's `.github` and the tracker): never to be taken for the whole org.
   */
  scoped?: boolean;
}

export interface Tracker {
  repo: string;
  /** Why tracking issues cannot be written there; null when the tracker is usable. */
  problem: string | null;
  /** Tracking issues, open and closed, duplicates apart. */
  issues: TrackingIssue[];
  /** The tracking issue of each GHSA id (lower case): the first one opened for it. */
  byGhsa: Map<string, TrackingIssue>;
  /** Open issues that track only advisories another (earlier) issue tracks, keyed by that issue's number. */
  duplicates: Map<number, TrackingIssue[]>;
  /**
   * The tracker's dashboard and audit issues (open and closed), from the same read of the tracker's
   * issues; absent in a view built without that read, where they are listed by label when needed.
   */
  pinned?: Issue[];
}

export interface RunContext {
  octokit: Octokit;
  log: Logger;
  org: string;
  now: Date;
  dryRun: boolean;
  /** The app's own login (`name[bot]`): its comments are ignored, it is never a collaborator. */
  botLogin: string;
  /** Signs and verifies tracking states (from `STATE_SECRET`, else derived from the webhook secret). Never logged. */
  stateKey: StateKey;
  /**
   * Resolves while the run still holds its org's lock; throws once it lost it (a Redis lease that
   * expired). `apply` checks it before every write. Unset = the run cannot lose its lock.
   */
  fence?: () => Promise<void>;
  /**
   * What the org's lists held when last read, so that a list is read only down to what changed
   * (`src/github/lists.ts`); without it every list is read whole.
   */
  lists?: ListCache;
  /** What this run has read (releases, drafts) and the release-notes edits it has decided; see `RunReads`. */
  reads?: RunReads;
}

export function repoKey(name: string): string {
  return name.toLowerCase();
}

export function configFor(view: OrgView, repo: string): ConfigResult | undefined {
  return view.configs.get(repoKey(repo));
}

/** Roster files to read: the defaults plus any a valid configuration names. */
function rosterFiles(configs: Iterable<ConfigResult>): string[] {
  const files = new Set<string>(DEFAULT_ROSTER_FILES);
  for (const c of configs) if (c.ok) for (const f of c.config.maintainers.files) files.add(f);
  return [...files];
}

/** Parsed roster files by path and content: most runs re-read files that have not changed. */
const parsedRosters = new Map<string, Roster>();
const PARSED_ROSTERS_MAX = 2000;

/** `parseRoster`, remembered by path and content hash (the result is never mutated by readers). */
export function readRoster(file: string, text: string): Roster {
  const key = `${file}\0${createHash("sha256").update(text).digest("base64")}`;
  const known = parsedRosters.get(key);
  if (known !== undefined) return known;
  const roster = parseRoster(file, text);
  if (parsedRosters.size >= PARSED_ROSTERS_MAX) {
    const oldest = parsedRosters.keys().next().value;
    if (oldest !== undefined) parsedRosters.delete(oldest);
  }
  parsedRosters.set(key, roster);
  return roster;
}

function rostersOf(
  repos: RepoSnapshot[],
  configs: Map<string, ConfigResult>,
): { rosters: RepoRosterState[]; warnings: RosterWarning[] } {
  const warnings: RosterWarning[] = [];
  const rosters = repos.map((repo) => {
    const config = configs.get(repoKey(repo.name));
    const files = config?.ok ? config.config.maintainers.files : DEFAULT_ROSTER_FILES;
    const parsed = files.flatMap((file) => {
      const text = repo.files[file];
      return typeof text === "string" ? [readRoster(file, text)] : [];
    });
    const roster = mergeRosters(parsed);
    warnings.push(...roster.warnings.map((w) => ({ ...w, file: `${repo.name}/${w.file}` })));
    return { name: repo.name, archived: repo.archived, roster };
  });
  return { rosters, warnings };
}

async function readTracker(ctx: RunContext, repos: RepoSnapshot[], name: string): Promise<Tracker> {
  const snapshot = repos.find((r) => repoKey(r.name) === repoKey(name));
  const empty = { repo: name, issues: [], byGhsa: new Map<string, TrackingIssue>(), duplicates: new Map() };
  if (!snapshot)
    return {
      ...empty,
      problem: `tracker repository ${ctx.org}/${name} does not exist or the app is not installed on it`,
    };
  if (snapshot.visibility !== "private")
    return {
      ...empty,
      problem: `tracker repository ${ctx.org}/${name} is ${snapshot.visibility}; tracking issues need a private repository`,
    };
  // One list of every issue of the tracker, read down to what changed since the last read: tracking
  // issues, the dashboard and the audit issue come from it.
  const listed = (
    await readSortedList<Issue>({
      octokit: ctx.octokit,
      route: ctx.octokit.rest.issues.listForRepo,
      params: { owner: ctx.org, repo: snapshot.name, state: "all" },
      key: `${ctx.org.toLowerCase()} issues ${repoKey(snapshot.name)}`,
      id: (i) => i.number,
      cache: ctx.lists,
      now: ctx.now.getTime(),
    })
  )
    .filter((i) => !i.pull_request)
    .sort((a, b) => a.number - b.number);
  const issues = await readTrackingIssues(ctx.octokit, ctx.org, snapshot.name, listed, ctx);
  const pinned = listed.filter((i) => hasLabel(i, DASHBOARD_LABEL) || hasLabel(i, AUDIT_LABEL));
  const byGhsa = new Map<string, TrackingIssue>();
  const duplicates = new Map<number, TrackingIssue[]>();
  for (const issue of issues) {
    const ghsas = trackedGhsas(issue);
    const first = ghsas.map((g) => byGhsa.get(g));
    const of = first[0];
    // Every advisory it tracks is tracked by one earlier issue: a duplicate of that one. Only issues the
    // app opened are duplicates (merged, then closed); a person's issue is never merged nor closed.
    if (issue.open && issue.byApp && of && first.every((f) => f === of)) {
      duplicates.set(of.number, [...(duplicates.get(of.number) ?? []), issue]);
      continue;
    }
    for (const ghsa of ghsas) if (!byGhsa.has(ghsa)) byGhsa.set(ghsa, issue);
  }
  const duplicated = new Set([...duplicates.values()].flat());
  return {
    repo: snapshot.name,
    problem: null,
    issues: issues.filter((i) => !duplicated.has(i)),
    byGhsa,
    duplicates,
    pinned,
  };
}

/**
 * Which advisories a run reads: every advisory of the org (the sweep, commands, team changes), one
 * repository's (a roster push, archiving), or the ones an event names. A scoped read also fetches the
 * siblings their tracking issues list, so each case is whole.
 */
export type AdvisoryScope =
  | { kind: "org" }
  | { kind: "repo"; repo: string }
  | { kind: "named"; advisories: Array<{ repo: string; ghsa: string }> }
  /** Advisories this run has just read from GitHub itself (never from a payload). */
  | { kind: "read"; advisories: RepositoryAdvisory[] };

async function readAdvisories(ctx: RunContext, scope: AdvisoryScope): Promise<RepositoryAdvisory[]> {
  const { octokit } = ctx;
  switch (scope.kind) {
    case "org":
      return readSortedList<RepositoryAdvisory>({
        octokit,
        route: octokit.rest.securityAdvisories.listOrgRepositoryAdvisories,
        params: { org: ctx.org },
        key: `${ctx.org.toLowerCase()} advisories`,
        id: (a) => a.ghsa_id.toLowerCase(),
        cache: ctx.lists,
        now: ctx.now.getTime(),
      });
    case "repo":
      return octokit.paginate(octokit.rest.securityAdvisories.listRepositoryAdvisories, {
        owner: ctx.org,
        repo: scope.repo,
        per_page: 100,
      });
    case "read":
      return [...scope.advisories];
    case "named": {
      const found: RepositoryAdvisory[] = [];
      for (const named of scope.advisories) {
        const advisory = await getAdvisory(octokit, { owner: ctx.org, ...named });
        if (advisory) found.push(advisory);
        else ctx.log.warn({ ghsa: named.ghsa, repo: named.repo }, "GitHub has no such advisory; nothing to do for it");
      }
      return found;
    }
  }
}

/** Adds the advisories that the tracking issues of `advisories` list and a scoped read did not bring. */
async function addSiblings(
  ctx: RunContext,
  advisories: RepositoryAdvisory[],
  trackers: Iterable<Tracker>,
): Promise<void> {
  const have = new Set(advisories.map((a) => a.ghsa_id.toLowerCase()));
  for (const tracker of trackers) {
    for (const advisory of [...advisories]) {
      for (const sibling of tracker.byGhsa.get(advisory.ghsa_id.toLowerCase())?.tracking?.advisories ?? []) {
        const [owner, repo] = sibling.repo.split("/");
        if (have.has(sibling.ghsa.toLowerCase()) || !owner || !repo) continue;
        have.add(sibling.ghsa.toLowerCase());
        const found = await getAdvisory(ctx.octokit, { owner, repo, ghsa: sibling.ghsa });
        if (found) advisories.push(found);
      }
    }
  }
}

/**
 * The roster files the org's configurations named when the app last read them (the defaults and any a
 * configuration adds); empty when it has not read the org yet.
 */
export function knownRosterFiles(lists: ListCache | undefined, org: string): string[] {
  return lists?.noted(`${org.toLowerCase()} roster files`) ?? [];
}

/** The repositories a scoped read concerns (null: every repository of the org). */
function reposOf(ctx: RunContext, scope: AdvisoryScope): string[] | null {
  switch (scope.kind) {
    case "org":
      return null;
    case "repo":
      return [scope.repo];
    case "named":
      return scope.advisories.map((a) => a.repo);
    case "read":
      return scope.advisories
        .map((a) => advisoryRepo(a))
        .filter((r) => r.owner.toLowerCase() === ctx.org.toLowerCase())
        .map((r) => r.repo);
  }
}

/**
 * Reads the org: repositories with roster and config files (GraphQL), configurations, security teams
 * (GraphQL), the repository advisories in `scope` (by default every one of the org, one paginated list)
 * and the tracker repositories' tracking issues.
 *
 * A scoped read (an event: the advisories it names, one repository) reads only the repositories it
 * concerns — theirs, the org's `.github` (the org configuration) and the tracker — in one GraphQL
 * request instead of one per 100 repositories, then those of siblings it finds; the view says so
 * (`scoped`), and org-wide steps never take it for the whole org.
 *
 * A sweep (`probe`) may reuse its last whole read of the org's repositories instead of sending the org
 * query again: only when the change probes (`src/github/org-probe.ts`: the top repository by `pushed`
 * and by `updated`, the security teams' members; conditional, 304 when unchanged) answer as they did
 * when that read was made, the read is younger than the full-read interval and was asked for the same
 * roster files, teams and listed handles. Any push, archive, visibility change, rename or new
 * repository, or a team's new members, makes the sweep read the org whole. What the probes cannot see —
 * a repository deleted or transferred, a release made without a push, the org membership of listed
 * handles — waits for the periodic whole read; a release's own event reads fresh, and the publish gate
 * reads releases from GitHub in its run, so a reused read can delay a publication, never cause one.
 */
export async function readOrg(
  ctx: RunContext,
  scope: AdvisoryScope = { kind: "org" },
  options: {
    /**
     * A sweep: the whole org's repositories may come from the last sweep's read when the change probes
     * show nothing changed since (`src/github/org-probe.ts`). Events and commands always read fresh.
     */
    probe?: boolean;
  } = {},
): Promise<OrgView> {
  // The security teams the configurations named last time ride on the org query; a team named for the
  // first time costs a query of its own.
  // So do the org memberships of handles the configurations list (the security-team audit checks them).
  const scopeKey = ctx.org.toLowerCase();
  const teamsKey = `${scopeKey} teams`;
  const usersKey = `${scopeKey} listed handles`;
  // Roster files and tracker repositories the configurations named last time: read in the first query.
  const filesKey = `${scopeKey} roster files`; // as `knownRosterFiles` reads it
  const trackersKey = `${scopeKey} trackers`;
  const hinted = { teams: ctx.lists?.noted(teamsKey) ?? [], users: ctx.lists?.noted(usersKey) ?? [] };
  const named = reposOf(ctx, scope);
  const wanted = new Map<string, string>();
  const want = (names: Iterable<string>) => {
    for (const n of names) if (!wanted.has(repoKey(n))) wanted.set(repoKey(n), n);
  };
  if (named) want([...named, ORG_CONFIG_REPO, ...(ctx.lists?.noted(trackersKey) ?? [])]);
  const files = new Set<string>([...DEFAULT_ROSTER_FILES, ...(ctx.lists?.noted(filesKey) ?? [])]);
  const only = () => (named ? [...wanted.values()] : undefined);

  const kept = named === null && options.probe === true && ctx.lists ? ctx.lists : undefined;
  let fingerprint: string | null = null;
  let read: OrgSnapshot | undefined;
  if (kept) {
    // The probes are taken before the org query: a change made while it reads is seen next time.
    try {
      fingerprint = await probeOrg(ctx.octokit, ctx.org, hinted.teams);
    } catch (err) {
      // Without the probes the org is read whole, as before them.
      ctx.log.warn({ org: ctx.org, err }, "change probes failed; reading the whole org");
    }
    const last = kept.sweptOrg(ctx.org);
    const now = ctx.now.getTime();
    if (
      last !== undefined &&
      fingerprint !== null &&
      last.fingerprint === fingerprint &&
      last.asked === askedFor([...files], hinted.teams, hinted.users) &&
      now >= last.at &&
      now - last.at < kept.fullReadMs
    ) {
      read = structuredClone(last.snapshot);
      ctx.log.debug({ org: ctx.org }, "org unchanged since the last sweep's read; reusing it");
    }
  }
  const reused = read !== undefined;
  read ??= await readOrgSnapshot(ctx.octokit, ctx.org, [...files], hinted, only());
  let configs = await loadOrgConfigs(ctx.octokit, ctx.org, read.repos);
  const trackerNames = new Set<string>();
  const trackersOf = () => {
    for (const c of configs.values())
      if (c.ok && c.config.tracker.repo) trackerNames.add(repoKey(c.config.tracker.repo));
  };
  trackersOf();
  // Roster files or a tracker the configurations name and the first query did not read: read again.
  const moreFiles = rosterFiles(configs.values()).filter((f) => !files.has(f));
  const moreRepos = named ? [...trackerNames].filter((t) => !wanted.has(t)) : [];
  if (moreFiles.length > 0 || moreRepos.length > 0) {
    for (const f of moreFiles) files.add(f);
    want(moreRepos);
    read = await readOrgSnapshot(ctx.octokit, ctx.org, [...files], hinted, only());
    configs = await loadOrgConfigs(ctx.octokit, ctx.org, read.repos);
    trackersOf();
  }
  if (kept && (!reused || moreFiles.length > 0))
    kept.keepSweptOrg(ctx.org, {
      at: ctx.now.getTime(),
      asked: askedFor([...files], hinted.teams, hinted.users),
      fingerprint,
      snapshot: structuredClone(read),
    });
  let repos = read.repos;

  const teams = new Map<string, string[] | null>();
  for (const c of configs.values()) {
    if (!c.ok) continue;
    const slug = c.config.securityTeam.team ?? "";
    if (!teams.has(slug)) {
      const known = read.teams.get(slug);
      teams.set(
        slug,
        slug === "" ? [] : known !== undefined ? known : await readTeamMembers(ctx.octokit, ctx.org, slug),
      );
    }
  }
  const listed = new Set<string>();
  for (const c of configs.values())
    if (c.ok) for (const login of c.config.securityTeam.members) listed.add(loginKey(login));
  ctx.lists?.note(
    teamsKey,
    [...teams.keys()].filter((slug) => slug !== ""),
  );
  ctx.lists?.note(usersKey, [...listed]);
  // A scoped read saw only some configurations: it adds to what the last read of the whole org named.
  const namedFiles = rosterFiles(configs.values());
  ctx.lists?.note(filesKey, named ? [...new Set([...(ctx.lists?.noted(filesKey) ?? []), ...namedFiles])] : namedFiles);
  ctx.lists?.note(
    trackersKey,
    named ? [...new Set([...(ctx.lists?.noted(trackersKey) ?? []), ...trackerNames])] : [...trackerNames],
  );

  const advisories = await readAdvisories(ctx, scope);
  const trackers = new Map<string, Tracker>();
  for (const name of trackerNames) trackers.set(name, await readTracker(ctx, repos, name));
  if (scope.kind !== "org") await addSiblings(ctx, advisories, trackers.values());
  if (named) {
    // Siblings in repositories the scoped query did not read: their rosters and configuration too.
    const have = new Set(repos.map((r) => repoKey(r.name)));
    const missing = advisories
      .map((a) => advisoryRepo(a))
      .filter((r) => r.owner.toLowerCase() === scopeKey && !have.has(repoKey(r.repo)))
      .map((r) => r.repo);
    if (missing.length > 0) {
      const more = await readOrgSnapshot(ctx.octokit, ctx.org, [...files], { teams: [], users: [] }, missing);
      repos = [...repos, ...more.repos];
      configs = await loadOrgConfigs(ctx.octokit, ctx.org, repos);
    }
  }
  const { rosters, warnings } = rostersOf(repos, configs);
  return {
    org: ctx.org,
    repos,
    rosters,
    rosterWarnings: warnings,
    configs,
    advisories,
    trackers,
    teams,
    orgMembers: read.members,
    scoped: named !== null,
  };
}

/** The security team for a repository's configuration: the GitHub team's members ∪ listed handles. */
export function securityTeam(view: OrgView, config: Config): { members: string[]; problem: string | null } {
  const slug = config.securityTeam.team ?? "";
  const fromTeam = view.teams.get(slug);
  const seen = new Set<string>();
  const members: string[] = [];
  for (const login of [...(fromTeam ?? []), ...config.securityTeam.members]) {
    const key = loginKey(login);
    if (!seen.has(key)) {
      seen.add(key);
      members.push(login);
    }
  }
  const problem = slug !== "" && fromTeam === null ? `security team @${view.org}/${slug} does not exist` : null;
  return { members, problem };
}

export function trackerFor(view: OrgView, config: Config): Tracker | null {
  return config.tracker.repo ? (view.trackers.get(repoKey(config.tracker.repo)) ?? null) : null;
}

export function advisoriesOf(view: OrgView, repo: string): RepositoryAdvisory[] {
  return view.advisories.filter((a) => repoKey(advisoryRepo(a).repo) === repoKey(repo));
}

export function configErrors(view: OrgView): ConfigError[] {
  const errors: ConfigError[] = [];
  for (const c of view.configs.values()) if (!c.ok) errors.push(c.error);
  return errors;
}

/**
 * The outside experts `/advisory add` admits: an authority key, so read only from the org's `.github`
 * repository, never from a repository's own file (a broken or missing org file names nobody).
 */
export function outsideExperts(view: OrgView): string[] {
  const own = view.configs.get(".github");
  return own?.ok ? [...own.config.patchTeam.outsideExperts] : [];
}

/** A valid configuration as loaded. */
export type OrgConfig = Extract<ConfigResult, { ok: true }>;

/**
 * The org-level configuration: the `.github` repository's, when valid. Never a repository's own file:
 * null when it is invalid or unreadable, and commands that need it are refused with its error.
 */
export function orgConfig(view: OrgView): OrgConfig | null {
  const own = view.configs.get(ORG_CONFIG_REPO);
  return own?.ok ? own : null;
}

/** Why the org-level configuration cannot be used (its validation error), or null when it can. */
export function orgConfigProblem(view: OrgView): string | null {
  const own = view.configs.get(ORG_CONFIG_REPO);
  if (own === undefined) return `the org has no readable ${ORG_CONFIG_REPO} repository with .github/advisory-bot.yml`;
  return own.ok ? null : formatConfigError(own.error);
}
