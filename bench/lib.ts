/**
 * Shared helpers of the benchmark: classifying the simulator's request log, signed webhook deliveries
 * over HTTP, percentiles, garbage collection and plain-text tables.
 */
import { createHmac, randomUUID } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { RecordedRequest } from "../src/sim/index.js";

export const TOKEN_ROUTE = "/app/installations/{installation_id}/access_tokens";

/** What a slice of the simulator's request log cost, split the way GitHub's limits see it. */
export interface Cost {
  /** every API request except installation-token requests */
  total: number;
  /** `total` minus the 304 answers (which GitHub does not charge against the primary limit) */
  charged: number;
  restReads: number;
  graphqlReads: number;
  restWrites: number;
  graphqlWrites: number;
  /** conditional GETs answered 304 (included in restReads and total) */
  notModified: number;
  /** installation-token requests (excluded from every other figure) */
  tokens: number;
  reads: number;
  writes: number;
}

function isMutation(r: RecordedRequest): boolean {
  return /^\s*mutation\b/.test(r.graphql?.query ?? "");
}

export function costOf(requests: readonly RecordedRequest[]): Cost {
  const c: Cost = {
    total: 0,
    charged: 0,
    restReads: 0,
    graphqlReads: 0,
    restWrites: 0,
    graphqlWrites: 0,
    notModified: 0,
    tokens: 0,
    reads: 0,
    writes: 0,
  };
  for (const r of requests) {
    if (r.route === TOKEN_ROUTE) {
      c.tokens += 1;
      continue;
    }
    c.total += 1;
    if (r.status === 304) c.notModified += 1;
    else c.charged += 1;
    if (r.path === "/graphql") {
      if (isMutation(r)) c.graphqlWrites += 1;
      else c.graphqlReads += 1;
    } else if (r.method === "GET" || r.method === "HEAD") c.restReads += 1;
    else c.restWrites += 1;
  }
  c.reads = c.restReads + c.graphqlReads;
  c.writes = c.restWrites + c.graphqlWrites;
  return c;
}

/** `METHOD route` of each request (GraphQL: the operation name), for the results file and the docs. */
export function requestLines(requests: readonly RecordedRequest[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of requests) {
    const name =
      r.path === "/graphql"
        ? `GRAPHQL ${
            /^\s*(query|mutation)\s+(\w+)/
              .exec(r.graphql?.query ?? "")
              ?.slice(1)
              .join(" ") ?? "anonymous"
          }`
        : `${r.method} ${r.route ?? r.path}${r.status === 304 ? " (304)" : ""}`;
    out[name] = (out[name] ?? 0) + 1;
  }
  return out;
}

export function sign(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** A webhook ready to send many times: the JSON body is serialized and signed once. */
export interface PreparedDelivery {
  event: string;
  body: string;
  signature: string;
}

export function prepare(event: string, payload: unknown, secret: string): PreparedDelivery {
  const body = JSON.stringify(payload);
  return { event, body, signature: sign(secret, body) };
}

/** Sends one signed delivery the way GitHub does; resolves with the HTTP status once the app answered. */
export async function send(url: string, delivery: PreparedDelivery): Promise<number> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "user-agent": "GitHub-Hookshot/bench",
      "x-github-event": delivery.event,
      "x-github-delivery": randomUUID(),
      "x-github-hook-id": "1",
      "x-hub-signature-256": delivery.signature,
    },
    body: delivery.body,
  });
  await res.arrayBuffer();
  return res.status;
}

export interface LoadResult {
  deliveries: number;
  concurrency: number;
  p50: number;
  p99: number;
  max: number;
  perSecond: number;
  /** deliveries not answered 2xx */
  failures: number;
}

/** Raw timings of one load run, to be merged across rounds. */
export interface Timings {
  latencies: number[];
  elapsedMs: number;
  failures: number;
}

/** `count` deliveries with `concurrency` in flight; latency per delivery with `performance.now()`. */
export async function load(
  url: string,
  next: (i: number) => PreparedDelivery,
  count: number,
  concurrency: number,
): Promise<Timings> {
  const latencies: number[] = [];
  let failures = 0;
  let i = 0;
  const started = performance.now();
  const worker = async () => {
    while (i < count) {
      const delivery = next(i++);
      const t0 = performance.now();
      const status = await send(url, delivery);
      latencies.push(performance.now() - t0);
      if (status < 200 || status > 299) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { latencies, elapsedMs: performance.now() - started, failures };
}

export function summarize(runs: readonly Timings[], concurrency: number): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const elapsed = runs.reduce((n, r) => n + r.elapsedMs, 0);
  return {
    deliveries: latencies.length,
    concurrency,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? 0,
    perSecond: (latencies.length / elapsed) * 1000,
    failures: runs.reduce((n, r) => n + r.failures, 0),
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] ?? 0;
}

/** `global.gc` when node runs with --expose-gc; otherwise the same function obtained through V8 flags. */
export function gcFunction(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

export function mb(bytes: number): number {
  return round(bytes / 1024 / 1024, 1);
}

/** A plain-text table with a header row; numbers right-aligned. */
export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => {
        const w = widths[i] ?? 0;
        return /^[-\d.,×/%]+$|^\d/.test(c) && i > 0 ? c.padStart(w) : c.padEnd(w);
      })
      .join("  ")
      .trimEnd();
  return [line(cells[0] ?? []), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}
