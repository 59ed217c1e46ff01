/**
 * A small GraphQL subset, with type and field names exactly as in GitHub's schema, executed by the
 * `graphql` package against the world.
 */
import { buildSchema, type GraphQLSchema, graphql } from "graphql";
import type { HttpCore, Reply, RequestContext, TokenInfo } from "./http.js";
import type { Repr } from "./repr.js";
import { hasPermission } from "./routes.js";
import { type IssueRecord, type RepoRecord, repoKey, SimHttpError, type TeamRecord, World } from "./world.js";

const SDL = /* GraphQL */ `
  schema {
    query: Query
    mutation: Mutation
  }
  scalar URI
  scalar DateTime
  scalar GitObjectID

  interface Node {
    id: ID!
  }
  interface RepositoryOwner {
    id: ID!
    login: String!
    url: URI!
  }
  interface GitObject {
    id: ID!
    oid: GitObjectID!
    abbreviatedOid: String!
  }

  type Query {
    organization(login: String!): Organization
    repository(owner: String!, name: String!, followRenames: Boolean = true): Repository
    rateLimit(dryRun: Boolean = false): RateLimit
    user(login: String!): User
  }

  type RateLimit {
    cost: Int!
    limit: Int!
    nodeCount: Int!
    remaining: Int!
    resetAt: DateTime!
    used: Int!
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
  }

  enum OrderDirection {
    ASC
    DESC
  }
  enum RepositoryOrderField {
    CREATED_AT
    NAME
    PUSHED_AT
    STARGAZERS
    UPDATED_AT
  }
  input RepositoryOrder {
    direction: OrderDirection!
    field: RepositoryOrderField!
  }
  enum RepositoryPrivacy {
    PRIVATE
    PUBLIC
  }
  enum RepositoryVisibility {
    INTERNAL
    PRIVATE
    PUBLIC
  }
  enum TeamMembershipType {
    ALL
    CHILD_TEAM
    IMMEDIATE
  }
  enum TeamMemberRole {
    MAINTAINER
    MEMBER
  }
  enum IssueState {
    CLOSED
    OPEN
  }

  type Organization implements Node & RepositoryOwner {
    databaseId: Int
    id: ID!
    login: String!
    name: String
    url: URI!
    repositories(
      after: String
      before: String
      first: Int
      isArchived: Boolean
      isFork: Boolean
      last: Int
      orderBy: RepositoryOrder
      privacy: RepositoryPrivacy
    ): RepositoryConnection!
    repository(followRenames: Boolean = true, name: String!): Repository
    team(slug: String!): Team
  }

  type User implements Node & RepositoryOwner {
    databaseId: Int
    id: ID!
    login: String!
    name: String
    organization(login: String!): Organization
    url: URI!
  }

  type RepositoryConnection {
    edges: [RepositoryEdge]
    nodes: [Repository]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type RepositoryEdge {
    cursor: String!
    node: Repository
  }

  type Repository implements Node {
    databaseId: Int
    defaultBranchRef: Ref
    id: ID!
    isArchived: Boolean!
    isFork: Boolean!
    isPrivate: Boolean!
    issue(number: Int!): Issue
    name: String!
    nameWithOwner: String!
    object(expression: String, oid: GitObjectID): GitObject
    owner: RepositoryOwner!
    primaryLanguage: Language
    releases(first: Int, orderBy: ReleaseOrder): ReleaseConnection!
    url: URI!
    visibility: RepositoryVisibility!
  }

  enum ReleaseOrderField {
    CREATED_AT
    NAME
  }
  input ReleaseOrder {
    direction: OrderDirection!
    field: ReleaseOrderField!
  }
  type Release implements Node {
    databaseId: Int
    description: String
    id: ID!
    isDraft: Boolean!
    isPrerelease: Boolean!
    name: String
    publishedAt: DateTime
    tagName: String!
  }
  type ReleaseConnection {
    nodes: [Release]
    totalCount: Int!
  }

  type Ref implements Node {
    id: ID!
    name: String!
    prefix: String!
  }

  type Blob implements GitObject & Node {
    abbreviatedOid: String!
    byteSize: Int!
    id: ID!
    isBinary: Boolean
    isTruncated: Boolean!
    oid: GitObjectID!
    text: String
  }

  type Tree implements GitObject & Node {
    abbreviatedOid: String!
    entries: [TreeEntry!]
    id: ID!
    oid: GitObjectID!
  }

  type TreeEntry {
    extension: String
    mode: Int!
    name: String!
    object: GitObject
    oid: GitObjectID!
    path: String
    size: Int!
    type: String!
  }

  type Language implements Node {
    color: String
    id: ID!
    name: String!
  }

  type Commit implements GitObject & Node {
    abbreviatedOid: String!
    id: ID!
    message: String!
    oid: GitObjectID!
  }

  type Team implements Node {
    databaseId: Int
    id: ID!
    members(
      after: String
      before: String
      first: Int
      last: Int
      membership: TeamMembershipType = ALL
      query: String
      role: TeamMemberRole
    ): TeamMemberConnection!
    name: String!
    slug: String!
  }
  type TeamMemberConnection {
    edges: [TeamMemberEdge]
    nodes: [User]
    pageInfo: PageInfo!
    totalCount: Int!
  }
  type TeamMemberEdge {
    cursor: String!
    node: User!
    role: TeamMemberRole!
  }

  type Issue implements Node {
    body: String!
    databaseId: Int
    id: ID!
    isPinned: Boolean
    number: Int!
    repository: Repository!
    state: IssueState!
    title: String!
    url: URI!
  }

  type Mutation {
    pinIssue(input: PinIssueInput!): PinIssuePayload
    transferIssue(input: TransferIssueInput!): TransferIssuePayload
    unpinIssue(input: UnpinIssueInput!): UnpinIssuePayload
  }
  input PinIssueInput {
    clientMutationId: String
    issueId: ID!
  }
  type PinIssuePayload {
    clientMutationId: String
    issue: Issue
  }
  input UnpinIssueInput {
    clientMutationId: String
    issueId: ID!
  }
  type UnpinIssuePayload {
    clientMutationId: String
    issue: Issue
  }
  input TransferIssueInput {
    clientMutationId: String
    createLabelsIfMissing: Boolean = false
    issueId: ID!
    repositoryId: ID!
  }
  type TransferIssuePayload {
    clientMutationId: String
    issue: Issue
  }
`;

