/**
 * The HTTP core of the simulator: routing by OpenAPI path template, authentication, seeded faults,
 * ETags / 304s, rate-limit headers and the request log.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Prng } from "./prng.js";
import { SimHttpError } from "./world.js";

/**
 * `secondary-rate-limit`: 403 with `retry-after: 1`; `secondary-rate-limit-no-retry-after`: 403 without
 * it; `429`: 429 with `retry-after: 1`. GitHub carries out none of these requests.
 */
export type FaultKind =
  | "5xx"
  | "secondary-rate-limit"
  | "secondary-rate-limit-no-retry-after"
  | "429"
  | "slow"
  | "timeout";

/**
 * What a rule of `failNext` answers: 502 by default, a rate limit (`retryAfter` in seconds, or none),
 * or a status and message of GitHub's (`answer`).
 */
export type Refusal =
  | { kind: "5xx" }
  | { kind: "secondary-rate-limit" | "429"; retryAfter: number | null }
  | ({ kind: "answer" } & RefusalAnswer);

const SECONDARY_LIMIT_BODY = {
  message:
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.",
  documentation_url: "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
};

function refusalReply(refusal: Exclude<Refusal, { kind: "answer" }>): Reply {
  if (refusal.kind === "5xx") return { status: 502, body: { message: "Server Error" } };
  const headers: Record<string, string> =
    refusal.retryAfter === null ? {} : { "retry-after": String(refusal.retryAfter) };
  return refusal.kind === "429"
    ? { status: 429, headers, body: SECONDARY_LIMIT_BODY }
    : { status: 403, headers, body: SECONDARY_LIMIT_BODY };
}

export interface FaultOptions {
  /** probability (0..1) that a request gets a fault */
  rate: number;
  kinds: FaultKind[];
  /** delay of a "slow" fault in milliseconds (default 250) */
  slowMs?: number;
  /**
   * how long a "timeout" fault holds the request before answering 504, in milliseconds (default 60,000);
   * half of the requests it holds are carried out first
   */
  hangMs?: number;
  /** probability (0..1) that a webhook delivery is dropped (never sent) */
  dropWebhooks?: number;
}

/** What a refusal rule answers instead of serving the request. */
export interface RefusalAnswer {
  status: number;
  message: string;
}

/** A request as it arrives, before it is served: what a fault rule may look at. */
export type ArrivingRequest = Pick<RecordedRequest, "method" | "path" | "body">;

export interface RecordedRequest {
  seq: number;
  method: string;
  /** path without the query string */
  path: string;
  query: Record<string, string>;
  /** request headers, lower-case names, authorization redacted */
  headers: Record<string, string>;
  /** parsed JSON body, or undefined */
  body: unknown;
  status: number;
  /** the OpenAPI path template that matched, or null */
  route: string | null;
  graphql?: { query: string; variables: Record<string, unknown> | undefined; operationName?: string };
  response: { headers: Record<string, string>; body: unknown; contentType: string | null };
  fault: FaultKind | null;
  /** the installation the token belongs to, when a token was used */
  installationId: number | null;
}

export interface TokenInfo {
  token: string;
  installationId: number;
  permissions: Record<string, string>;
  expiresAt: string;
}

export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  /** set for routes that need an installation token */
  token: TokenInfo | null;
  /** absolute URL of the API root */
  api: string;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** raw text body (e.g. raw file contents) with its content type */
  raw?: { text: string; contentType: string };
}

export type Handler = (ctx: RequestContext) => Reply | Promise<Reply>;

interface Route {
  method: string;
  template: string;
  regex: RegExp;
  names: string[];
  literalCount: number;
  auth: "jwt" | "token";
  handler: Handler;
}

export function templateRegex(template: string): { regex: RegExp; names: string[]; literalCount: number } {
  const names: string[] = [];
  const segments = template.split("/").filter(Boolean);
  let literalCount = 0;
  const parts = segments.map((seg, i) => {
    const m = /^\{([^}]+)\}$/.exec(seg);
    if (!m) {
      literalCount += 1;
      return seg.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
    names.push(m[1]!);
    // a trailing {path} parameter may contain slashes
    return m[1] === "path" && i === segments.length - 1 ? "(.+)" : "([^/]+)";
  });
  return { regex: new RegExp(`^/${parts.join("/")}/?$`), names, literalCount };
}

