/**
 * The patch and release team of an advisory, and the security-team audit.
 *
 * Policy: the collaborators of an open advisory are the active maintainers of its repository, the
 * security team, the reporter and anyone added with `/advisory add`, minus anyone removed with
 * `/advisory remove` (never the reporter). An archived repository, or one the config lists as
 * inactive, has no active maintainers: the security team staffs it alone.
 */
import { compareLogins, displayLogin, loginKey, loginKeys } from "./handles.js";
import type { Person, Roster } from "./rosters.js";

/** One repository of the org with its merged roster. */
export interface RepoRosterState {
  /** Repository name without the owner. */
  name: string;
  archived: boolean;
  roster: Roster;
}

export interface Maintainers {
  users: Person[];
  /** Teams as `org/team`, as written in CODEOWNERS. */
  teams: string[];
}

/** Why an advisory's repository contributes no maintainers. */
export type StaffingGapReason = "archived" | "inactive" | "unknown-repo" | "no-maintainers";

export interface StaffingGap {
  repo: string;
  reason: StaffingGapReason;
}

function sameRepo(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function isListedInactive(name: string, inactive: readonly string[]): boolean {
  return inactive.some((entry) => sameRepo(entry, name));
}

/** An active repository is neither archived nor listed in the config's `inactive`. */
export function isActiveRepo(repo: RepoRosterState, inactive: readonly string[]): boolean {
  return !repo.archived && !isListedInactive(repo.name, inactive);
}

/** The active maintainers of a repository: none when it is archived or listed as inactive. */
export function activeMaintainers(repo: RepoRosterState, inactive: readonly string[]): Maintainers {
  if (!isActiveRepo(repo, inactive)) return { users: [], teams: [] };
  return { users: repo.roster.active.map((p) => ({ login: p.login })), teams: [...repo.roster.teams] };
}

function findRepo(repos: readonly RepoRosterState[], name: string): RepoRosterState | undefined {
  return repos.find((repo) => sameRepo(repo.name, name));
}

/** Splits `org/team` into its parts; undefined when it is not of that shape. */
function splitTeam(team: string): { org: string; slug: string } | undefined {
  const slash = team.indexOf("/");
  if (slash <= 0 || slash === team.length - 1) return undefined;
  return { org: team.slice(0, slash), slug: team.slice(slash + 1) };
}

/** Why a repository yields nobody to staff an advisory, or null when it has maintainers. */
export function staffingGap(
  repoName: string,
  repos: readonly RepoRosterState[],
  inactive: readonly string[],
): StaffingGap | null {
  const repo = findRepo(repos, repoName);
  if (repo === undefined) return { repo: repoName, reason: "unknown-repo" };
  if (repo.archived) return { repo: repo.name, reason: "archived" };
  if (isListedInactive(repo.name, inactive)) return { repo: repo.name, reason: "inactive" };
  const { users, teams } = activeMaintainers(repo, inactive);
  if (users.length === 0 && teams.length === 0) return { repo: repo.name, reason: "no-maintainers" };
  return null;
}

/** Active repositories whose roster files yield nobody (archived and inactive ones are not gaps). */
export function staffingGaps(repos: readonly RepoRosterState[], inactive: readonly string[]): StaffingGap[] {
  return repos
    .filter((repo) => isActiveRepo(repo, inactive))
    .map((repo) => staffingGap(repo.name, [repo], inactive))
    .filter((gap): gap is StaffingGap => gap !== null)
    .sort((a, b) => compareLogins(a.repo, b.repo));
}

/** A sentence for the tracking issue explaining why the security team staffs an advisory alone. */
export function describeGap(gap: StaffingGap, files: readonly string[]): string {
  const suffix = "staffed by the security team only";
  switch (gap.reason) {
    case "archived":
      return `${gap.repo} is archived, so it has no active maintainers — ${suffix}.`;
    case "inactive":
      return `${gap.repo} is listed as inactive in the configuration, so it has no active maintainers — ${suffix}.`;
    case "unknown-repo":
      return `${gap.repo} is not a repository known to the app — ${suffix}.`;
    default:
      return `No maintainers found in ${files.length > 0 ? files.join(", ") : "the roster files"} of ${gap.repo} — ${suffix}.`;
  }
}

/** Whether `/advisory add` may put someone on a patch team, and why not. */
export type Admission =
  | { admitted: true; as: "maintainer"; repos: string[] }
  | { admitted: true; as: "outside-expert" }
  | { admitted: false; why: string };

/**
 * The policy keeps the patch team "within the pool of ORAS project maintainers": `/advisory add`
 * admits active maintainers of active repositories of the org, and the outside experts the org's
 * configuration names. Anyone else is refused, with what the rosters say about them.
 */
export function admitToPatchTeam(
  login: string,
  repos: readonly RepoRosterState[],
  inactive: readonly string[],
  outsideExperts: readonly string[],
): Admission {
  const key = loginKey(login);
  const sorted = [...repos].sort((a, b) => compareLogins(a.name, b.name));
  const activeIn = sorted.filter((repo) => isActiveRepo(repo, inactive) && listed(repo.roster.active, key));
  if (activeIn.length > 0) return { admitted: true, as: "maintainer", repos: activeIn.map((repo) => repo.name) };
  if (outsideExperts.some((expert) => loginKey(expert) === key)) return { admitted: true, as: "outside-expert" };
  const facts: string[] = [];
  const onlyInactive = sorted
    .filter((repo) => !isActiveRepo(repo, inactive) && listed(repo.roster.active, key))
    .map((repo) => `${repo.name} (${repo.archived ? "archived" : "inactive"})`);
  if (onlyInactive.length > 0) facts.push(`maintains only ${onlyInactive.join(", ")}`);
  const retiredIn = sorted.filter((repo) => listed(repo.roster.emeritus, key)).map((repo) => repo.name);
  if (retiredIn.length > 0) facts.push(`is emeritus in ${retiredIn.join(", ")}`);
  const known = facts.length > 0 ? ` (@${displayLogin(login)} ${facts.join("; ")})` : "";
  return {
    admitted: false,
    why:
      `@${displayLogin(login)} is not an active maintainer of an active repository of the org${known}, ` +
      "and is not named in `patchTeam.outsideExperts` of the org's configuration. The patch team stays within " +
      "the maintainers; an org admin can name an outside expert there.",
  };
}

export interface PatchTeamInput {
  /** The org (owner) of the advisory's repository. */
  org: string;
  /** The advisory's repository name, without the owner. */
  repo: string;
  /** The org's repositories with their rosters. */
  repos: readonly RepoRosterState[];
  config: { inactive: readonly string[] };
  /** Logins of the security team (team members ∪ configured members), already resolved. */
  securityTeam: readonly string[];
  /** The advisory's reporter (or author), if known. */
  reporter: string | null;
  /** People added with `/advisory add`. */
  added: readonly string[];
  /** People removed with `/advisory remove`; this wins over `added` and over being a maintainer. */
  removed: readonly string[];
  /** The app's own login: never a desired collaborator. */
  botLogin: string;
}

export interface DesiredPatchTeam {
  /** Logins, sorted, no duplicates (case-insensitive). */
  users: string[];
  /** Team slugs of the advisory's org, sorted. */
  teams: string[];
  /** The repository's active maintainers who are part of `users`. */
  maintainers: string[];
  /** CODEOWNERS teams of other orgs: they cannot collaborate on this org's advisory. */
  foreignTeams: string[];
  /** Set when the repository contributes nobody, so the security team staffs it alone. */
  gap: StaffingGap | null;
}

/**
 * The collaborators an advisory should have: active maintainers of its repository ∪ security team
 * ∪ reporter ∪ added, minus removed (never minus the reporter), never the app itself. The casing
 * kept for a person is the first seen in that order.
 */
export function desiredPatchTeam(input: PatchTeamInput): DesiredPatchTeam {
  const bot = loginKey(input.botLogin);
  const reporterKey = input.reporter === null ? null : loginKey(input.reporter);
  const removed = loginKeys(input.removed);
  if (reporterKey !== null) removed.delete(reporterKey);

  const repo = findRepo(input.repos, input.repo);
  const maintainers = repo === undefined ? { users: [], teams: [] } : activeMaintainers(repo, input.config.inactive);

  const users = new Map<string, string>();
  const maintainerKeys = new Set<string>();
  const consider = (login: string, isMaintainer = false) => {
    const key = loginKey(login);
    if (key === "" || key === bot || removed.has(key)) return;
    if (!users.has(key)) users.set(key, displayLogin(login));
    if (isMaintainer) maintainerKeys.add(key);
  };
  for (const person of maintainers.users) consider(person.login, true);
  for (const login of input.securityTeam) consider(login);
  if (input.reporter !== null) consider(input.reporter);
  for (const login of input.added) consider(login);

  const teams = new Map<string, string>();
  const foreignTeams: string[] = [];
  for (const team of maintainers.teams) {
    const parts = splitTeam(team);
    if (parts === undefined) continue;
    if (loginKey(parts.org) !== loginKey(input.org)) {
      foreignTeams.push(team);
      continue;
    }
    const key = parts.slug.toLowerCase();
    if (!teams.has(key)) teams.set(key, parts.slug);
  }

  const gap = staffingGap(input.repo, input.repos, input.config.inactive);
  return {
    users: [...users.values()].sort(compareLogins),
    teams: [...teams.values()].sort(compareLogins),
    maintainers: [...users.entries()]
      .filter(([key]) => maintainerKeys.has(key))
      .map(([, login]) => login)
      .sort(compareLogins),
    foreignTeams: foreignTeams.sort(compareLogins),
    // Teams alone staff the repository only when they are of the advisory's own org.
    gap:
      gap ??
      (maintainers.users.length === 0 && teams.size === 0 ? { repo: input.repo, reason: "no-maintainers" } : null),
  };
}

export interface Collaborators {
  users: readonly string[];
  /** Team slugs. */
  teams: readonly string[];
}

export interface PlanOptions {
  removeUnlisted: boolean;
  reporter: string | null;
  /** People added with `/advisory add`: never reported as unlisted. */
  added?: readonly string[];
  /** People removed with `/advisory remove`: dropped even without `removeUnlisted` (never the reporter). */
  removed?: readonly string[];
  /** The app's own login: never added, never removed, never reported. */
  botLogin?: string;
  /**
   * People the app itself put on the advisory earlier (recorded on the tracking issue). One who is no
   * longer desired — a maintainer who left the roster — is removed even without `removeUnlisted`.
   */
  managed?: readonly string[];
}

export interface CollaboratorChange {
  collaborating_users: string[];
  collaborating_teams: string[];
}

export interface CollaboratorPlan {
  /** The full lists to PATCH (GitHub replaces both arrays), or null when nothing differs. */
  change: CollaboratorChange | null;
  /** Users the change adds. */
  added: string[];
  /** Users the change removes. */
  removed: string[];
  /** Actual users neither desired nor added by command (reported on the tracking issue). */
  unlisted: string[];
  addedTeams: string[];
  removedTeams: string[];
  /** Actual teams not desired. */
  unlistedTeams: string[];
}

function keyed(logins: readonly string[], key: (s: string) => string): Map<string, string> {
  const map = new Map<string, string>();
  for (const login of logins) {
    const k = key(login);
    if (k !== "" && !map.has(k)) map.set(k, displayLogin(login));
  }
  return map;
}

const teamKey = (slug: string) => slug.trim().toLowerCase();

/**
 * Compares desired and actual collaborators case-insensitively. The change carries the full merged
 * lists: desired ∪ the actual collaborators that stay (unlisted ones unless `removeUnlisted`, the
 * reporter and the app always), with the actual casing kept for people already there, sorted.
 */
export function planCollaborators(
  desired: Collaborators,
  actual: Collaborators,
  options: PlanOptions,
): CollaboratorPlan {
  const bot = options.botLogin === undefined ? "" : loginKey(options.botLogin);
  const reporter = options.reporter === null ? "" : loginKey(options.reporter);
  const added = loginKeys(options.added ?? []);
  const removedByCommand = loginKeys(options.removed ?? []);
  const managed = loginKeys(options.managed ?? []);

  const want = keyed(desired.users, loginKey);
  want.delete(bot);
  const have = keyed(actual.users, loginKey);

  const final = new Map<string, string>();
  for (const [key, login] of want) final.set(key, have.get(key) ?? login);
  const unlisted: string[] = [];
  for (const [key, login] of have) {
    if (final.has(key)) continue;
    if (key === bot || (reporter !== "" && key === reporter)) {
      final.set(key, login);
      continue;
    }
    if (removedByCommand.has(key)) continue;
    if (managed.has(key) && !added.has(key)) continue;
    const isUnlisted = !added.has(key);
    if (isUnlisted) unlisted.push(login);
    if (!isUnlisted || !options.removeUnlisted) final.set(key, login);
  }

  const wantTeams = keyed(desired.teams, teamKey);
  const haveTeams = keyed(actual.teams, teamKey);
  const finalTeams = new Map<string, string>();
  for (const [key, slug] of wantTeams) finalTeams.set(key, haveTeams.get(key) ?? slug);
  const unlistedTeams: string[] = [];
  for (const [key, slug] of haveTeams) {
    if (finalTeams.has(key)) continue;
    unlistedTeams.push(slug);
    if (!options.removeUnlisted) finalTeams.set(key, slug);
  }

  const addedUsers = [...final].filter(([key]) => !have.has(key)).map(([, login]) => login);
  const removedUsers = [...have].filter(([key]) => !final.has(key)).map(([, login]) => login);
  const addedTeams = [...finalTeams].filter(([key]) => !haveTeams.has(key)).map(([, slug]) => slug);
  const removedTeams = [...haveTeams].filter(([key]) => !finalTeams.has(key)).map(([, slug]) => slug);
  const differs = addedUsers.length + removedUsers.length + addedTeams.length + removedTeams.length > 0;

  return {
    change: differs
      ? {
          collaborating_users: [...final.values()].sort(compareLogins),
          collaborating_teams: [...finalTeams.values()].sort(compareLogins),
        }
      : null,
    added: addedUsers.sort(compareLogins),
    removed: removedUsers.sort(compareLogins),
    unlisted: unlisted.sort(compareLogins),
    addedTeams: addedTeams.sort(compareLogins),
    removedTeams: removedTeams.sort(compareLogins),
    unlistedTeams: unlistedTeams.sort(compareLogins),
  };
}

export type AuditProblem = "not-active-maintainer" | "not-org-member";

export interface AuditFinding {
  login: string;
  problem: AuditProblem;
  detail: string;
}

function listed(people: readonly Person[], key: string): boolean {
  return people.some((person) => loginKey(person.login) === key);
}

/**
 * Every security-team member must be an active maintainer (owner or maintainer, not emeritus) of at
 * least one active repository of the org, and — when the org's members are known — an org member.
 * Membership of a team named in CODEOWNERS does not count: only listed handles do.
 */
export function auditSecurityTeam(
  members: readonly string[],
  repos: readonly RepoRosterState[],
  inactive: readonly string[],
  orgMembers?: ReadonlySet<string>,
): AuditFinding[] {
  const findings: AuditFinding[] = [];
  const seen = new Set<string>();
  const sortedRepos = [...repos].sort((a, b) => compareLogins(a.name, b.name));
  for (const member of members) {
    const key = loginKey(member);
    if (key === "" || seen.has(key)) continue;
    seen.add(key);
    const login = displayLogin(member);

    const activeIn = sortedRepos.filter((repo) => isActiveRepo(repo, inactive) && listed(repo.roster.active, key));
    if (activeIn.length === 0) {
      const parts: string[] = [];
      const retiredIn = sortedRepos.filter((repo) => listed(repo.roster.emeritus, key)).map((repo) => repo.name);
      const onlyInactive = sortedRepos
        .filter((repo) => !isActiveRepo(repo, inactive) && listed(repo.roster.active, key))
        .map((repo) => `${repo.name} (${repo.archived ? "archived" : "inactive"})`);
      if (onlyInactive.length > 0) parts.push(`maintainer only of ${onlyInactive.join(", ")}`);
      if (retiredIn.length > 0) parts.push(`emeritus in ${retiredIn.join(", ")}`);
      parts.push("not an active maintainer of any active repository");
      findings.push({ login, problem: "not-active-maintainer", detail: parts.join("; ") });
    }
    if (orgMembers !== undefined && !orgMembers.has(key)) {
      findings.push({ login, problem: "not-org-member", detail: "not a member of the organization" });
    }
  }
  return findings.sort((a, b) => compareLogins(a.login, b.login) || (a.problem < b.problem ? -1 : 1));
}
