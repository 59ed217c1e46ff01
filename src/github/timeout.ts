import type { Octokit } from "./types.js";

/** How long one HTTP attempt to GitHub may take before it is abandoned (and retried, where Octokit retries). */
export const REQUEST_TIMEOUT_MS = 30_000;

type Fetch = typeof fetch;
const TIMED = Symbol("oras-advisory-bot.timed-fetch");

/** `fetch` that gives up on one attempt after `ms`; a caller's own signal still aborts it. */
function timedFetch(inner: Fetch, ms: number): Fetch {
  const wrapped: Fetch = (input, init) => {
    const limit = AbortSignal.timeout(ms);
    const signal = init?.signal ? AbortSignal.any([init.signal, limit]) : limit;
    return inner(input, { ...init, signal });
  };
  return Object.assign(wrapped, { [TIMED]: true });
}

/**
 * Bounds every HTTP attempt this Octokit makes. GitHub that never answers must not hold a run, and with
 * it the org's lock, forever: the attempt fails like a network error, which the retry plugin retries
 * and the next sweep heals. The limit is per attempt, so throttling queues and `retry-after` waits are
 * not cut short.
 */
export function useRequestTimeout(octokit: Octokit, ms: number = REQUEST_TIMEOUT_MS): Octokit {
  octokit.hook.wrap("request", (request, options) => {
    const given = options.request?.fetch as (Fetch & { [TIMED]?: boolean }) | undefined;
    if (!given?.[TIMED]) options.request = { ...options.request, fetch: timedFetch(given ?? globalThis.fetch, ms) };
    return request(options);
  });
  return octokit;
}