export class HttpCore {
  readonly requests: RecordedRequest[] = [];
  readonly unknownRoutes: RecordedRequest[] = [];
  readonly tokens = new Map<string, TokenInfo>();
  private routes: Route[] = [];
  private server: Server | null = null;
  private seq = 0;
  private faults: FaultOptions = { rate: 0, kinds: [] };
  private refusals: Array<{ match: (r: ArrivingRequest) => boolean; left: number; refusal: Refusal }> = [];
  private faultPrng: Prng;
  private used = new Map<string, number>();
  private resetAt = Math.floor(Date.now() / 1000) + 3600;
  url = "";

  constructor(seed: number) {
    this.faultPrng = new Prng(seed ^ 0xfa17);
  }

  setFaults(faults: FaultOptions | null, seed?: number): void {
    this.faults = faults ?? { rate: 0, kinds: [] };
    if (seed !== undefined) this.faultPrng = new Prng(seed ^ 0xfa17);
  }

  getFaults(): FaultOptions {
    return this.faults;
  }

  /**
   * The next `times` requests that `match` sees are answered 502, or with the rate limit `refusal`
   * names, or with `refusal` as a status and message (a refusal GitHub gives, such as a 422),
   * whatever the seeded faults say.
   */
  failNext(
    match: (r: ArrivingRequest) => boolean,
    times: number,
    refusal: Refusal | RefusalAnswer = { kind: "5xx" },
  ): void {
    this.refusals.push({ match, left: times, refusal: "kind" in refusal ? refusal : { kind: "answer", ...refusal } });
  }

