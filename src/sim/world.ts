/**
 * The simulator's in-memory state: organizations, users, repositories, teams, installations,
 * advisories, releases, issues, comments, reactions and labels. Every mutation used by the REST
 * and GraphQL handlers and by the user-side actions lives here, so both sides share one semantics.
 */

import { createHash } from "node:crypto";
import { PACKAGE_ECOSYSTEMS } from "../domain/ecosystems.js";
import { cvssScore, severityFromScore } from "./cvss.js";
import { ghsaId, nodeId, Prng } from "./prng.js";

export type Permission = "admin" | "maintain" | "write" | "triage" | "read";
export type AdvisoryState = "triage" | "draft" | "published" | "closed" | "withdrawn";
export type Severity = "critical" | "high" | "medium" | "low";
export type UserType = "User" | "Bot" | "Organization";

export interface UserRecord {
  id: number;
  node_id: string;
  login: string;
  type: UserType;
  name: string | null;
}

export interface OrgRecord {
  id: number;
  node_id: string;
  login: string;
  description: string | null;
  /** lower-case login → membership */
  members: Map<string, { login: string; role: "admin" | "member" }>;
}

export interface RepoRecord {
  id: number;
  node_id: string;
  owner: string;
  name: string;
  private: boolean;
  visibility: "public" | "private" | "internal";
  archived: boolean;
  description: string | null;
  default_branch: string;
  /** files on the default branch: path → text */
  files: Map<string, string>;
  /** lower-case login → collaborator */
  collaborators: Map<string, { login: string; permission: Permission }>;
  created_at: string;
  updated_at: string;
  pushed_at: string;
  headSha: string;
  fork: boolean;
  /** for temporary private forks: the advisory they belong to */
  advisoryFork: string | null;
  nextNumber: number;
  /** whether private vulnerability reporting is enabled (GET …/private-vulnerability-reporting) */
  privateVulnerabilityReporting: boolean;
  /** GitHub's primary language (`Go`, `C#`, …), or null */
  language: string | null;
}

export interface TeamRecord {
  id: number;
  node_id: string;
  org: string;
  slug: string;
  name: string;
  description: string | null;
  /** lower-case login → member */
  members: Map<string, { login: string; role: "member" | "maintainer" }>;
}

export interface InstallationRecord {
  id: number;
  account: string;
  permissions: Record<string, string>;
  events: string[];
  created_at: string;
}

export interface AppRecord {
  id: number;
  slug: string;
  name: string;
  owner: string;
}

export interface VulnerabilityInput {
  package: { ecosystem: string; name?: string | null };
  vulnerable_version_range?: string | null;
  patched_versions?: string | null;
  vulnerable_functions?: string[] | null;
}

export interface Vulnerability {
  package: { ecosystem: string; name: string | null };
  vulnerable_version_range: string | null;
  patched_versions: string | null;
  vulnerable_functions: string[] | null;
}

export interface AdvisoryRecord {
  ghsa_id: string;
  repo: string;
  summary: string;
  description: string | null;
  severity: Severity | null;
  cvss_vector_string: string | null;
  cve_id: string | null;
  author: string | null;
  publisher: string | null;
  state: AdvisoryState;
  created_at: string;
  updated_at: string;
  published_at: string | null;
  closed_at: string | null;
  withdrawn_at: string | null;
  submission: { accepted: boolean } | null;
  vulnerabilities: Vulnerability[];
  cwe_ids: string[];
  credits: { login: string; type: string }[];
  collaborating_users: string[];
  collaborating_teams: string[];
  /** repo key of the fork once it has appeared */
  private_fork: string | null;
  /** a requested fork that has not appeared yet: reads left before it does */
  forkPending: { repo: string; readsLeft: number } | null;
  cveRequested: boolean;
  seq: number;
}

export interface ReleaseRecord {
  id: number;
  node_id: string;
  repo: string;
  tag_name: string;
  name: string | null;
  body: string | null;
  draft: boolean;
  prerelease: boolean;
  author: string;
  created_at: string;
  published_at: string | null;
  target_commitish: string;
}

export interface IssueRecord {
  id: number;
  node_id: string;
  repo: string;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  state_reason: "completed" | "not_planned" | "reopened" | "duplicate" | null;
  labels: string[];
  user: string;
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  isPull: boolean;
  pinned: boolean;
  locked: boolean;
}

export interface CommentRecord {
  id: number;
  node_id: string;
  issueId: number;
  body: string;
  user: string;
  created_at: string;
  updated_at: string;
}

export type ReactionContent = "+1" | "-1" | "laugh" | "confused" | "heart" | "hooray" | "rocket" | "eyes";

export interface ReactionRecord {
  id: number;
  node_id: string;
  commentId: number;
  user: string;
  content: ReactionContent;
  created_at: string;
}

export interface LabelRecord {
  id: number;
  node_id: string;
  repo: string;
  name: string;
  color: string;
  description: string | null;
  default: boolean;
}

