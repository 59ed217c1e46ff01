/**
 * Conditional requests: a GET the app has made before is sent with `If-None-Match`; GitHub answers 304
 * when nothing changed, which costs no rate-limit points, and the cached response is used. This is what
 * makes idle sweeps cheap. The cache is bounded (least recently used entries go first).
 */
import type { Octokit } from "./types.js";

export interface EtagEntry {
  etag: string;
  response: { status: number; url: string; headers: Record<string, unknown>; data: unknown };
}
type Entry = EtagEntry;

/** Where conditional responses are kept: in memory (`EtagCache`) or shared by replicas in Redis. */
export interface EtagStore {
  /** Responses answered from the store (304s). */
  hits: number;
  get(key: string): Entry | undefined | Promise<Entry | undefined>;
  set(key: string, entry: Entry): void | Promise<void>;
}

export class EtagCache implements EtagStore {
  readonly #entries = new Map<string, Entry>();
  hits = 0;
  constructor(readonly capacity = 2_000) {}

  get(key: string): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    while (this.#entries.size > this.capacity) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}

type Options = { method?: string; url?: string; headers?: Record<string, string>; [key: string]: unknown };

/**
 * Makes every GET of this Octokit conditional, with entries keyed by `scope` (the org: one
 * installation's answers are never served to another) and the full request URL.
 */
export function useEtagCache(octokit: Octokit, cache: EtagStore, scope: string): Octokit {
  octokit.hook.wrap("request", async (request, rawOptions) => {
    const options = rawOptions as unknown as Options;
    if ((options.method ?? "GET").toUpperCase() !== "GET") return request(rawOptions);
    const endpoint = octokit.request.endpoint(rawOptions) as { url: string; headers: Record<string, string> };
    if (endpoint.headers.accept?.includes("raw")) return request(rawOptions); // file contents: small, read rarely
    const key = `${scope.toLowerCase()} ${endpoint.url}`;
    const known = await cache.get(key);
    try {
      // The hook chain hands every layer the same options object: the header is set on it, in place.
      if (known) rawOptions.headers["if-none-match"] = known.etag;
      const response = await request(rawOptions);
      const etag = (response.headers as Record<string, unknown>).etag;
      if (typeof etag === "string") {
        await cache.set(key, {
          etag,
          response: {
            status: response.status,
            url: response.url,
            headers: response.headers as Record<string, unknown>,
            data: structuredClone(response.data),
          },
        });
      }
      return response;
    } catch (err) {
      if ((err as { status?: number }).status === 304 && known) {
        cache.hits += 1;
        return { ...known.response, data: structuredClone(known.response.data) } as never;
      }
      throw err;
    }
  });
  return octokit;
}