class GqlError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

interface ConnArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

const encodeCursor = (i: number) => Buffer.from(`cursor:v2:${i}`).toString("base64");
const decodeCursor = (c: string) => {
  const m = /^cursor:v2:(\d+)$/.exec(Buffer.from(c, "base64").toString("utf8"));
  if (!m) throw new GqlError(`\`${c}\` does not appear to be a valid cursor.`, "INVALID_CURSOR_ARGUMENTS");
  return Number(m[1]);
};

function connection<T>(items: T[], args: ConnArgs, wrap: (item: T) => unknown, edgeExtra?: (item: T) => object) {
  if (args.first == null && args.last == null) {
    throw new GqlError(
      "You must provide a `first` or `last` value to properly paginate the connection.",
      "MISSING_PAGINATION_BOUNDARIES",
    );
  }
  for (const n of [args.first, args.last]) {
    if (n != null && (n < 0 || n > 100)) {
      throw new GqlError(
        `Requesting ${n} records on the connection exceeds the \`first\` limit of 100 records.`,
        "EXCESSIVE_PAGINATION",
      );
    }
  }
  let start = args.after ? decodeCursor(args.after) + 1 : 0;
  let end = args.before ? decodeCursor(args.before) : items.length;
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  const slice = items.slice(start, end).map((item, k) => ({ item, index: start + k }));
  return {
    totalCount: items.length,
    nodes: slice.map((s) => wrap(s.item)),
    edges: slice.map((s) => ({ cursor: encodeCursor(s.index), node: wrap(s.item), ...(edgeExtra?.(s.item) ?? {}) })),
    pageInfo: {
      hasNextPage: end < items.length,
      hasPreviousPage: start > 0,
      startCursor: slice.length ? encodeCursor(slice[0]!.index) : null,
      endCursor: slice.length ? encodeCursor(slice[slice.length - 1]!.index) : null,
    },
  };
}

interface Ctx {
  token: TokenInfo;
}