/** An error the HTTP layer turns into a GitHub-style error response. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

export const ADVISORY_UPDATE_KEYS = new Set([
  "summary",
  "description",
  "cve_id",
  "vulnerabilities",
  "cwe_ids",
  "credits",
  "severity",
  "cvss_vector_string",
  "state",
  "collaborating_users",
  "collaborating_teams",
]);
const ADVISORY_CREATE_KEYS = new Set([
  "summary",
  "description",
  "cve_id",
  "vulnerabilities",
  "cwe_ids",
  "credits",
  "severity",
  "cvss_vector_string",
  "start_private_fork",
]);
const ECOSYSTEMS = new Set<string>(PACKAGE_ECOSYSTEMS);
const SEVERITIES = new Set(["critical", "high", "medium", "low"]);
const CREDIT_TYPES = new Set([
  "analyst",
  "finder",
  "reporter",
  "coordinator",
  "remediation_developer",
  "remediation_reviewer",
  "remediation_verifier",
  "tool",
  "sponsor",
  "other",
]);

const lower = (s: string) => s.toLowerCase();
export const repoKey = (owner: string, name: string) => `${lower(owner)}/${lower(name)}`;

export interface WorldOptions {
  seed: number;
  /** reads of an advisory that still show `private_fork: null` after a fork request (default 1) */
  forkDelayReads: number;
  now: () => Date;
}

export interface SeedRepo {
  name: string;
  private?: boolean;
  visibility?: "public" | "private" | "internal";
  archived?: boolean;
  description?: string | null;
  files?: Record<string, string>;
  /** private vulnerability reporting enabled (default true) */
  privateVulnerabilityReporting?: boolean;
  /** GitHub's primary language (default none) */
  language?: string | null;
}

export class World {
  readonly prng: Prng;
  app: AppRecord = { id: 424242, slug: "oras-advisory-bot", name: "oras-advisory-bot", owner: "" };
  readonly users = new Map<string, UserRecord>();
  readonly orgs = new Map<string, OrgRecord>();
  readonly repos = new Map<string, RepoRecord>();
  /** temporary private forks (not visible to integrations) */
  readonly forks = new Map<string, RepoRecord>();
  readonly teams = new Map<string, TeamRecord>();
  readonly installations = new Map<number, InstallationRecord>();
  readonly advisories = new Map<string, AdvisoryRecord>();
  readonly releases = new Map<number, ReleaseRecord>();
  readonly issues = new Map<number, IssueRecord>();
  readonly comments = new Map<number, CommentRecord>();
  readonly reactions = new Map<number, ReactionRecord>();
  readonly labels = new Map<number, LabelRecord>();
  /** issues moved away: old "owner/repo#n" → issue id */
  readonly transferred = new Map<string, number>();
  forkDelayReads: number;
  private clock: () => Date;
  private lastStamp = 0;
  private ids = new Map<string, number>();
  private advisorySeq = 0;

  constructor(options: WorldOptions) {
    this.prng = new Prng(options.seed ^ 0x5eed);
    this.forkDelayReads = options.forkDelayReads;
    this.clock = options.now;
  }

  // ---------------------------------------------------------------- ids & time

  nextId(kind: string): number {
    const bases: Record<string, number> = {
      user: 1000,
      repo: 500000,
      team: 7000,
      installation: 60000,
      advisory: 0,
      release: 900000,
      issue: 2000000,
      comment: 3000000,
      reaction: 4000000,
      label: 5000000,
    };
    const next = (this.ids.get(kind) ?? bases[kind] ?? 0) + 1;
    this.ids.set(kind, next);
    return next;
  }

  setClock(now: () => Date): void {
    this.clock = now;
  }