  route(method: string, template: string, auth: "jwt" | "token", handler: Handler): void {
    const { regex, names, literalCount } = templateRegex(template);
    this.routes.push({ method, template, regex, names, literalCount, auth, handler });
    this.routes.sort((a, b) => b.literalCount - a.literalCount);
  }

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ message: String(err) }));
      });
    });
    this.server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | null {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const m = route.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      route.names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1]!);
      });
      return { route, params };
    }
    return null;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", "http://sim.invalid");
    const method = (req.method ?? "GET").toUpperCase();
    // GitHub Enterprise Server's layout (`GHE_HOST`): REST under /api/v3, GraphQL at /api/graphql.
    const served = url.pathname.replace(/\/+$/, "") || "/";
    const path = served === "/api/graphql" ? "/graphql" : served.replace(/^\/api\/v3(?=\/|$)/, "") || "/";
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = v;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) {
      if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
    }
    let body: unknown;
    if (rawBody.length > 0) {
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
    }
    const record: RecordedRequest = {
      seq: ++this.seq,
      method,
      path,
      query,
      headers: { ...headers, ...(headers.authorization ? { authorization: "[redacted]" } : {}) },
      body,
      status: 0,
      route: null,
      response: { headers: {}, body: undefined, contentType: null },
      fault: null,
      installationId: null,
    };
    if (path === "/graphql" && method === "POST" && body && typeof body === "object") {
      const b = body as { query?: unknown; variables?: unknown; operationName?: unknown };
      record.graphql = {
        query: typeof b.query === "string" ? b.query : "",
        variables: (b.variables as Record<string, unknown> | undefined) ?? undefined,
        ...(typeof b.operationName === "string" ? { operationName: b.operationName } : {}),
      };
    }
    this.requests.push(record);

    const matched = this.match(method, path);
    record.route = matched?.route.template ?? null;
    let reply: Reply;
    try {
      reply = await this.dispatch(matched, record, headers, body, method, path, query);
    } catch (err) {
      if (err instanceof SimHttpError) {
        reply = {
          status: err.status,
          body: {
            message: err.message,
            ...(err.errors ? { errors: err.errors } : {}),
            documentation_url: "https://docs.github.com/rest",
            status: String(err.status),
          },
        };
      } else {
        reply = { status: 500, body: { message: `Simulator error: ${(err as Error).message}` } };
      }
    }
    if (!matched) this.unknownRoutes.push(record);
    this.send(res, record, reply, headers, method);
  }

  private async dispatch(
    matched: { route: Route; params: Record<string, string> } | null,
    record: RecordedRequest,
    headers: Record<string, string>,
    body: unknown,
    method: string,
    path: string,
    query: Record<string, string>,
  ): Promise<Reply> {
    if (!matched) throw new SimHttpError(404, "Not Found");
    const { route, params } = matched;
    const auth = headers.authorization ?? "";
    let token: TokenInfo | null = null;
    if (route.auth === "jwt") {
      const m = /^bearer\s+(\S+)$/i.exec(auth);
      if (!m || this.tokens.has(m[1]!)) {
        throw new SimHttpError(401, "A JSON web token could not be decoded");
      }
    } else {
      const m = /^(?:token|bearer)\s+(\S+)$/i.exec(auth);
      token = m ? (this.tokens.get(m[1]!) ?? null) : null;
      if (!token) throw new SimHttpError(401, m ? "Bad credentials" : "Requires authentication");
      record.installationId = token.installationId;
    }
    const isTokenRoute = /^\/app\/installations\/[^/]+\/access_tokens$/.test(path);
    const refusal = isTokenRoute ? undefined : this.refusals.find((f) => f.left > 0 && f.match({ method, path, body }));
    if (refusal) {
      refusal.left -= 1;
      const r = refusal.refusal;
      if (r.kind === "answer") {
        return { status: r.status, body: { message: r.message, documentation_url: "https://docs.github.com/rest" } };
      }
      record.fault =
        r.kind === "5xx"
          ? "5xx"
          : r.kind === "429"
            ? "429"
            : r.retryAfter === null
              ? "secondary-rate-limit-no-retry-after"
              : "secondary-rate-limit";
      return refusalReply(r);
    }
    if (!isTokenRoute && this.faults.rate > 0 && this.faults.kinds.length > 0) {
      if (this.faultPrng.next() < this.faults.rate) {
        const kind = this.faultPrng.pick(this.faults.kinds);
        record.fault = kind;
        if (kind === "5xx") return { status: 502, body: { message: "Server Error" } };
        if (kind === "secondary-rate-limit") return refusalReply({ kind, retryAfter: 1 });
        if (kind === "secondary-rate-limit-no-retry-after")
          return refusalReply({ kind: "secondary-rate-limit", retryAfter: null });
        if (kind === "429") return refusalReply({ kind, retryAfter: 1 });
        if (kind === "timeout") {
          // No answer within any sensible client limit; the client gives up first. Half of these requests
          // were carried out all the same (the answer is what got lost), as happens on GitHub.
          if (this.faultPrng.next() < 0.5) {
            try {
              await route.handler({ method, path, params, query, headers, body, token, api: this.url });
            } catch {
              // what it would have answered is lost either way
            }
          }
          await new Promise((r) => setTimeout(r, this.faults.hangMs ?? 60_000).unref());
          return { status: 504, body: { message: "We couldn't respond to your request in time." } };
        }
        await new Promise((r) => setTimeout(r, this.faults.slowMs ?? 250));
      }
    }
    return route.handler({ method, path, params, query, headers, body, token, api: this.url });
  }

  private send(
    res: ServerResponse,
    record: RecordedRequest,
    reply: Reply,
    reqHeaders: Record<string, string>,
    method: string,
  ): void {
    const out: Record<string, string> = {
      "x-github-media-type": "github.v3; format=json",
      "x-github-request-id": `SIM:${record.seq.toString(16).toUpperCase().padStart(8, "0")}`,
      "x-github-api-version-selected": "2022-11-28",
      ...(reply.headers ?? {}),
    };
    let status = reply.status;
    let text = "";
    if (reply.raw) {
      text = reply.raw.text;
      out["content-type"] = reply.raw.contentType;
    } else if (reply.body !== undefined) {
      text = JSON.stringify(reply.body);
      out["content-type"] = "application/json; charset=utf-8";
    }
    if (method === "GET" && status === 200) {
      const etag = `W/"${createHash("sha1").update(text).digest("hex")}"`;
      out.etag = etag;
      const inm = reqHeaders["if-none-match"];
      if (inm?.split(",").some((t) => t.trim().replace(/^W\//, "") === etag.replace(/^W\//, ""))) {
        status = 304;
        text = "";
        delete out["content-type"];
      }
    }
    // rate limit bookkeeping: 304s and failed auth do not count
    const resource = record.path === "/graphql" ? "graphql" : "core";
    const key = `${record.installationId ?? "app"}:${resource}`;
    if (status !== 304 && status !== 401) this.used.set(key, (this.used.get(key) ?? 0) + 1);
    const used = this.used.get(key) ?? 0;
    const limit = 5000;
    Object.assign(out, {
      "x-ratelimit-limit": String(limit),
      "x-ratelimit-remaining": String(Math.max(0, limit - used)),
      "x-ratelimit-reset": String(this.resetAt),
      "x-ratelimit-used": String(used),
      "x-ratelimit-resource": resource,
    });
    record.status = status;
    record.response = {
      headers: out,
      body: status === 304 ? undefined : reply.raw ? reply.raw.text : reply.body,
      contentType: status === 304 ? null : (out["content-type"] ?? null),
    };
    res.writeHead(status, out);
    res.end(status === 304 || status === 204 ? undefined : text);
  }

  resetRequests(): void {
    this.requests.length = 0;
    this.unknownRoutes.length = 0;
  }
}
