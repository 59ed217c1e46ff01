/**
 * Embedded, in-memory GitHub simulator served over real HTTP on loopback. Used by `npm run demo` and
 * by end-to-end tests: the app talks to it through Octokit (`baseUrl = sim.url`), and it sends signed
 * webhooks to the app. Not part of the production build.
 */

import { registerGraphql } from "./graphql.js";
import {
  type ArrivingRequest,
  type FaultOptions,
  HttpCore,
  type RecordedRequest,
  type Refusal,
  type RefusalAnswer,
} from "./http.js";
import { Repr } from "./repr.js";
import { type ApiWriteHooks, registerRoutes } from "./routes.js";
import { type Delivery, type DeliveryResult, Webhooks } from "./webhooks.js";
import {
  type AdvisoryRecord,
  type Permission,
  type SeedRepo,
  type Severity,
  type VulnerabilityInput,
  World,
} from "./world.js";

export type {
  ArrivingRequest,
  FaultKind,
  FaultOptions,
  RecordedRequest,
  Refusal,
  RefusalAnswer,
  TokenInfo,
} from "./http.js";
export type { Delivery, DeliveryResult } from "./webhooks.js";
export type {
  AdvisoryRecord,
  AdvisoryState,
  CommentRecord,
  InstallationRecord,
  IssueRecord,
  LabelRecord,
  Permission,
  ReactionRecord,
  ReleaseRecord,
  RepoRecord,
  SeedRepo,
  Severity,
  TeamRecord,
  UserRecord,
  VulnerabilityInput,
} from "./world.js";
export { DEFAULT_EVENTS, DEFAULT_PERMISSIONS, SimHttpError, World } from "./world.js";

export interface SimulatorOptions {
  /** seed of every generated id, token, GHSA id, delivery id and fault decision (default 1) */
  seed?: number;
  faults?: FaultOptions;
  /** where to POST webhooks, and the secret to sign them with */
  webhook?: { url: string; secret: string };
  /**
   * How many GETs of an advisory still show `private_fork: null` after a fork was requested
   * (default 1: the first read after the request shows no fork, the next one shows it).
   * `world.tick()` / `sim.tick()` makes every pending fork appear at once.
   */
  forkDelayReads?: number;
  /**
   * Send the webhooks GitHub sends for the app's own writes (`issues.opened`, `issues.closed`,
   * `issue_comment.created`, `repository_advisory.published`), in the background (default true).
   */
  webhooksForApiWrites?: boolean;
  /** clock for timestamps (default: real time) */
  now?: () => Date;
}

export interface RequestCounts {
  total: number;
  reads: number;
  writes: number;
  graphql: number;
  notModified: number;
}

export interface AdvisoryFields {
  summary?: string;
  description?: string;
  severity?: Severity | null;
  cvss_vector_string?: string | null;
  vulnerabilities?: VulnerabilityInput[];
  cwe_ids?: string[];
  cve_id?: string | null;
}

export interface Simulator {
  /** the Octokit baseUrl, e.g. http://127.0.0.1:PORT; GraphQL at `${url}/graphql` */
  readonly url: string;
  readonly world: SimWorld;
  /** every HTTP request the app made, in order */
  readonly requests: RecordedRequest[];
  /** requests that matched no implemented route (answered 404) */
  readonly unknownRoutes: RecordedRequest[];
  readonly deliveries: Delivery[];
  resetRequests(): void;
  counts(requests?: RecordedRequest[]): RequestCounts;
  setFaults(faults: FaultOptions | null): void;
  /**
   * The next `times` (default 1) requests of the app that `match` accepts fail with 502, with the rate
   * limit `refusal` names, or with `refusal` as a status and message GitHub could give (token requests
   * never do).
   */
  failNext(match: (request: ArrivingRequest) => boolean, times?: number, refusal?: Refusal | RefusalAnswer): void;
  setWebhookTarget(target: { url: string; secret: string } | null): void;
  /** an installation token for tests (same as POST /app/installations/{id}/access_tokens) */
  createToken(installationId: number, permissions?: Record<string, string>): string;
  /** make every pending private fork appear */
  tick(): void;
  /** wait until background webhook deliveries have been answered */
  idle(): Promise<void>;
  close(): Promise<void>;

