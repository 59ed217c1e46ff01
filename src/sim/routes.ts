/** REST routes of the simulator, with GitHub's semantics for the operations the app uses. */
import type { HttpCore, Reply, RequestContext, TokenInfo } from "./http.js";
import { Prng } from "./prng.js";
import type { Repr } from "./repr.js";
import {
  type AdvisoryRecord,
  type IssueRecord,
  type ReactionContent,
  type RepoRecord,
  repoKey,
  SimHttpError,
  type World,
} from "./world.js";

/** Hooks the routes call after writes that make GitHub send a webhook. */
export interface ApiWriteHooks {
  advisoryPublished(a: AdvisoryRecord): void;
  issueOpened(issue: IssueRecord): void;
  issueClosed(issue: IssueRecord): void;
  commentCreated(commentId: number): void;
}

const FORBIDDEN = "Resource not accessible by integration";
const ORDER = ["none", "read", "write", "admin"];

export function hasPermission(token: TokenInfo, name: string, level: "read" | "write" | "admin"): boolean {
  const have = token.permissions[name] ?? "none";
  return ORDER.indexOf(have) >= ORDER.indexOf(level);
}

function need(ctx: RequestContext, name: string, level: "read" | "write" | "admin"): void {
  if (!ctx.token || !hasPermission(ctx.token, name, level)) throw new SimHttpError(403, FORBIDDEN);
}

function intParam(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) ? n : fallback;
}

function missing(resource: string, field: string): SimHttpError {
  return new SimHttpError(422, "Validation Failed", [{ resource, field, code: "missing_field" }]);
}

