/**
 * The app's retry policy for GitHub's secondary rate limits (a 403 naming the secondary limit, or a
 * 429), as GitHub asks clients to behave: wait `retry-after` when GitHub sends it; otherwise wait at
 * least a minute and back off exponentially; give up after a bounded number of attempts (the next
 * sweep heals what was not done). GitHub refused such a request without carrying it out, so even a
 * create is retried. Primary rate limits (`x-ratelimit-remaining: 0`) stay with plugin-throttling.
 *
 * Probot 14's `run` replaces plugin-throttling's secondary-limit handler with one that only logs, so
 * the app sets this policy itself, as an Octokit plugin every Octokit of the process is built with.
 */
import type { Octokit as Core } from "@octokit/core";
import type { OctokitOptions } from "@octokit/core/types";

export interface RateLimitPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Wait without `retry-after`, in seconds, before the first retry (doubled for each one after). */
  fallbackSeconds: number;
  /** A `retry-after` longer than this is not waited for: the request fails and the next sweep heals. */
  maxWaitSeconds: number;
  /** Milliseconds one second of waiting lasts: 1,000 (tests shorten the waits, never skip them). */
  secondMs: number;
}

export const RATE_LIMIT_POLICY: RateLimitPolicy = {
  maxRetries: 3,
  fallbackSeconds: 60,
  maxWaitSeconds: 15 * 60,
  secondMs: 1000,
};

interface Failure {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function header(failure: Failure, name: string): string | undefined {
  const value = failure.response?.headers?.[name];
  return value === undefined ? undefined : String(value);
}

/** Whether GitHub refused the request for its secondary rate limit. */
export function isSecondaryLimit(failure: unknown): boolean {
  const f = (failure ?? {}) as Failure;
  if (header(f, "x-ratelimit-remaining") === "0") return false; // the primary limit
  const said = `${f.message ?? ""} ${(f.response?.data as { message?: unknown } | undefined)?.message ?? ""}`;
  return f.status === 429 || (f.status === 403 && /secondary rate limit/i.test(said));
}

/**
 * Seconds to wait before retrying a request that failed with `failure` after `retries` retries, or null
 * when it must not be retried. `now` reads `retry-after` given as an HTTP date.
 */
export function secondaryLimitWait(
  failure: unknown,
  retries: number,
  policy: RateLimitPolicy = RATE_LIMIT_POLICY,
  now: number = Date.now(),
): number | null {
  if (!isSecondaryLimit(failure) || retries >= policy.maxRetries) return null;
  const given = header(failure as Failure, "retry-after");
  if (given !== undefined && given.trim() !== "") {
    const seconds = /^\d+$/.test(given.trim()) ? Number(given.trim()) : Math.ceil((Date.parse(given) - now) / 1000);
    if (Number.isFinite(seconds)) {
      const wait = Math.max(0, seconds);
      return wait > policy.maxWaitSeconds ? null : wait;
    }
  }
  return policy.fallbackSeconds * 2 ** retries;
}

/** Octokit plugin: retries secondary rate limits by the policy, logging each wait. */
export function secondaryLimitRetry(octokit: Core, options: OctokitOptions): void {
  const policy: RateLimitPolicy = { ...RATE_LIMIT_POLICY, ...(options.rateLimitPolicy as Partial<RateLimitPolicy>) };
  octokit.hook.wrap("request", async (request, requestOptions) => {
    for (let retries = 0; ; retries++) {
      try {
        return await request(requestOptions);
      } catch (err) {
        const wait = secondaryLimitWait(err, retries, policy);
        if (wait === null) throw err;
        const status = (err as Failure).status;
        octokit.log.warn(
          `Secondary rate limit (${status}) on ${requestOptions.method} ${requestOptions.url}: retry ${retries + 1} of ${policy.maxRetries} in ${wait} s`,
        );
        await new Promise((resolve) => setTimeout(resolve, wait * policy.secondMs));
      }
    }
  });
}