  // user-side actions (each emits the webhook GitHub would send, awaited)
  reportVulnerability(
    owner: string,
    repo: string,
    report: AdvisoryFields & { reporter: string; summary: string; description: string },
  ): Promise<DeliveryResult & { ghsa_id: string }>;
  createAdvisoryByHand(owner: string, repo: string, actor: string, fields: AdvisoryFields): AdvisoryRecord;
  editAdvisoryByHand(
    owner: string,
    repo: string,
    ghsa: string,
    actor: string,
    patch: Record<string, unknown>,
  ): Promise<AdvisoryRecord>;
  publishRelease(
    owner: string,
    repo: string,
    release: { tag_name: string; name?: string; body?: string; prerelease?: boolean; author: string },
  ): Promise<{ release_id: number; deliveries: DeliveryResult[] }>;
  createDraftRelease(
    owner: string,
    repo: string,
    release: { tag_name: string; name?: string; body?: string; prerelease?: boolean; author: string },
  ): Promise<{ release_id: number; deliveries: DeliveryResult[] }>;
  publishDraftRelease(id: number, actor?: string): Promise<{ release_id: number; deliveries: DeliveryResult[] }>;
  /** A published prerelease changed to a full release: GitHub sends `release.edited`, then `release.released`. */
  promoteRelease(id: number, actor?: string): Promise<{ release_id: number; deliveries: DeliveryResult[] }>;
  push(
    owner: string,
    repo: string,
    push: { pusher: string; files: Record<string, string | null>; message: string },
  ): Promise<DeliveryResult & { sha: string }>;
  openIssue(
    owner: string,
    repo: string,
    user: string,
    issue: { title: string; body?: string; labels?: string[] },
  ): Promise<DeliveryResult & { number: number }>;
  openPullRequest(
    owner: string,
    repo: string,
    user: string,
    pr: { title: string; body?: string },
  ): Promise<DeliveryResult & { number: number }>;
  comment(
    owner: string,
    repo: string,
    issueNumber: number,
    user: string,
    body: string,
  ): Promise<DeliveryResult & { comment_id: number }>;
  editComment(owner: string, repo: string, commentId: number, user: string, body: string): Promise<DeliveryResult>;
  archive(owner: string, repo: string, actor?: string): Promise<DeliveryResult>;
  unarchive(owner: string, repo: string, actor?: string): Promise<DeliveryResult>;
  addTeamMember(org: string, slug: string, user: string, actor?: string): Promise<DeliveryResult>;
  removeTeamMember(org: string, slug: string, user: string, actor?: string): Promise<DeliveryResult>;
  /** deliver an arbitrary payload (installation added from organization/repository if absent) */
  deliver(event: string, payload: Record<string, unknown>): Promise<DeliveryResult>;
  /** send a recorded delivery again, with the same delivery id */
  redeliver(id: string): Promise<DeliveryResult>;
}

/** The world with typed seeding helpers. */
export interface SimWorld extends World {
  seedOrg(
    login: string,
    seed?: {
      members?: string[];
      admins?: string[];
      repos?: SeedRepo[];
      teams?: Record<string, string[]>;
      installation?: { id?: number; permissions?: Record<string, string>; events?: string[] };
    },
  ): { installationId: number | null };
  collaborator(owner: string, repo: string, login: string, permission: Permission): void;
}