export function registerGraphql(core: HttpCore, world: World, repr: Repr): { schema: GraphQLSchema } {
  const schema = buildSchema(SDL);
  const need = (ctx: Ctx, name: string, level: "read" | "write") => {
    if (!hasPermission(ctx.token, name, level))
      throw new GqlError("Resource not accessible by integration", "FORBIDDEN");
  };
  const accountOf = (ctx: Ctx) => world.installations.get(ctx.token.installationId)?.account.toLowerCase();

  const userNode = (login: string) => {
    const u = world.userOrCreate(login);
    return {
      __typename: u.type === "Organization" ? "Organization" : "User",
      id: u.node_id,
      databaseId: u.id,
      login: u.login,
      name: u.name,
      url: `${repr.html}/${u.login}`,
      // The org by that login if the user is a member of it (private memberships too: the token can
      // read the org's members), else null.
      organization: (args: { login: string }, ctx: Ctx) => {
        const o = world.orgs.get(args.login.toLowerCase());
        if (!o || accountOf(ctx) !== o.login.toLowerCase() || !o.members.has(u.login.toLowerCase())) return null;
        need(ctx, "members", "read");
        return orgNode(o.login, ctx);
      },
    };
  };

  const issueNode = (i: IssueRecord) => ({
    __typename: "Issue",
    id: i.node_id,
    databaseId: i.id,
    number: i.number,
    title: i.title,
    body: i.body ?? "",
    isPinned: i.pinned,
    state: i.state === "open" ? "OPEN" : "CLOSED",
    url: repr.issue(i).html_url,
    repository: () => repoNode(world.repoByKey(i.repo)),
  });

  const blobNode = (r: RepoRecord, text: string) => {
    const oid = World.blobSha(text);
    return {
      __typename: "Blob",
      id: Buffer.from(`Blob:${r.id}:${oid}`).toString("base64"),
      oid,
      abbreviatedOid: oid.slice(0, 7),
      byteSize: Buffer.byteLength(text),
      isBinary: false,
      isTruncated: false,
      text,
    };
  };

  /** A folder of the default branch: its entries resolve their objects lazily (blob text, sub-folder). */
  const treeNode = (r: RepoRecord, entries: NonNullable<ReturnType<typeof World.treeEntries>>) => {
    const oid = World.treeSha(entries);
    return {
      __typename: "Tree",
      id: Buffer.from(`Tree:${r.id}:${oid}`).toString("base64"),
      oid,
      abbreviatedOid: oid.slice(0, 7),
      entries: entries.map((e) => ({
        name: e.name,
        path: e.path,
        type: e.type,
        oid: e.oid,
        mode: e.type === "tree" ? 0o40000 : 0o100644,
        size: e.text === null ? 0 : Buffer.byteLength(e.text),
        extension: e.type === "blob" && e.name.includes(".") ? e.name.slice(e.name.lastIndexOf(".")) : null,
        object: () => (e.text !== null ? blobNode(r, e.text) : treeNode(r, World.treeEntries(r.files, e.path) ?? [])),
      })),
    };
  };

  const repoNode = (r: RepoRecord) => ({
    __typename: "Repository",
    id: r.node_id,
    databaseId: r.id,
    name: r.name,
    nameWithOwner: `${r.owner}/${r.name}`,
    url: `${repr.html}/${r.owner}/${r.name}`,
    isArchived: r.archived,
    isFork: r.fork,
    isPrivate: r.private,
    visibility: r.visibility.toUpperCase(),
    owner: () => userNode(r.owner),
    defaultBranchRef: {
      __typename: "Ref",
      id: Buffer.from(`Ref:${r.id}:${r.default_branch}`).toString("base64"),
      name: r.default_branch,
      prefix: "refs/heads/",
    },
    releases: (args: { first?: number | null; orderBy?: { field: string; direction: string } | null }, ctx: Ctx) => {
      need(ctx, "contents", "read");
      const canSeeDrafts = hasPermission(ctx.token, "contents", "write");
      const all = [...world.releases.values()]
        .filter((rel) => rel.repo === repoKey(r.owner, r.name) && (canSeeDrafts || !rel.draft))
        .sort((a, b) =>
          args.orderBy?.field === "NAME"
            ? a.tag_name.localeCompare(b.tag_name)
            : a.created_at.localeCompare(b.created_at) || a.id - b.id,
        );
      if (args.orderBy?.direction === "DESC") all.reverse();
      const first = Math.min(Math.max(args.first ?? 100, 0), 100);
      return {
        totalCount: all.length,
        nodes: all.slice(0, first).map((rel) => ({
          __typename: "Release",
          id: rel.node_id,
          databaseId: rel.id,
          tagName: rel.tag_name,
          name: rel.name,
          description: rel.body,
          isDraft: rel.draft,
          isPrerelease: rel.prerelease,
          publishedAt: rel.published_at,
        })),
      };
    },
    object: (args: { expression?: string | null; oid?: string | null }, ctx: Ctx) => {
      need(ctx, "contents", "read");
      const expr = args.expression ?? "";
      const idx = expr.indexOf(":");
      const rev = idx === -1 ? expr : expr.slice(0, idx);
      const okRev = ["HEAD", r.default_branch, `refs/heads/${r.default_branch}`, r.headSha].includes(rev);
      if (!okRev) return null;
      if (idx === -1) {
        return {
          __typename: "Commit",
          id: Buffer.from(`Commit:${r.headSha}`).toString("base64"),
          oid: r.headSha,
          abbreviatedOid: r.headSha.slice(0, 7),
          message: "HEAD",
        };
      }
      const path = expr
        .slice(idx + 1)
        .replace(/^\/+/, "")
        .replace(/\/+$/, "");
      const text = r.files.get(path);
      if (text === undefined) {
        const entries = World.treeEntries(r.files, path);
        return entries ? treeNode(r, entries) : null;
      }
      return blobNode(r, text);
    },
    primaryLanguage: r.language
      ? {
          __typename: "Language",
          id: Buffer.from(`Language:${r.language}`).toString("base64"),
          name: r.language,
          color: null,
        }
      : null,
    issue: (args: { number: number }) => {
      try {
        return issueNode(world.issue(r.owner, r.name, args.number));
      } catch {
        throw new GqlError(`Could not resolve to an Issue with the number of ${args.number}.`, "NOT_FOUND");
      }
    },
  });

  const teamNode = (t: TeamRecord) => ({
    __typename: "Team",
    id: t.node_id,
    databaseId: t.id,
    name: t.name,
    slug: t.slug,
    members: (args: ConnArgs & { role?: string | null }, ctx: Ctx) => {
      need(ctx, "members", "read");
      const list = [...t.members.values()]
        .filter((m) => !args.role || m.role.toUpperCase() === args.role)
        .map((m) => ({ login: m.login, role: m.role.toUpperCase() }))
        .sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
      return connection(
        list,
        args,
        (m) => userNode(m.login),
        (m) => ({ role: m.role }),
      );
    },
  });

  const orgNode = (login: string, ctx: Ctx) => {
    const o = world.orgs.get(login.toLowerCase());
    if (!o || accountOf(ctx) !== o.login.toLowerCase()) {
      throw new GqlError(`Could not resolve to an Organization with the login of '${login}'.`, "NOT_FOUND");
    }
    return {
      __typename: "Organization",
      id: o.node_id,
      databaseId: o.id,
      login: o.login,
      name: o.login,
      url: `${repr.html}/${o.login}`,
      repositories: (
        args: ConnArgs & {
          orderBy?: { field: string; direction: string } | null;
          privacy?: string | null;
          isFork?: boolean | null;
          isArchived?: boolean | null;
        },
      ) => {
        const field = args.orderBy?.field ?? "CREATED_AT";
        const dir = args.orderBy?.direction ?? "ASC";
        const key = (r: RepoRecord) =>
          field === "NAME"
            ? r.name.toLowerCase()
            : field === "UPDATED_AT"
              ? r.updated_at
              : field === "PUSHED_AT"
                ? r.pushed_at
                : r.created_at;
        const repos = [...world.repos.values()]
          .filter((r) => r.owner.toLowerCase() === o.login.toLowerCase())
          .filter((r) => !args.privacy || (args.privacy === "PRIVATE") === r.private)
          .filter((r) => args.isFork == null || r.fork === args.isFork)
          .filter((r) => args.isArchived == null || r.archived === args.isArchived)
          .sort((a, b) => {
            const c = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id - b.id;
            return dir === "ASC" ? c : -c;
          });
        return connection(repos, args, repoNode);
      },
      repository: (args: { name: string }) => {
        const r = world.repos.get(repoKey(o.login, args.name));
        return r ? repoNode(r) : null;
      },
      team: (args: { slug: string }) => {
        const t = world.teams.get(`${o.login.toLowerCase()}/${args.slug.toLowerCase()}`);
        return t ? teamNode(t) : null;
      },
    };
  };

  const issueById = (id: string, ctx: Ctx): IssueRecord => {
    const found = world.byNodeId(id);
    if (found?.kind !== "issue" || world.repoByKey(found.issue.repo).owner.toLowerCase() !== accountOf(ctx)) {
      throw new GqlError(`Could not resolve to a node with the global id of '${id}'`, "NOT_FOUND");
    }
    return found.issue;
  };
  const wrapSim = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      if (err instanceof SimHttpError) throw new GqlError(err.message, "UNPROCESSABLE");
      throw err;
    }
  };

  const root = {
    organization: (args: { login: string }, ctx: Ctx) => orgNode(args.login, ctx),
    repository: (args: { owner: string; name: string }, ctx: Ctx) => {
      const r = world.repos.get(repoKey(args.owner, args.name));
      if (!r || r.owner.toLowerCase() !== accountOf(ctx)) {
        throw new GqlError(
          `Could not resolve to a Repository with the name '${args.owner}/${args.name}'.`,
          "NOT_FOUND",
        );
      }
      return repoNode(r);
    },
    user: (args: { login: string }) => {
      if (!world.users.has(args.login.toLowerCase())) {
        throw new GqlError(`Could not resolve to a User with the login of '${args.login}'.`, "NOT_FOUND");
      }
      return userNode(args.login);
    },
    rateLimit: () => ({
      cost: 1,
      limit: 5000,
      nodeCount: 0,
      remaining: 5000,
      resetAt: new Date(Date.now() + 3600_000).toISOString(),
      used: 0,
    }),
    pinIssue: (args: { input: { issueId: string; clientMutationId?: string } }, ctx: Ctx) => {
      need(ctx, "issues", "write");
      const issue = issueById(args.input.issueId, ctx);
      const pinned = [...world.issues.values()].filter((i) => i.repo === issue.repo && i.pinned && i !== issue);
      if (pinned.length >= 3) throw new GqlError("Repository already has 3 pinned issues.", "UNPROCESSABLE");
      issue.pinned = true;
      return { clientMutationId: args.input.clientMutationId ?? null, issue: issueNode(issue) };
    },
    unpinIssue: (args: { input: { issueId: string; clientMutationId?: string } }, ctx: Ctx) => {
      need(ctx, "issues", "write");
      const issue = issueById(args.input.issueId, ctx);
      issue.pinned = false;
      return { clientMutationId: args.input.clientMutationId ?? null, issue: issueNode(issue) };
    },
    transferIssue: (
      args: {
        input: { issueId: string; repositoryId: string; createLabelsIfMissing?: boolean; clientMutationId?: string };
      },
      ctx: Ctx,
    ) => {
      need(ctx, "issues", "write");
      const issue = issueById(args.input.issueId, ctx);
      const target = world.byNodeId(args.input.repositoryId);
      if (target?.kind !== "repo") {
        throw new GqlError(
          `Could not resolve to a node with the global id of '${args.input.repositoryId}'`,
          "NOT_FOUND",
        );
      }
      wrapSim(() => world.transferIssue(issue, target.repo, args.input.createLabelsIfMissing ?? false));
      return { clientMutationId: args.input.clientMutationId ?? null, issue: issueNode(issue) };
    },
  };

  core.route("POST", "/graphql", "token", async (ctx: RequestContext): Promise<Reply> => {
    const body = (ctx.body ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof body.query !== "string") throw new SimHttpError(400, "Problems parsing JSON");
    const result = await graphql({
      schema,
      source: body.query,
      rootValue: root,
      contextValue: { token: ctx.token! } satisfies Ctx,
      variableValues: (body.variables as Record<string, unknown> | undefined) ?? null,
      operationName: typeof body.operationName === "string" ? body.operationName : null,
    });
    const out: Record<string, unknown> = {};
    if (result.data !== undefined) out.data = result.data;
    if (result.errors?.length) {
      out.errors = result.errors.map((e) => ({
        type: e.originalError instanceof GqlError ? e.originalError.type : undefined,
        path: e.path,
        locations: e.locations,
        message: e.message,
      }));
      if (!("data" in out) || result.data === undefined) out.data = null;
    }
    return { status: 200, body: out };
  });

  return { schema };
}