  /** An ISO timestamp (second precision, like GitHub), strictly increasing across calls. */
  stamp(): string {
    let t = Math.floor(this.clock().getTime() / 1000) * 1000;
    if (t <= this.lastStamp) t = this.lastStamp + 1000;
    this.lastStamp = t;
    return new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  sha(): string {
    return this.prng.hex(40);
  }

  // ---------------------------------------------------------------- seeding

  createUser(login: string, options: { type?: "User" | "Bot"; name?: string } = {}): UserRecord {
    const existing = this.users.get(lower(login));
    if (existing) return existing;
    const id = this.nextId("user");
    const type = options.type ?? (login.endsWith("[bot]") ? "Bot" : "User");
    const user: UserRecord = {
      id,
      node_id: nodeId(type === "Bot" ? "Bot" : "User", id),
      login,
      type,
      name: options.name ?? null,
    };
    this.users.set(lower(login), user);
    return user;
  }

  createOrg(login: string, options: { description?: string } = {}): OrgRecord {
    const existing = this.orgs.get(lower(login));
    if (existing) return existing;
    const id = this.nextId("user");
    const org: OrgRecord = {
      id,
      node_id: nodeId("Organization", id),
      login,
      description: options.description ?? null,
      members: new Map(),
    };
    this.orgs.set(lower(login), org);
    this.users.set(lower(login), { id, node_id: org.node_id, login, type: "Organization", name: login });
    if (!this.app.owner) this.app.owner = login;
    return org;
  }

  addOrgMember(org: string, login: string, role: "admin" | "member" = "member"): void {
    const o = this.org(org);
    const u = this.userOrCreate(login);
    o.members.set(lower(u.login), { login: u.login, role });
  }

  removeOrgMember(org: string, login: string): void {
    this.org(org).members.delete(lower(login));
  }

  createRepo(owner: string, seed: SeedRepo): RepoRecord {
    this.org(owner);
    const key = repoKey(owner, seed.name);
    if (this.repos.has(key)) throw new Error(`repository ${key} exists`);
    const id = this.nextId("repo");
    const visibility = seed.visibility ?? (seed.private ? "private" : "public");
    const now = this.stamp();
    const repo: RepoRecord = {
      id,
      node_id: nodeId("Repository", id),
      owner: this.org(owner).login,
      name: seed.name,
      private: visibility !== "public",
      visibility,
      archived: seed.archived ?? false,
      description: seed.description ?? null,
      default_branch: "main",
      files: new Map(Object.entries(seed.files ?? {})),
      collaborators: new Map(),
      created_at: now,
      updated_at: now,
      pushed_at: now,
      headSha: this.sha(),
      fork: false,
      advisoryFork: null,
      nextNumber: 1,
      privateVulnerabilityReporting: seed.privateVulnerabilityReporting ?? true,
      language: seed.language ?? null,
    };
    this.repos.set(key, repo);
    return repo;
  }

  setCollaborator(owner: string, repo: string, login: string, permission: Permission): void {
    const r = this.repo(owner, repo);
    const u = this.userOrCreate(login);
    r.collaborators.set(lower(u.login), { login: u.login, permission });
  }

  createTeam(
    org: string,
    slug: string,
    options: { name?: string; description?: string; members?: string[]; maintainers?: string[] } = {},
  ): TeamRecord {
    const o = this.org(org);
    const key = `${lower(org)}/${lower(slug)}`;
    const existing = this.teams.get(key);
    if (existing) return existing;
    const id = this.nextId("team");
    const team: TeamRecord = {
      id,
      node_id: nodeId("Team", id),
      org: o.login,
      slug: lower(slug),
      name: options.name ?? slug,
      description: options.description ?? null,
      members: new Map(),
    };
    this.teams.set(key, team);
    for (const m of options.members ?? []) this.setTeamMember(org, slug, m, "member");
    for (const m of options.maintainers ?? []) this.setTeamMember(org, slug, m, "maintainer");
    return team;
  }

  setTeamMember(org: string, slug: string, login: string, role: "member" | "maintainer" = "member"): void {
    const t = this.team(org, slug);
    const u = this.userOrCreate(login);
    t.members.set(lower(u.login), { login: u.login, role });
    if (!this.org(org).members.has(lower(u.login))) this.addOrgMember(org, u.login);
  }

  deleteTeamMember(org: string, slug: string, login: string): boolean {
    return this.team(org, slug).members.delete(lower(login));
  }

  createInstallation(
    account: string,
    options: { id?: number; permissions?: Record<string, string>; events?: string[] } = {},
  ): InstallationRecord {
    this.org(account);
    const id = options.id ?? this.nextId("installation");
    const inst: InstallationRecord = {
      id,
      account: this.org(account).login,
      permissions: options.permissions ?? { ...DEFAULT_PERMISSIONS },
      events: options.events ?? [...DEFAULT_EVENTS],
      created_at: this.stamp(),
    };
    this.installations.set(id, inst);
    return inst;
  }

  // ---------------------------------------------------------------- lookups

  user(login: string): UserRecord {
    const u = this.users.get(lower(login));
    if (!u) throw new SimHttpError(404, "Not Found");
    return u;
  }

  userOrCreate(login: string): UserRecord {
    return this.users.get(lower(login)) ?? this.createUser(login);
  }

  org(login: string): OrgRecord {
    const o = this.orgs.get(lower(login));
    if (!o) throw new SimHttpError(404, "Not Found");
    return o;
  }

  repo(owner: string, name: string): RepoRecord {
    const r = this.repos.get(repoKey(owner, name));
    if (!r) throw new SimHttpError(404, "Not Found");
    return r;
  }

  repoByKey(key: string): RepoRecord {
    const r = this.repos.get(key) ?? this.forks.get(key);
    if (!r) throw new SimHttpError(404, "Not Found");
    return r;
  }

  team(org: string, slug: string): TeamRecord {
    const t = this.teams.get(`${lower(org)}/${lower(slug)}`);
    if (!t) throw new SimHttpError(404, "Not Found");
    return t;
  }

  installationFor(account: string): InstallationRecord {
    for (const inst of this.installations.values()) if (lower(inst.account) === lower(account)) return inst;
    throw new SimHttpError(404, "Not Found");
  }

  advisory(owner: string, repo: string, ghsa: string): AdvisoryRecord {
    const found = [...this.advisories.values()].find((x) => lower(x.ghsa_id) === lower(ghsa));
    if (!found || found.repo !== repoKey(owner, repo)) throw new SimHttpError(404, "Not Found");
    return found;
  }

  issue(owner: string, repo: string, number: number): IssueRecord {
    const key = repoKey(owner, repo);
    for (const i of this.issues.values()) if (i.repo === key && i.number === number) return i;
    throw new SimHttpError(404, "Not Found");
  }

  comment(owner: string, repo: string, id: number): CommentRecord {
    const c = this.comments.get(id);
    if (!c) throw new SimHttpError(404, "Not Found");
    const issue = this.issues.get(c.issueId);
    if (!issue || issue.repo !== repoKey(owner, repo)) throw new SimHttpError(404, "Not Found");
    return c;
  }

  release(owner: string, repo: string, id: number): ReleaseRecord {
    const r = this.releases.get(id);
    if (!r || r.repo !== repoKey(owner, repo)) throw new SimHttpError(404, "Not Found");
    return r;
  }

  byNodeId(id: string): { kind: "issue"; issue: IssueRecord } | { kind: "repo"; repo: RepoRecord } | null {
    for (const i of this.issues.values()) if (i.node_id === id) return { kind: "issue", issue: i };
    for (const r of this.repos.values()) if (r.node_id === id) return { kind: "repo", repo: r };
    return null;
  }

  /** The permission a user has on a repository (org admins are admin; members read on public). */
  permissionOf(owner: string, repo: string, login: string): Permission | "none" {
    const r = this.repo(owner, repo);
    const collab = r.collaborators.get(lower(login));
    const member = this.org(owner).members.get(lower(login));
    if (member?.role === "admin") return "admin";
    if (collab) return collab.permission;
    if (!r.private) return "read";
    return "none";
  }

  // ---------------------------------------------------------------- advisories

  private checkVulnerabilities(value: unknown): Vulnerability[] {
    if (!Array.isArray(value)) throw invalid("vulnerabilities", "must be an array");
    return value.map((v: unknown, i) => {
      if (typeof v !== "object" || v === null) throw invalid(`vulnerabilities[${i}]`, "must be an object");
      const allowed = new Set(["package", "vulnerable_version_range", "patched_versions", "vulnerable_functions"]);
      for (const k of Object.keys(v))
        if (!allowed.has(k)) throw invalid(`vulnerabilities[${i}].${k}`, "is not allowed");
      const vv = v as VulnerabilityInput;
      if (!vv.package || typeof vv.package !== "object" || !ECOSYSTEMS.has(vv.package.ecosystem)) {
        throw invalid(`vulnerabilities[${i}].package.ecosystem`, "is not a valid ecosystem");
      }
      return {
        package: { ecosystem: vv.package.ecosystem, name: vv.package.name ?? null },
        vulnerable_version_range: vv.vulnerable_version_range ?? null,
        patched_versions: vv.patched_versions ?? null,
        vulnerable_functions: vv.vulnerable_functions ?? [],
      };
    });
  }

  private checkCredits(value: unknown): { login: string; type: string }[] {
    if (!Array.isArray(value)) throw invalid("credits", "must be an array");
    return value.map((c: { login?: unknown; type?: unknown }, i) => {
      if (typeof c?.login !== "string" || typeof c.type !== "string" || !CREDIT_TYPES.has(c.type)) {
        throw invalid(`credits[${i}]`, "must have a login and a valid type");
      }
      if (!this.users.has(lower(c.login))) throw invalid(`credits[${i}].login`, `user ${c.login} does not exist`);
      return { login: this.user(c.login).login, type: c.type };
    });
  }

  private checkCvss(vector: unknown): string | null {
    if (vector === null) return null;
    if (typeof vector !== "string" || cvssScore(vector) === null) {
      throw invalid("cvss_vector_string", "is not a valid CVSS vector");
    }
    return vector;
  }

  /** Create a draft (REST create) or a triage report (private vulnerability reporting). */
  createAdvisory(
    owner: string,
    repo: string,
    author: string | null,
    body: Record<string, unknown>,
    options: { report?: boolean } = {},
  ): AdvisoryRecord {
    const r = this.repo(owner, repo);
    if (!options.report) {
      for (const k of Object.keys(body)) if (!ADVISORY_CREATE_KEYS.has(k)) throw invalid(k, "is not a permitted key");
    }
    if (r.private) throw new SimHttpError(422, "Security advisories cannot be created on private repositories.");
    if (r.archived) throw new SimHttpError(422, "Repository is archived.");
    if (typeof body.summary !== "string" || body.summary.length === 0) throw invalid("summary", "is missing");
    if (typeof body.description !== "string") throw invalid("description", "is missing");
    if (!options.report && body.vulnerabilities === undefined) throw invalid("vulnerabilities", "is missing");
    if (body.severity != null && body.cvss_vector_string != null) {
      throw new SimHttpError(422, "You cannot supply both severity and cvss_vector_string.");
    }
    if (body.severity != null && !SEVERITIES.has(body.severity as string)) throw invalid("severity", "is invalid");
    const vector = body.cvss_vector_string === undefined ? null : this.checkCvss(body.cvss_vector_string);
    const now = this.stamp();
    let ghsa = ghsaId(this.prng);
    while (this.advisories.has(ghsa)) ghsa = ghsaId(this.prng);
    const a: AdvisoryRecord = {
      ghsa_id: ghsa,
      repo: repoKey(owner, repo),
      summary: body.summary,
      description: body.description,
      severity: vector ? severityFromScore(cvssScore(vector)!) : ((body.severity as Severity | undefined) ?? null),
      cvss_vector_string: vector,
      cve_id: (body.cve_id as string | undefined) ?? null,
      author: author ? this.userOrCreate(author).login : null,
      publisher: null,
      state: options.report ? "triage" : "draft",
      created_at: now,
      updated_at: now,
      published_at: null,
      closed_at: null,
      withdrawn_at: null,
      submission: options.report ? { accepted: false } : null,
      vulnerabilities: body.vulnerabilities === undefined ? [] : this.checkVulnerabilities(body.vulnerabilities),
      cwe_ids: Array.isArray(body.cwe_ids) ? (body.cwe_ids as string[]) : [],
      credits: body.credits == null ? [] : this.checkCredits(body.credits),
      collaborating_users: [],
      collaborating_teams: [],
      private_fork: null,
      forkPending: null,
      cveRequested: false,
      seq: ++this.advisorySeq,
    };
    if (options.report && author) a.credits = [{ login: a.author!, type: "reporter" }];
    this.advisories.set(ghsa, a);
    if (body.start_private_fork === true) this.requestFork(a);
    return a;
  }

  /** PATCH semantics of GitHub's repository advisory update. Returns true when published by this call. */
  updateAdvisory(a: AdvisoryRecord, patch: Record<string, unknown>, actor: string): { published: boolean } {
    for (const k of Object.keys(patch)) if (!ADVISORY_UPDATE_KEYS.has(k)) throw invalid(k, "is not a permitted key");
    const next = structuredClone({ ...a, forkPending: null });
    let published = false;
    if (patch.severity != null && patch.cvss_vector_string != null) {
      throw new SimHttpError(422, "You cannot supply both severity and cvss_vector_string.");
    }
    if ("summary" in patch) {
      if (typeof patch.summary !== "string" || !patch.summary) throw invalid("summary", "is invalid");
      next.summary = patch.summary;
    }
    if ("description" in patch) {
      if (typeof patch.description !== "string") throw invalid("description", "is invalid");
      next.description = patch.description;
    }
    if ("cve_id" in patch) next.cve_id = (patch.cve_id as string | null) ?? null;
    if ("vulnerabilities" in patch) next.vulnerabilities = this.checkVulnerabilities(patch.vulnerabilities);
    if ("cwe_ids" in patch) next.cwe_ids = (patch.cwe_ids as string[] | null) ?? [];
    if ("credits" in patch) next.credits = patch.credits == null ? [] : this.checkCredits(patch.credits);
    if ("cvss_vector_string" in patch) {
      next.cvss_vector_string = this.checkCvss(patch.cvss_vector_string);
      if (next.cvss_vector_string) next.severity = severityFromScore(cvssScore(next.cvss_vector_string)!);
    }
    if ("severity" in patch) {
      if (patch.severity !== null && !SEVERITIES.has(patch.severity as string)) throw invalid("severity", "is invalid");
      if (next.cvss_vector_string && patch.severity !== null) {
        throw new SimHttpError(422, "Cannot update severity when a CVSS vector string is set.");
      }
      next.severity = (patch.severity as Severity | null) ?? null;
    }
    if ("collaborating_users" in patch) {
      const logins = patch.collaborating_users;
      if (logins !== null && !Array.isArray(logins)) throw invalid("collaborating_users", "must be an array");
      const out: string[] = [];
      for (const login of (logins as string[] | null) ?? []) {
        const u = this.users.get(lower(String(login)));
        if (!u || u.type === "Organization") throw invalid("collaborating_users", `user ${login} does not exist`);
        if (!out.some((x) => lower(x) === lower(u.login))) out.push(u.login);
      }
      next.collaborating_users = out;
    }
    if ("collaborating_teams" in patch) {
      const slugs = patch.collaborating_teams;
      if (slugs !== null && !Array.isArray(slugs)) throw invalid("collaborating_teams", "must be an array");
      const owner = this.repoByKey(a.repo).owner;
      const out: string[] = [];
      for (const slug of (slugs as string[] | null) ?? []) {
        const t = this.teams.get(`${lower(owner)}/${lower(String(slug))}`);
        if (!t) throw invalid("collaborating_teams", `team ${slug} does not exist`);
        if (!out.includes(t.slug)) out.push(t.slug);
      }
      next.collaborating_teams = out;
    }
    if ("state" in patch && patch.state !== a.state) {
      const to = patch.state;
      if (to !== "draft" && to !== "published" && to !== "closed")
        throw invalid("state", "must be draft, published or closed");
      const from = a.state;
      if (from === "published" || from === "withdrawn") {
        throw new SimHttpError(422, `Invalid state transition from ${from} to ${to}.`);
      }
      if (to === "published" && from === "triage") {
        throw new SimHttpError(422, "A report must be accepted (state: draft) before it is published.");
      }
      const now = this.stamp();
      if (to === "draft") {
        if (from === "triage") next.submission = { accepted: true };
        next.closed_at = null;
      } else if (to === "closed") {
        next.closed_at = now;
      } else if (to === "published") {
        if (next.vulnerabilities.length === 0 || next.vulnerabilities.some((v) => !v.package.name)) {
          throw new SimHttpError(
            422,
            "An advisory needs at least one affected product with a package name to publish.",
          );
        }
        next.published_at = now;
        next.publisher = actor;
        published = true;
      }
      next.state = to;
    }
    const changed =
      JSON.stringify({ ...next, updated_at: "" }) !== JSON.stringify({ ...a, forkPending: null, updated_at: "" });
    const pending = a.forkPending;
    Object.assign(a, next);
    a.forkPending = pending;
    if (published) this.deleteFork(a);
    if (changed) a.updated_at = this.stamp();
    return { published };
  }

  requestFork(a: AdvisoryRecord): RepoRecord {
    if (a.private_fork || a.forkPending) throw new SimHttpError(422, "A temporary private fork already exists.");
    if (a.state === "published" || a.state === "closed" || a.state === "withdrawn") {
      throw new SimHttpError(422, `Cannot create a private fork for a ${a.state} advisory.`);
    }
    const parent = this.repoByKey(a.repo);
    const name = `${parent.name}-${lower(a.ghsa_id)}`;
    const id = this.nextId("repo");
    const now = this.stamp();
    const fork: RepoRecord = {
      ...parent,
      id,
      node_id: nodeId("Repository", id),
      name,
      private: true,
      visibility: "private",
      files: new Map(parent.files),
      collaborators: new Map(),
      created_at: now,
      updated_at: now,
      pushed_at: now,
      fork: true,
      advisoryFork: a.ghsa_id,
      nextNumber: 1,
    };
    const key = repoKey(parent.owner, name);
    this.forks.set(key, fork);
    a.forkPending = { repo: key, readsLeft: this.forkDelayReads };
    if (this.forkDelayReads <= 0) this.materializeFork(a);
    return fork;
  }

  private materializeFork(a: AdvisoryRecord): void {
    if (!a.forkPending) return;
    a.private_fork = a.forkPending.repo;
    a.forkPending = null;
    a.updated_at = this.stamp();
  }

  /** Called whenever an advisory is served by a GET: pending forks count down and appear. */
  noteAdvisoryRead(a: AdvisoryRecord): void {
    if (!a.forkPending) return;
    if (a.forkPending.readsLeft <= 0) this.materializeFork(a);
    else a.forkPending.readsLeft -= 1;
  }

  /** Advance simulated background work: every pending private fork appears. */
  tick(): void {
    for (const a of this.advisories.values()) this.materializeFork(a);
  }

  private deleteFork(a: AdvisoryRecord): void {
    const key = a.private_fork ?? a.forkPending?.repo;
    if (key) this.forks.delete(key);
    a.private_fork = null;
    a.forkPending = null;
  }

  requestCve(a: AdvisoryRecord): void {
    const repo = this.repoByKey(a.repo);
    if (repo.private) throw new SimHttpError(422, "CVEs can only be requested for public repositories.");
    if (a.cve_id || a.cveRequested) throw new SimHttpError(422, "A CVE has already been requested for this advisory.");
    if (a.state !== "draft") throw new SimHttpError(422, "A CVE can only be requested for a draft advisory.");
    a.cveRequested = true;
    a.updated_at = this.stamp();
  }

  // ---------------------------------------------------------------- releases

  createRelease(
    owner: string,
    repo: string,
    input: { tag_name: string; name?: string; body?: string; prerelease?: boolean; draft: boolean; author: string },
  ): ReleaseRecord {
    const r = this.repo(owner, repo);
    const key = repoKey(owner, repo);
    for (const rel of this.releases.values()) {
      if (rel.repo === key && rel.tag_name === input.tag_name && !rel.draft)
        throw invalid("tag_name", "already exists");
    }
    const id = this.nextId("release");
    const now = this.stamp();
    const rel: ReleaseRecord = {
      id,
      node_id: nodeId("Release", id),
      repo: key,
      tag_name: input.tag_name,
      name: input.name ?? input.tag_name,
      body: input.body ?? null,
      draft: input.draft,
      prerelease: input.prerelease ?? false,
      author: this.userOrCreate(input.author).login,
      created_at: now,
      published_at: input.draft ? null : now,
      target_commitish: r.default_branch,
    };
    this.releases.set(id, rel);
    return rel;
  }

  // ---------------------------------------------------------------- issues

  assertWritable(repo: RepoRecord): void {
    if (repo.archived) throw new SimHttpError(403, "Repository was archived so is read-only.");
  }

  ensureLabel(repo: RepoRecord, name: string, color = "ededed", description: string | null = null): LabelRecord {
    const key = repoKey(repo.owner, repo.name);
    for (const l of this.labels.values()) if (l.repo === key && lower(l.name) === lower(name)) return l;
    const id = this.nextId("label");
    const label: LabelRecord = {
      id,
      node_id: nodeId("Label", id),
      repo: key,
      name,
      color,
      description,
      default: false,
    };
    this.labels.set(id, label);
    return label;
  }

  repoLabels(repo: RepoRecord): LabelRecord[] {
    const key = repoKey(repo.owner, repo.name);
    return [...this.labels.values()].filter((l) => l.repo === key);
  }

  createIssue(
    owner: string,
    repo: string,
    user: string,
    input: { title: string; body?: string | null; labels?: string[]; isPull?: boolean },
  ): IssueRecord {
    const r = this.repo(owner, repo);
    this.assertWritable(r);
    const id = this.nextId("issue");
    const now = this.stamp();
    const labels = (input.labels ?? []).map((l) => this.ensureLabel(r, l).name);
    const issue: IssueRecord = {
      id,
      node_id: nodeId(input.isPull ? "PullRequest" : "Issue", id),
      repo: repoKey(owner, repo),
      number: r.nextNumber++,
      title: input.title,
      body: input.body ?? null,
      state: "open",
      state_reason: null,
      labels,
      user: this.userOrCreate(user).login,
      created_at: now,
      updated_at: now,
      closed_at: null,
      isPull: input.isPull ?? false,
      pinned: false,
      locked: false,
    };
    this.issues.set(id, issue);
    return issue;
  }

  updateIssue(issue: IssueRecord, patch: Record<string, unknown>): void {
    const repo = this.repoByKey(issue.repo);
    this.assertWritable(repo);
    if ("title" in patch) {
      if (typeof patch.title !== "string" || !patch.title) throw invalid("title", "is invalid");
      issue.title = patch.title;
    }
    if ("body" in patch) issue.body = (patch.body as string | null) ?? null;
    if ("labels" in patch) {
      issue.labels = ((patch.labels as (string | { name: string })[] | null) ?? []).map(
        (l) => this.ensureLabel(repo, typeof l === "string" ? l : l.name).name,
      );
    }
    if ("state" in patch && patch.state !== issue.state) {
      if (patch.state !== "open" && patch.state !== "closed") throw invalid("state", "is invalid");
      issue.state = patch.state;
      if (patch.state === "closed") {
        issue.closed_at = this.stamp();
        issue.state_reason = (patch.state_reason as IssueRecord["state_reason"]) ?? "completed";
      } else {
        issue.closed_at = null;
        issue.state_reason = "reopened";
      }
    } else if ("state_reason" in patch && issue.state === "closed") {
      issue.state_reason = (patch.state_reason as IssueRecord["state_reason"]) ?? null;
    }
    issue.updated_at = this.stamp();
  }

  issueComments(issue: IssueRecord): CommentRecord[] {
    return [...this.comments.values()].filter((c) => c.issueId === issue.id);
  }

  createComment(issue: IssueRecord, user: string, body: string): CommentRecord {
    this.assertWritable(this.repoByKey(issue.repo));
    const id = this.nextId("comment");
    const now = this.stamp();
    const c: CommentRecord = {
      id,
      node_id: nodeId("IssueComment", id),
      issueId: issue.id,
      body,
      user: this.userOrCreate(user).login,
      created_at: now,
      updated_at: now,
    };
    this.comments.set(id, c);
    issue.updated_at = now;
    return c;
  }

  editComment(c: CommentRecord, body: string): string {
    const from = c.body;
    c.body = body;
    c.updated_at = this.stamp();
    return from;
  }

  addReaction(
    c: CommentRecord,
    user: string,
    content: ReactionContent,
  ): { reaction: ReactionRecord; created: boolean } {
    const u = this.userOrCreate(user);
    for (const r of this.reactions.values()) {
      if (r.commentId === c.id && r.content === content && lower(r.user) === lower(u.login)) {
        return { reaction: r, created: false };
      }
    }
    const id = this.nextId("reaction");
    const reaction: ReactionRecord = {
      id,
      node_id: nodeId("Reaction", id),
      commentId: c.id,
      user: u.login,
      content,
      created_at: this.stamp(),
    };
    this.reactions.set(id, reaction);
    return { reaction, created: true };
  }

  transferIssue(issue: IssueRecord, target: RepoRecord, createLabelsIfMissing: boolean): IssueRecord {
    const source = this.repoByKey(issue.repo);
    if (lower(source.owner) !== lower(target.owner)) {
      throw new SimHttpError(422, "Issues can only be transferred within the same owner.");
    }
    if (source.private && !target.private) {
      throw new SimHttpError(422, "Issues cannot be transferred from a private repository to a public one.");
    }
    if (issue.isPull) throw new SimHttpError(422, "Pull requests cannot be transferred.");
    this.assertWritable(target);
    this.transferred.set(`${issue.repo}#${issue.number}`, issue.id);
    const targetLabels = new Set(this.repoLabels(target).map((l) => lower(l.name)));
    issue.labels = createLabelsIfMissing
      ? issue.labels.map((l) => this.ensureLabel(target, l).name)
      : issue.labels.filter((l) => targetLabels.has(lower(l)));
    issue.repo = repoKey(target.owner, target.name);
    issue.number = target.nextNumber++;
    issue.pinned = false;
    issue.updated_at = this.stamp();
    return issue;
  }

  // ---------------------------------------------------------------- inspection (plain data)

  listAdvisories(owner?: string, repo?: string): AdvisoryRecord[] {
    const key = owner && repo ? repoKey(owner, repo) : null;
    return [...this.advisories.values()]
      .filter((a) => (key ? a.repo === key : owner ? a.repo.startsWith(`${lower(owner)}/`) : true))
      .map((a) => structuredClone(a));
  }

  getAdvisory(ghsa: string): AdvisoryRecord | undefined {
    const a = [...this.advisories.values()].find((x) => lower(x.ghsa_id) === lower(ghsa));
    return a ? structuredClone(a) : undefined;
  }

  listIssues(owner: string, repo: string): (IssueRecord & { comments: CommentRecord[] })[] {
    const key = repoKey(owner, repo);
    return [...this.issues.values()]
      .filter((i) => i.repo === key)
      .sort((a, b) => a.number - b.number)
      .map((i) => ({ ...structuredClone(i), comments: this.issueComments(i).map((c) => structuredClone(c)) }));
  }

  listComments(owner: string, repo: string, number: number): CommentRecord[] {
    return this.issueComments(this.issue(owner, repo, number)).map((c) => structuredClone(c));
  }

  listReleases(owner: string, repo: string): ReleaseRecord[] {
    const key = repoKey(owner, repo);
    return [...this.releases.values()].filter((r) => r.repo === key).map((r) => structuredClone(r));
  }

  listReactions(commentId: number): ReactionRecord[] {
    return [...this.reactions.values()].filter((r) => r.commentId === commentId).map((r) => structuredClone(r));
  }

  listLabels(owner: string, repo: string): LabelRecord[] {
    return this.repoLabels(this.repo(owner, repo)).map((l) => structuredClone(l));
  }

  teamMembers(org: string, slug: string): string[] {
    return [...this.team(org, slug).members.values()].map((m) => m.login);
  }

  /** A short content hash, e.g. for blob shas. */
  /** Git's id of a tree listing (`mode name\0id` entries), so a tree's oid changes with its content. */
  static treeSha(entries: Array<{ name: string; oid: string; type: "blob" | "tree" }>): string {
    const body = entries.map((e) => `${e.type === "tree" ? "40000" : "100644"} ${e.name}\0${e.oid}`).join("");
    return createHash("sha1")
      .update(`tree ${Buffer.byteLength(body)}\0${body}`)
      .digest("hex");
  }

  /**
   * The entries of the folder `dir` ("" = the root) of a repository's default branch, derived from its
   * files; null when no file lies under it.
   */
  static treeEntries(
    files: Map<string, string>,
    dir: string,
  ): Array<{ name: string; path: string; type: "blob" | "tree"; oid: string; text: string | null }> | null {
    const prefix = dir === "" ? "" : `${dir}/`;
    const names = new Map<string, "blob" | "tree">();
    for (const path of files.keys()) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const slash = rest.indexOf("/");
      names.set(slash === -1 ? rest : rest.slice(0, slash), slash === -1 ? "blob" : "tree");
    }
    if (names.size === 0) return null;
    return [...names.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, type]) => {
        const path = `${prefix}${name}`;
        if (type === "blob") {
          const text = files.get(path) ?? "";
          return { name, path, type, oid: World.blobSha(text), text };
        }
        const inner = World.treeEntries(files, path) ?? [];
        return { name, path, type, oid: World.treeSha(inner), text: null };
      });
  }

  static blobSha(text: string): string {
    return createHash("sha1")
      .update(`blob ${Buffer.byteLength(text)}\0${text}`)
      .digest("hex");
  }
}

function invalid(field: string, message: string): SimHttpError {
  return new SimHttpError(422, "Validation Failed", [{ resource: "Advisory", field, code: "invalid", message }]);
}

export const DEFAULT_PERMISSIONS: Record<string, string> = {
  repository_advisories: "write",
  administration: "write",
  contents: "write",
  issues: "write",
  pull_requests: "write",
  metadata: "read",
  members: "read",
};

export const DEFAULT_EVENTS = [
  "repository_advisory",
  "release",
  "pull_request",
  "push",
  "issues",
  "issue_comment",
  "repository",
  "membership",
  "team",
  "organization",
  "member",
];
