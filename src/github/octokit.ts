/**
 * The Octokit class of the app: Probot's `ProbotOctokit` (throttling, retries of 5xx and network errors,
 * pagination, config) with the app's own policy for GitHub's secondary rate limits. Probot builds every
 * Octokit of the process from it — each webhook's, each installation's in the sweep, the app's own —
 * and `src/bootstrap.ts` hands it to Probot's `run`, in production and in the end-to-end bed alike.
 */
import { ProbotOctokit } from "probot";
import { RATE_LIMIT_POLICY, secondaryLimitRetry } from "./rate-limit.js";

/** How long waits last. Production: real seconds. The test bed shortens every wait by one factor. */
export interface Pacing {
  /** Milliseconds one second of waiting lasts (1,000 in production). */
  secondMs: number;
}

export const PRODUCTION_PACING: Pacing = { secondMs: 1000 };

/** plugin-retry's defaults, plus 429: a 429 is a rate limit, retried by the app's policy alone. */
const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451];

type Options = Record<string, unknown> & { throttle?: Record<string, unknown>; retry?: Record<string, unknown> };

export function appOctokit(pacing: Pacing = PRODUCTION_PACING): typeof ProbotOctokit {
  const scaled = pacing.secondMs !== PRODUCTION_PACING.secondMs ? pacedLimiters(pacing.secondMs / 1000) : {};
  return ProbotOctokit.plugin(secondaryLimitRetry).defaults((o: Options) => ({
    ...o,
    rateLimitPolicy: { ...RATE_LIMIT_POLICY, secondMs: pacing.secondMs },
    retry: { ...o.retry, doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: pacing.secondMs },
    throttle: {
      ...o.throttle,
      // Secondary limits are retried by `secondaryLimitRetry`, which honours `retry-after` and backs off.
      onSecondaryRateLimit: () => false,
      retryAfterBaseValue: pacing.secondMs,
      ...scaled,
    },
  })) as typeof ProbotOctokit;
}

/**
 * plugin-throttling's limiters (at most 10 requests at once; writes and GraphQL one a second,
 * notifying writes one every 3 s, searches one every 2 s; auth one at a time) with their spacing
 * scaled by `factor`, shared by every Octokit of one class as plugin-throttling's own are by the
 * process. Only the bed uses them.
 */
function pacedLimiters(factor: number): Record<string, unknown> {
  const group = (maxConcurrent: number, minTimeMs: number) => {
    const limiters = new Map<string, PacedLimiter>();
    return {
      key: (id: string) => {
        const known = limiters.get(id);
        if (known) return known;
        const limiter = new PacedLimiter(maxConcurrent, minTimeMs * factor);
        limiters.set(id, limiter);
        return limiter;
      },
    };
  };
  return {
    global: group(10, 0),
    auth: group(1, 0),
    search: group(1, 2000),
    write: group(1, 1000),
    notifications: group(1, 3000),
  };
}

/** The part of a Bottleneck limiter plugin-throttling uses: `schedule([options], fn, ...args)`. */
class PacedLimiter {
  private running = 0;
  private nextStart = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly queue: Array<() => void> = [];
  constructor(
    private readonly maxConcurrent: number,
    private readonly minTimeMs: number,
  ) {}

  schedule(...args: unknown[]): Promise<unknown> {
    const options = typeof args[0] === "function" ? {} : (args.shift() as { weight?: number });
    const [fn, ...rest] = args as [(...a: unknown[]) => unknown, ...unknown[]];
    return new Promise((resolve, reject) => {
      const start = () => {
        const counted = options.weight !== 0; // retries carry weight 0 and are not held back
        if (counted) this.running += 1;
        Promise.resolve()
          .then(() => fn(...rest))
          .then(resolve, reject)
          .finally(() => {
            if (counted) this.running -= 1;
            this.pump();
          });
      };
      if (options.weight === 0) start();
      else {
        this.queue.push(start);
        this.pump();
      }
    });
  }

  private pump(): void {
    while (this.running < this.maxConcurrent && this.queue.length > 0) {
      const wait = this.nextStart - Date.now();
      if (wait > 0) {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, wait);
        return;
      }
      this.nextStart = Date.now() + this.minTimeMs;
      this.queue.shift()?.();
    }
  }
}