export async function createSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1;
  const world = new World({
    seed,
    forkDelayReads: options.forkDelayReads ?? 1,
    now: options.now ?? (() => new Date()),
  }) as SimWorld;
  world.seedOrg = (login, s = {}) => {
    world.createOrg(login);
    for (const m of s.members ?? []) world.addOrgMember(login, m, "member");
    for (const m of s.admins ?? []) world.addOrgMember(login, m, "admin");
    for (const r of s.repos ?? []) world.createRepo(login, r);
    for (const [slug, members] of Object.entries(s.teams ?? {})) world.createTeam(login, slug, { members });
    const inst = s.installation ? world.createInstallation(login, s.installation) : null;
    return { installationId: inst?.id ?? null };
  };
  world.collaborator = (owner, repo, login, permission) => world.setCollaborator(owner, repo, login, permission);

  const core = new HttpCore(seed);
  if (options.faults) core.setFaults(options.faults);
  const url = await core.listen();
  const repr = new Repr(world, url);
  const hooks = new Webhooks(world, repr, seed, options.webhook ?? null);
  hooks.dropRate = options.faults?.dropWebhooks ?? 0;
  const apiWebhooks = options.webhooksForApiWrites ?? true;
  const botLogin = () => `${world.app.slug}[bot]`;
  const ensureBot = () => world.createUser(botLogin(), { type: "Bot" }).login;

  const writeHooks: ApiWriteHooks = {
    advisoryPublished: (a) => apiWebhooks && hooks.background(...hooks.advisory("published", a, ensureBot())),
    issueOpened: (i) => apiWebhooks && hooks.background(...hooks.issue("opened", i, ensureBot())),
    issueClosed: (i) => apiWebhooks && hooks.background(...hooks.issue("closed", i, ensureBot())),
    commentCreated: (id) => apiWebhooks && hooks.background(...hooks.comment("created", id, ensureBot())),
  };
  registerRoutes(core, world, repr, writeHooks, seed);
  registerGraphql(core, world, repr);

  const send = (pair: [string, Record<string, unknown>]) => hooks.deliver(pair[0], pair[1]);

  const releaseDeliveries = async (releaseId: number, actor: string, created: boolean, published: boolean) => {
    const rel = world.releases.get(releaseId)!;
    const out: DeliveryResult[] = [];
    if (created) out.push(await send(hooks.release("created", rel, actor)));
    if (published) {
      out.push(await send(hooks.release("published", rel, actor)));
      if (!rel.prerelease) out.push(await send(hooks.release("released", rel, actor)));
    }
    return out;
  };

  const sim: Simulator = {
    url,
    world,
    requests: core.requests,
    unknownRoutes: core.unknownRoutes,
    deliveries: hooks.deliveries,
    resetRequests: () => core.resetRequests(),
    counts(requests = core.requests) {
      const c: RequestCounts = { total: 0, reads: 0, writes: 0, graphql: 0, notModified: 0 };
      for (const r of requests) {
        c.total += 1;
        if (r.status === 304) c.notModified += 1;
        if (r.path === "/graphql") c.graphql += 1;
        else if (r.method === "GET" || r.method === "HEAD") c.reads += 1;
        else c.writes += 1;
      }
      return c;
    },
    failNext(match, times = 1, refusal) {
      core.failNext(match, times, refusal);
    },
    setFaults(faults) {
      core.setFaults(faults);
      hooks.dropRate = faults?.dropWebhooks ?? 0;
    },
    setWebhookTarget(target) {
      hooks.target = target;
    },
    createToken(installationId, permissions) {
      const inst = world.installations.get(installationId);
      if (!inst) throw new Error(`no installation ${installationId}`);
      const token = `ghs_test${installationId}_${core.tokens.size}`;
      core.tokens.set(token, {
        token,
        installationId,
        permissions: permissions ?? { ...inst.permissions },
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      });
      return token;
    },
    tick: () => world.tick(),
    idle: () => hooks.idle(),
    async close() {
      await hooks.idle();
      await core.close();
    },

    async reportVulnerability(owner, repo, report) {
      const { reporter, ...fields } = report;
      world.userOrCreate(reporter);
      const a = world.createAdvisory(owner, repo, reporter, { ...fields }, { report: true });
      const res = await send(hooks.advisory("reported", a, reporter));
      return { ...res, ghsa_id: a.ghsa_id };
    },
    createAdvisoryByHand(owner, repo, actor, fields) {
      const a = world.createAdvisory(owner, repo, actor, {
        summary: fields.summary ?? "Untitled advisory",
        description: fields.description ?? "",
        vulnerabilities: fields.vulnerabilities ?? [],
        ...(fields.severity !== undefined ? { severity: fields.severity } : {}),
        ...(fields.cvss_vector_string !== undefined ? { cvss_vector_string: fields.cvss_vector_string } : {}),
        ...(fields.cwe_ids ? { cwe_ids: fields.cwe_ids } : {}),
        ...(fields.cve_id !== undefined ? { cve_id: fields.cve_id } : {}),
      });
      return structuredClone(a);
    },
    async editAdvisoryByHand(owner, repo, ghsa, actor, patch) {
      const a = world.advisory(owner, repo, ghsa);
      const { published } = world.updateAdvisory(a, patch, world.userOrCreate(actor).login);
      if (published) await send(hooks.advisory("published", a, actor));
      return structuredClone(a);
    },
    async publishRelease(owner, repo, release) {
      const rel = world.createRelease(owner, repo, { ...release, draft: false });
      return { release_id: rel.id, deliveries: await releaseDeliveries(rel.id, release.author, true, true) };
    },
    async createDraftRelease(owner, repo, release) {
      const rel = world.createRelease(owner, repo, { ...release, draft: true });
      return { release_id: rel.id, deliveries: await releaseDeliveries(rel.id, release.author, true, false) };
    },
    async publishDraftRelease(id, actor) {
      const rel = world.releases.get(id);
      if (!rel) throw new Error(`no release ${id}`);
      if (!rel.draft) throw new Error(`release ${id} is not a draft`);
      rel.draft = false;
      rel.published_at = world.stamp();
      return { release_id: id, deliveries: await releaseDeliveries(id, actor ?? rel.author, false, true) };
    },
    async promoteRelease(id, actor) {
      const rel = world.releases.get(id);
      if (!rel) throw new Error(`no release ${id}`);
      if (rel.draft || !rel.prerelease) throw new Error(`release ${id} is not a published prerelease`);
      rel.prerelease = false;
      const by = actor ?? rel.author;
      const edited = hooks.release("edited", rel, by);
      (edited[1] as Record<string, unknown>).changes = {};
      const deliveries = [await send(edited), await send(hooks.release("released", rel, by))];
      return { release_id: id, deliveries };
    },
    async push(owner, repo, p) {
      const r = world.repo(owner, repo);
      const changes = { added: [] as string[], modified: [] as string[], removed: [] as string[] };
      for (const [path, text] of Object.entries(p.files)) {
        if (text === null) {
          if (r.files.delete(path)) changes.removed.push(path);
        } else {
          (r.files.has(path) ? changes.modified : changes.added).push(path);
          r.files.set(path, text);
        }
      }
      const before = r.headSha;
      r.headSha = world.sha();
      const ts = world.stamp();
      r.pushed_at = ts;
      r.updated_at = ts;
      const res = await send(hooks.push(r, p.pusher, before, r.headSha, p.message, changes, ts));
      return { ...res, sha: r.headSha };
    },
    async openIssue(owner, repo, user, issue) {
      const i = world.createIssue(owner, repo, user, issue);
      const res = await send(hooks.issue("opened", i, user));
      return { ...res, number: i.number };
    },
    async openPullRequest(owner, repo, user, pr) {
      const i = world.createIssue(owner, repo, user, { ...pr, isPull: true });
      const res = await send(hooks.pullRequest("opened", i, user));
      return { ...res, number: i.number };
    },
    async comment(owner, repo, issueNumber, user, body) {
      const c = world.createComment(world.issue(owner, repo, issueNumber), user, body);
      const res = await send(hooks.comment("created", c.id, user));
      return { ...res, comment_id: c.id };
    },
    async editComment(owner, repo, commentId, user, body) {
      const c = world.comment(owner, repo, commentId);
      const from = world.editComment(c, body);
      return send(hooks.comment("edited", c.id, user, { changes: { body: { from } } }));
    },
    async archive(owner, repo, actor) {
      const r = world.repo(owner, repo);
      r.archived = true;
      r.updated_at = world.stamp();
      return send(hooks.repository("archived", r, actor ?? firstAdmin(owner)));
    },
    async unarchive(owner, repo, actor) {
      const r = world.repo(owner, repo);
      r.archived = false;
      r.updated_at = world.stamp();
      return send(hooks.repository("unarchived", r, actor ?? firstAdmin(owner)));
    },
    async addTeamMember(org, slug, user, actor) {
      world.setTeamMember(org, slug, user);
      return send(hooks.membership("added", world.team(org, slug), user, actor ?? firstAdmin(org)));
    },
    async removeTeamMember(org, slug, user, actor) {
      world.deleteTeamMember(org, slug, user);
      return send(hooks.membership("removed", world.team(org, slug), user, actor ?? firstAdmin(org)));
    },
    deliver: (event, payload) => hooks.deliver(event, payload),
    redeliver: (id) => hooks.redeliver(id),
  };

  function firstAdmin(org: string): string {
    const o = world.org(org);
    for (const m of o.members.values()) if (m.role === "admin") return m.login;
    return o.login;
  }

  ensureBot();
  return sim;
}
