/**
 * Prometheus metrics (`GET /metrics`), off unless `METRICS=true` or `METRICS_TOKEN` is set: even counts of
 * open advisories tell an outsider that embargoed work exists. No label ever carries a GHSA id, a
 * repository name or any text of an advisory: only event names, outcomes, HTTP methods and statuses,
 * advisory states, step names and the org.
 */
import { timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { OPEN_STATES } from "./domain/advisory-plan.js";
import { RESPONSE_METRICS, type Timeline } from "./domain/response-times.js";
import type { Octokit } from "./github/types.js";
import { pathOf, type RouteHandler } from "./http.js";
import type { Outcome } from "./instrument.js";

export const METRICS_PATH = "/metrics";

export interface Metrics {
  registry: Registry;
  /** One webhook delivery handled. */
  delivery(event: string, outcome: Outcome, durationMs: number): void;
  /** One HTTP round trip to GitHub (every attempt, 304s included). */
  request(kind: "rest" | "graphql", method: string, status: number, rateLimit: RateLimitSeen | null): void;
  /** One org's sweep. */
  sweep(durationMs: number, failed: boolean): void;
  /** What a sweep saw of one org: open advisories by state and the response times of the last 90 days. */
  org(org: string, timelines: readonly Timeline[], now: Date): void;
}

export interface RateLimitSeen {
  resource: string;
  remaining: number;
}

/** Upper bounds of the response-time buckets, in working days (the policy promises 14 to acknowledge). */
const DAY_BUCKETS = [0, 1, 2, 3, 5, 10, 14, 20, 30, 60, 90];
const WINDOW_MS = 90 * 86_400_000;

export function createMetrics(): Metrics {
  const registry = new Registry();
  const deliveries = new Counter({
    name: "advisory_bot_deliveries_total",
    help: "Webhook deliveries handled, by event and outcome.",
    labelNames: ["event", "outcome"] as const,
    registers: [registry],
  });
  const handling = new Histogram({
    name: "advisory_bot_delivery_duration_seconds",
    help: "Time to handle one webhook delivery, by event.",
    labelNames: ["event"] as const,
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 9, 30, 60],
    registers: [registry],
  });
  const requests = new Counter({
    name: "advisory_bot_github_requests_total",
    help: "HTTP round trips to GitHub (each attempt), by API, method and status; 304s cost no rate limit.",
    labelNames: ["api", "method", "status"] as const,
    registers: [registry],
  });
  const remaining = new Gauge({
    name: "advisory_bot_github_rate_limit_remaining",
    help: "Requests left in the current rate-limit window, as GitHub last reported it, by resource.",
    labelNames: ["resource"] as const,
    registers: [registry],
  });
  const sweeps = new Histogram({
    name: "advisory_bot_sweep_duration_seconds",
    help: "Time to sweep one org.",
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [registry],
  });
  const sweepFailures = new Counter({
    name: "advisory_bot_sweep_failures_total",
    help: "Org sweeps that failed as a whole.",
    registers: [registry],
  });
  const open = new Gauge({
    name: "advisory_bot_open_advisories",
    help: "Open repository security advisories of the org, by state, as the last sweep saw them.",
    labelNames: ["org", "state"] as const,
    registers: [registry],
  });
  const responseTimes = new Histogram({
    name: "advisory_bot_response_time_working_days",
    help: "Working days from the report to each step, for advisories reported in the last 90 days (as of the last sweep).",
    labelNames: ["org", "step"] as const,
    buckets: DAY_BUCKETS,
    registers: [registry],
  });

  return {
    registry,
    delivery(event, outcome, durationMs) {
      deliveries.inc({ event, outcome });
      handling.observe({ event }, durationMs / 1000);
    },
    request(api, method, status, rateLimit) {
      requests.inc({ api, method: method.toUpperCase(), status: String(status) });
      if (rateLimit) remaining.set({ resource: rateLimit.resource }, rateLimit.remaining);
    },
    sweep(durationMs, failed) {
      sweeps.observe(durationMs / 1000);
      if (failed) sweepFailures.inc();
    },
    org(org, timelines, now) {
      for (const state of OPEN_STATES) open.set({ org, state }, timelines.filter((t) => t.state === state).length);
      // The histograms describe the window as of this sweep: the org's series are replaced, not added to.
      for (const step of RESPONSE_METRICS) responseTimes.remove({ org, step });
      const since = now.getTime() - WINDOW_MS;
      for (const t of timelines) {
        const reported = t.reportedAt ? Date.parse(t.reportedAt) : Number.NaN;
        if (!(reported >= since)) continue;
        for (const step of RESPONSE_METRICS) {
          const days = t.days[step];
          if (days !== null) responseTimes.observe({ org, step }, days);
        }
      }
    },
  };
}

type Fetch = typeof fetch;
const COUNTED = Symbol("oras-advisory-bot.counted-fetch");

/** Counts every HTTP attempt this Octokit makes, at the transport, so retries and 304s are seen too. */
export function useRequestMetrics(octokit: Octokit, metrics: Metrics | undefined): Octokit {
  if (!metrics) return octokit;
  octokit.hook.wrap("request", (request, options) => {
    const given = options.request?.fetch as (Fetch & { [COUNTED]?: boolean }) | undefined;
    if (!given?.[COUNTED]) {
      const inner = given ?? globalThis.fetch;
      const counted: Fetch = async (input, init) => {
        const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
        const api = new URL(url).pathname.endsWith("/graphql") ? "graphql" : "rest";
        const method = init?.method ?? (input instanceof Request ? input.method : "GET");
        const response = await inner(input, init);
        const left = Number(response.headers.get("x-ratelimit-remaining"));
        const resource = response.headers.get("x-ratelimit-resource") ?? (api === "graphql" ? "graphql" : "core");
        metrics.request(
          api,
          method,
          response.status,
          response.headers.has("x-ratelimit-remaining") && Number.isFinite(left) ? { resource, remaining: left } : null,
        );
        return response;
      };
      options.request = { ...options.request, fetch: Object.assign(counted, { [COUNTED]: true }) };
    }
    return request(options);
  });
  return octokit;
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer ([^\s]+)$/.exec(header ?? "");
  const given = Buffer.from(match?.[1] ?? "", "utf8");
  const want = Buffer.from(token, "utf8");
  return given.length === want.length && timingSafeEqual(given, want);
}

/** `GET /metrics` in Prometheus' text format; with a token, only for `Authorization: Bearer <token>`. */
export function metricsRoute(metrics: Metrics, token: string | undefined): RouteHandler {
  return async (req, res) => {
    if (pathOf(req) !== METRICS_PATH) return false;
    if (req.method !== "GET" && req.method !== "HEAD") return false;
    if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8", "www-authenticate": "Bearer" });
      res.end("unauthorized\n");
      return true;
    }
    const text = await metrics.registry.metrics();
    res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
    res.end(req.method === "HEAD" ? undefined : text);
    return true;
  };
}