/** Page-number pagination with a Link header, like most GitHub list endpoints. */
export function pagePaginate<T>(ctx: RequestContext, items: T[]): { items: T[]; headers: Record<string, string> } {
  const perPage = Math.min(Math.max(intParam(ctx.query.per_page, 30), 1), 100);
  const page = Math.max(intParam(ctx.query.page, 1), 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = (p: number) => {
    const q = new URLSearchParams({ ...ctx.query, per_page: String(perPage), page: String(p) });
    return `${ctx.api}${ctx.path}?${q.toString()}`;
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${link(page - 1)}>; rel="prev"`);
  if (page < last) rels.push(`<${link(page + 1)}>; rel="next"`, `<${link(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${link(1)}>; rel="first"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    headers: rels.length ? { link: rels.join(", ") } : {},
  };
}

const cursorOf = (ghsa: string) => Buffer.from(`Y3Vyc29y:v2:${ghsa}`).toString("base64url");
const ghsaOfCursor = (cursor: string) => {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  if (!text.startsWith("Y3Vyc29y:v2:")) throw new SimHttpError(400, "Invalid cursor");
  return text.slice("Y3Vyc29y:v2:".length);
};

export function registerRoutes(core: HttpCore, world: World, repr: Repr, hooks: ApiWriteHooks, seed: number): void {
  const tokenPrng = new Prng(seed ^ 0x70c3);
  const botLogin = () => `${world.app.slug}[bot]`;
  const bot = () => world.userOrCreate(botLogin()) && botLogin();
  const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
    status,
    body,
    ...(headers ? { headers } : {}),
  });

  /** The repository, visible to this installation (temporary private forks are not). */
  const repoFor = (ctx: RequestContext): RepoRecord => {
    const { owner, repo } = ctx.params;
    const r = world.repo(owner!, repo!);
    const inst = world.installations.get(ctx.token!.installationId);
    if (!inst || inst.account.toLowerCase() !== r.owner.toLowerCase()) throw new SimHttpError(404, "Not Found");
    need(ctx, "metadata", "read");
    return r;
  };
  const orgFor = (ctx: RequestContext) => {
    const o = world.org(ctx.params.org!);
    const inst = world.installations.get(ctx.token!.installationId);
    if (!inst || inst.account.toLowerCase() !== o.login.toLowerCase()) throw new SimHttpError(404, "Not Found");
    return o;
  };

  // ------------------------------------------------------------------ app
  core.route("GET", "/app", "jwt", () => json(200, repr.app()));
  core.route("GET", "/app/installations", "jwt", (ctx) => {
    const { items, headers } = pagePaginate(ctx, [...world.installations.values()]);
    return json(
      200,
      items.map((i) => repr.installation(i)),
      headers,
    );
  });
  core.route("POST", "/app/installations/{installation_id}/access_tokens", "jwt", (ctx) => {
    const inst = world.installations.get(intParam(ctx.params.installation_id, -1));
    if (!inst) throw new SimHttpError(404, "Not Found");
    const requested = (ctx.body as { permissions?: Record<string, string> } | undefined)?.permissions;
    let permissions = { ...inst.permissions };
    if (requested) {
      for (const [k, v] of Object.entries(requested)) {
        const have = inst.permissions[k] ?? "none";
        if (ORDER.indexOf(v) > ORDER.indexOf(have)) {
          throw new SimHttpError(422, `The permissions requested are not granted to this installation.`);
        }
      }
      permissions = { ...requested };
    }
    const token = `ghs_${tokenPrng.hex(36)}`;
    const expiresAt = new Date(Date.now() + 3600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
    core.tokens.set(token, { token, installationId: inst.id, permissions, expiresAt });
    return json(201, { token, expires_at: expiresAt, permissions, repository_selection: "all" });
  });
  core.route("GET", "/repos/{owner}/{repo}/installation", "jwt", (ctx) => {
    const r = world.repo(ctx.params.owner!, ctx.params.repo!);
    return json(200, repr.installation(world.installationFor(r.owner)));
  });
  core.route("GET", "/orgs/{org}/installation", "jwt", (ctx) => {
    return json(200, repr.installation(world.installationFor(world.org(ctx.params.org!).login)));
  });

  // ------------------------------------------------------------------ repositories
  const visibleRepos = (owner: string) =>
    [...world.repos.values()].filter((r) => r.owner.toLowerCase() === owner.toLowerCase());

  core.route("GET", "/repos/{owner}/{repo}", "token", (ctx) => json(200, repr.repo(repoFor(ctx))));
  core.route("GET", "/orgs/{org}/repos", "token", (ctx) => {
    const o = orgFor(ctx);
    const type = ctx.query.type ?? "all";
    let repos = visibleRepos(o.login).filter((r) =>
      type === "public" ? !r.private : type === "private" ? r.private : type === "forks" ? r.fork : true,
    );
    const sort = ctx.query.sort ?? "created";
    const dir = ctx.query.direction ?? (sort === "full_name" ? "asc" : "desc");
    repos = repos.sort((a, b) => {
      const key = (r: RepoRecord) =>
        sort === "full_name"
          ? r.name.toLowerCase()
          : sort === "updated"
            ? r.updated_at
            : sort === "pushed"
              ? r.pushed_at
              : r.created_at;
      const c = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id;
      return dir === "asc" ? c : -c;
    });
    const { items, headers } = pagePaginate(ctx, repos);
    return json(
      200,
      items.map((r) => repr.repo(r)),
      headers,
    );
  });
  core.route("GET", "/installation/repositories", "token", (ctx) => {
    const inst = world.installations.get(ctx.token!.installationId)!;
    const all = visibleRepos(inst.account).sort((a, b) => a.id - b.id);
    const { items, headers } = pagePaginate(ctx, all);
    return json(
      200,
      { total_count: all.length, repository_selection: "all", repositories: items.map((r) => repr.repo(r)) },
      headers,
    );
  });
  core.route("GET", "/repos/{owner}/{repo}/private-vulnerability-reporting", "token", (ctx) =>
    json(200, { enabled: repoFor(ctx).privateVulnerabilityReporting }),
  );
  core.route("GET", "/repos/{owner}/{repo}/contents/{path}", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "contents", "read");
    const ref = ctx.query.ref;
    if (ref && ref !== r.default_branch && ref !== `refs/heads/${r.default_branch}` && ref !== r.headSha) {
      throw new SimHttpError(404, `No commit found for the ref ${ref}`);
    }
    const path = ctx.params.path!.replace(/^\/+/, "");
    const text = r.files.get(path);
    if (text === undefined) throw new SimHttpError(404, "Not Found");
    const accept = ctx.headers.accept ?? "";
    if (/application\/vnd\.github(\.v3)?\.raw/.test(accept)) {
      return { status: 200, raw: { text, contentType: "application/vnd.github.raw; charset=utf-8" } };
    }
    return json(200, repr.contentFile(r, path, text));
  });
  core.route("GET", "/repos/{owner}/{repo}/collaborators/{username}/permission", "token", (ctx) => {
    const r = repoFor(ctx);
    const u = world.user(ctx.params.username!);
    const role = world.permissionOf(r.owner, r.name, u.login);
    const permission = role === "maintain" ? "write" : role === "triage" ? "read" : role;
    const flags = {
      admin: role === "admin",
      maintain: role === "admin" || role === "maintain",
      push: ["admin", "maintain", "write"].includes(role),
      triage: ["admin", "maintain", "write", "triage"].includes(role),
      pull: role !== "none",
    };
    return json(200, {
      permission,
      role_name: role,
      user: { ...repr.userRecord(u), permissions: flags, role_name: role },
    });
  });

  // ------------------------------------------------------------------ org & teams
  core.route("GET", "/orgs/{org}/members/{username}", "token", (ctx) => {
    const o = orgFor(ctx);
    need(ctx, "members", "read");
    return { status: o.members.has(ctx.params.username!.toLowerCase()) ? 204 : 404 };
  });
  core.route("GET", "/orgs/{org}/memberships/{username}", "token", (ctx) => {
    const o = orgFor(ctx);
    need(ctx, "members", "read");
    const m = o.members.get(ctx.params.username!.toLowerCase());
    if (!m) throw new SimHttpError(404, "Not Found");
    return json(200, {
      url: `${ctx.api}/orgs/${o.login}/memberships/${m.login}`,
      state: "active",
      role: m.role,
      organization_url: `${ctx.api}/orgs/${o.login}`,
      organization: repr.org(o),
      user: repr.user(m.login),
    });
  });
  core.route("GET", "/orgs/{org}/teams/{team_slug}/members", "token", (ctx) => {
    const o = orgFor(ctx);
    need(ctx, "members", "read");
    const t = world.team(o.login, ctx.params.team_slug!);
    const role = ctx.query.role ?? "all";
    const members = [...t.members.values()]
      .filter((m) => role === "all" || m.role === role)
      .map((m) => world.user(m.login))
      .sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
    const { items, headers } = pagePaginate(ctx, members);
    return json(
      200,
      items.map((u) => repr.userRecord(u)),
      headers,
    );
  });
  core.route("GET", "/orgs/{org}/teams/{team_slug}/memberships/{username}", "token", (ctx) => {
    const o = orgFor(ctx);
    need(ctx, "members", "read");
    const t = world.team(o.login, ctx.params.team_slug!);
    const m = t.members.get(ctx.params.username!.toLowerCase());
    if (!m) throw new SimHttpError(404, "Not Found");
    return json(200, { url: `${repr.team(t).url}/memberships/${m.login}`, role: m.role, state: "active" });
  });
  core.route("DELETE", "/orgs/{org}/teams/{team_slug}/memberships/{username}", "token", (ctx) => {
    const o = orgFor(ctx);
    need(ctx, "members", "write");
    const t = world.team(o.login, ctx.params.team_slug!);
    if (!world.deleteTeamMember(o.login, t.slug, ctx.params.username!)) throw new SimHttpError(404, "Not Found");
    return { status: 204 };
  });

  // ------------------------------------------------------------------ security advisories
  const listAdvisories = (ctx: RequestContext, all: AdvisoryRecord[]): Reply => {
    if (ctx.query.page !== undefined) {
      throw new SimHttpError(400, "Pagination using the `page` parameter is not supported. Use `before` or `after`.");
    }
    const state = ctx.query.state;
    if (state && !["triage", "draft", "published", "closed"].includes(state)) {
      throw new SimHttpError(422, "Validation Failed", [{ field: "state", code: "invalid" }]);
    }
    const sort = ctx.query.sort ?? "created";
    if (!["created", "updated", "published"].includes(sort)) throw new SimHttpError(422, "Invalid sort");
    const direction = ctx.query.direction ?? "desc";
    const perPage = Math.min(Math.max(intParam(ctx.query.per_page, 30), 1), 100);
    const key = (a: AdvisoryRecord) =>
      sort === "updated" ? a.updated_at : sort === "published" ? (a.published_at ?? "") : a.created_at;
    const sorted = all
      .filter((a) => !state || a.state === state)
      .sort((a, b) => {
        const c = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.seq - b.seq;
        return direction === "asc" ? c : -c;
      });
    let start = 0;
    let end = sorted.length;
    if (ctx.query.after) {
      const g = ghsaOfCursor(ctx.query.after);
      const i = sorted.findIndex((a) => a.ghsa_id === g);
      start = i + 1;
      end = Math.min(sorted.length, start + perPage);
    } else if (ctx.query.before) {
      const g = ghsaOfCursor(ctx.query.before);
      const i = sorted.findIndex((a) => a.ghsa_id === g);
      end = Math.max(0, i);
      start = Math.max(0, end - perPage);
    } else {
      end = Math.min(sorted.length, perPage);
    }
    const page = sorted.slice(start, end);
    const link = (k: "after" | "before", ghsa: string) => {
      const q = new URLSearchParams(ctx.query);
      q.delete("after");
      q.delete("before");
      q.set("per_page", String(perPage));
      q.set(k, cursorOf(ghsa));
      return `${ctx.api}${ctx.path}?${q.toString()}`;
    };
    const rels: string[] = [];
    if (end < sorted.length && page.length) rels.push(`<${link("after", page[page.length - 1]!.ghsa_id)}>; rel="next"`);
    if (start > 0 && page.length) rels.push(`<${link("before", page[0]!.ghsa_id)}>; rel="prev"`);
    for (const a of page) world.noteAdvisoryRead(a);
    return json(
      200,
      page.map((a) => repr.advisory(a)),
      rels.length ? { link: rels.join(", ") } : undefined,
    );
  };
  core.route("GET", "/repos/{owner}/{repo}/security-advisories", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "repository_advisories", "read");
    return listAdvisories(
      ctx,
      [...world.advisories.values()].filter((a) => a.repo === repoKey(r.owner, r.name)),
    );
  });
  core.route("GET", "/orgs/{org}/security-advisories", "token", (ctx) => {
    const o = orgFor(ctx);
    need(ctx, "repository_advisories", "write");
    const prefix = `${o.login.toLowerCase()}/`;
    return listAdvisories(
      ctx,
      [...world.advisories.values()].filter((a) => a.repo.startsWith(prefix)),
    );
  });
  core.route("GET", "/repos/{owner}/{repo}/security-advisories/{ghsa_id}", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "repository_advisories", "read");
    const a = world.advisory(r.owner, r.name, ctx.params.ghsa_id!);
    world.noteAdvisoryRead(a);
    return json(200, repr.advisory(a));
  });
  core.route("POST", "/repos/{owner}/{repo}/security-advisories", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "repository_advisories", "write");
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    const a = world.createAdvisory(r.owner, r.name, bot(), body);
    return json(201, repr.advisory(a));
  });
  core.route("PATCH", "/repos/{owner}/{repo}/security-advisories/{ghsa_id}", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "repository_advisories", "write");
    const a = world.advisory(r.owner, r.name, ctx.params.ghsa_id!);
    if (!ctx.body || typeof ctx.body !== "object" || Array.isArray(ctx.body))
      throw new SimHttpError(400, "Problems parsing JSON");
    const { published } = world.updateAdvisory(a, ctx.body as Record<string, unknown>, bot());
    if (published) hooks.advisoryPublished(a);
    return json(200, repr.advisory(a));
  });
  core.route("POST", "/repos/{owner}/{repo}/security-advisories/{ghsa_id}/forks", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "repository_advisories", "read");
    need(ctx, "administration", "write");
    const a = world.advisory(r.owner, r.name, ctx.params.ghsa_id!);
    const fork = world.requestFork(a);
    return json(202, repr.repo(fork));
  });
  core.route("POST", "/repos/{owner}/{repo}/security-advisories/{ghsa_id}/cve", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "repository_advisories", "write");
    world.requestCve(world.advisory(r.owner, r.name, ctx.params.ghsa_id!));
    return json(202, {});
  });

  // ------------------------------------------------------------------ releases
  const canSeeDrafts = (ctx: RequestContext) => hasPermission(ctx.token!, "contents", "write");
  core.route("GET", "/repos/{owner}/{repo}/releases", "token", (ctx) => {
    const r = repoFor(ctx);
    const all = [...world.releases.values()]
      .filter((x) => x.repo === repoKey(r.owner, r.name) && (!x.draft || canSeeDrafts(ctx)))
      .sort((a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id);
    const { items, headers } = pagePaginate(ctx, all);
    return json(
      200,
      items.map((x) => repr.release(x)),
      headers,
    );
  });
  core.route("GET", "/repos/{owner}/{repo}/releases/tags/{tag}", "token", (ctx) => {
    const r = repoFor(ctx);
    const rel = [...world.releases.values()].find(
      (x) => x.repo === repoKey(r.owner, r.name) && x.tag_name === ctx.params.tag && !x.draft,
    );
    if (!rel) throw new SimHttpError(404, "Not Found");
    return json(200, repr.release(rel));
  });
  core.route("GET", "/repos/{owner}/{repo}/releases/{release_id}", "token", (ctx) => {
    const r = repoFor(ctx);
    const rel = world.release(r.owner, r.name, intParam(ctx.params.release_id, -1));
    if (rel.draft && !canSeeDrafts(ctx)) throw new SimHttpError(404, "Not Found");
    return json(200, repr.release(rel));
  });
  core.route("PATCH", "/repos/{owner}/{repo}/releases/{release_id}", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "contents", "write");
    world.assertWritable(r);
    const rel = world.release(r.owner, r.name, intParam(ctx.params.release_id, -1));
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    if (typeof b.body === "string") rel.body = b.body;
    if (typeof b.name === "string") rel.name = b.name;
    if (typeof b.prerelease === "boolean") rel.prerelease = b.prerelease;
    return json(200, repr.release(rel));
  });

  // ------------------------------------------------------------------ issues
  const issueFor = (ctx: RequestContext, r: RepoRecord): IssueRecord =>
    world.issue(r.owner, r.name, intParam(ctx.params.issue_number, -1));
  const issueWrite = (ctx: RequestContext, issue?: IssueRecord) => {
    if (!ctx.token) throw new SimHttpError(403, FORBIDDEN);
    if (hasPermission(ctx.token, "issues", "write")) return;
    if (issue?.isPull && hasPermission(ctx.token, "pull_requests", "write")) return;
    throw new SimHttpError(403, FORBIDDEN);
  };

  core.route("GET", "/repos/{owner}/{repo}/issues", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "issues", "read");
    const state = ctx.query.state ?? "open";
    const labels = (ctx.query.labels ?? "")
      .split(",")
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    const since = ctx.query.since;
    const sort = ctx.query.sort ?? "created";
    const direction = ctx.query.direction ?? "desc";
    const key = repoKey(r.owner, r.name);
    const list = [...world.issues.values()]
      .filter((i) => i.repo === key)
      .filter((i) => state === "all" || i.state === state)
      .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
      .filter((i) => !since || i.updated_at >= since.replace(/\.\d+Z$/, "Z"))
      .sort((a, b) => {
        const k = (i: IssueRecord) =>
          sort === "updated"
            ? i.updated_at
            : sort === "comments"
              ? String(world.issueComments(i).length).padStart(8, "0")
              : i.created_at;
        const c = k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : a.number - b.number;
        return direction === "asc" ? c : -c;
      });
    const { items, headers } = pagePaginate(ctx, list);
    return json(
      200,
      items.map((i) => repr.issue(i)),
      headers,
    );
  });
  core.route("GET", "/repos/{owner}/{repo}/issues/{issue_number}", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "issues", "read");
    return json(200, repr.issue(issueFor(ctx, r)));
  });
  core.route("POST", "/repos/{owner}/{repo}/issues", "token", (ctx) => {
    const r = repoFor(ctx);
    issueWrite(ctx);
    const b = (ctx.body ?? {}) as { title?: unknown; body?: unknown; labels?: unknown };
    if (typeof b.title !== "string" && typeof b.title !== "number") throw missing("Issue", "title");
    if (String(b.title).trim() === "") throw missing("Issue", "title");
    const labels = Array.isArray(b.labels)
      ? b.labels.map((l: string | { name: string }) => (typeof l === "string" ? l : l.name))
      : [];
    const issue = world.createIssue(r.owner, r.name, bot(), {
      title: String(b.title),
      body: typeof b.body === "string" ? b.body : null,
      labels,
    });
    hooks.issueOpened(issue);
    return json(201, repr.issue(issue));
  });
  core.route("PATCH", "/repos/{owner}/{repo}/issues/{issue_number}", "token", (ctx) => {
    const r = repoFor(ctx);
    const issue = issueFor(ctx, r);
    issueWrite(ctx, issue);
    const wasOpen = issue.state === "open";
    const b = (ctx.body ?? {}) as Record<string, unknown>;
    const patch: Record<string, unknown> = {};
    for (const k of ["title", "body", "state", "state_reason", "labels"]) if (k in b) patch[k] = b[k];
    world.updateIssue(issue, patch);
    if (wasOpen && issue.state === "closed") hooks.issueClosed(issue);
    return json(200, repr.issue(issue));
  });
  core.route("GET", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "issues", "read");
    const since = ctx.query.since;
    const list = world
      .issueComments(issueFor(ctx, r))
      .filter((c) => !since || c.updated_at >= since.replace(/\.\d+Z$/, "Z"))
      .sort((a, b) => a.id - b.id);
    const { items, headers } = pagePaginate(ctx, list);
    return json(
      200,
      items.map((c) => repr.comment(c)),
      headers,
    );
  });
  core.route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/comments", "token", (ctx) => {
    const r = repoFor(ctx);
    const issue = issueFor(ctx, r);
    issueWrite(ctx, issue);
    const b = (ctx.body ?? {}) as { body?: unknown };
    if (typeof b.body !== "string" || b.body === "") throw missing("IssueComment", "body");
    if (issue.locked) throw new SimHttpError(403, "Issue is locked");
    const c = world.createComment(issue, bot(), b.body);
    hooks.commentCreated(c.id);
    return json(201, repr.comment(c));
  });
  core.route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "issues", "read");
    return json(200, repr.comment(world.comment(r.owner, r.name, intParam(ctx.params.comment_id, -1))));
  });
  core.route("PATCH", "/repos/{owner}/{repo}/issues/comments/{comment_id}", "token", (ctx) => {
    const r = repoFor(ctx);
    const c = world.comment(r.owner, r.name, intParam(ctx.params.comment_id, -1));
    issueWrite(ctx, world.issues.get(c.issueId));
    world.assertWritable(r);
    const b = (ctx.body ?? {}) as { body?: unknown };
    if (typeof b.body !== "string" || b.body === "") throw missing("IssueComment", "body");
    world.editComment(c, b.body);
    return json(200, repr.comment(c));
  });
  const REACTIONS = new Set(["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"]);
  core.route("POST", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", "token", (ctx) => {
    const r = repoFor(ctx);
    const c = world.comment(r.owner, r.name, intParam(ctx.params.comment_id, -1));
    issueWrite(ctx, world.issues.get(c.issueId));
    const content = (ctx.body as { content?: string } | undefined)?.content;
    if (!content || !REACTIONS.has(content)) {
      throw new SimHttpError(422, "Validation Failed", [{ resource: "Reaction", field: "content", code: "invalid" }]);
    }
    const { reaction, created } = world.addReaction(c, bot(), content as ReactionContent);
    return json(created ? 201 : 200, repr.reaction(reaction));
  });
  core.route("GET", "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "issues", "read");
    const c = world.comment(r.owner, r.name, intParam(ctx.params.comment_id, -1));
    const list = world.listReactions(c.id).filter((x) => !ctx.query.content || x.content === ctx.query.content);
    const { items, headers } = pagePaginate(ctx, list);
    return json(
      200,
      items.map((x) => repr.reaction(x)),
      headers,
    );
  });
  core.route("GET", "/repos/{owner}/{repo}/labels", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "issues", "read");
    const { items, headers } = pagePaginate(ctx, world.repoLabels(r));
    return json(
      200,
      items.map((l) => repr.label(l)),
      headers,
    );
  });
  core.route("POST", "/repos/{owner}/{repo}/labels", "token", (ctx) => {
    const r = repoFor(ctx);
    issueWrite(ctx);
    world.assertWritable(r);
    const b = (ctx.body ?? {}) as { name?: unknown; color?: unknown; description?: unknown };
    if (typeof b.name !== "string" || !b.name) throw missing("Label", "name");
    if (world.repoLabels(r).some((l) => l.name.toLowerCase() === String(b.name).toLowerCase())) {
      throw new SimHttpError(422, "Validation Failed", [{ resource: "Label", code: "already_exists", field: "name" }]);
    }
    const color = typeof b.color === "string" ? b.color.replace(/^#/, "") : "ededed";
    const l = world.ensureLabel(r, b.name, color, typeof b.description === "string" ? b.description : null);
    return json(201, repr.label(l));
  });
  core.route("POST", "/repos/{owner}/{repo}/issues/{issue_number}/labels", "token", (ctx) => {
    const r = repoFor(ctx);
    const issue = issueFor(ctx, r);
    issueWrite(ctx, issue);
    world.assertWritable(r);
    const b = ctx.body as unknown;
    const raw = Array.isArray(b) ? b : ((b as { labels?: unknown } | undefined)?.labels ?? []);
    if (!Array.isArray(raw)) throw missing("Label", "labels");
    const names = raw.map((l: string | { name: string }) => (typeof l === "string" ? l : l.name));
    for (const n of names) {
      const label = world.ensureLabel(r, n);
      if (!issue.labels.some((x) => x.toLowerCase() === label.name.toLowerCase())) issue.labels.push(label.name);
    }
    issue.updated_at = world.stamp();
    return json(
      200,
      issue.labels.map((n) => repr.label(world.ensureLabel(r, n))),
    );
  });
  core.route("GET", "/repos/{owner}/{repo}/pulls/{pull_number}", "token", (ctx) => {
    const r = repoFor(ctx);
    need(ctx, "pull_requests", "read");
    const issue = world.issue(r.owner, r.name, intParam(ctx.params.pull_number, -1));
    if (!issue.isPull) throw new SimHttpError(404, "Not Found");
    return json(200, repr.pull(issue));
  });
}
