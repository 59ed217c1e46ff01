/**
 * What replicas of the app share: the lock each run for an org holds, the record of handled deliveries
 * and the conditional-request cache. In one process they live in memory (`localCoordination`); with
 * `REDIS_URL` they live in Redis (`redisCoordination`), so several replicas behave as one.
 */
import { EtagCache, type EtagStore } from "../github/etag-cache.js";
import { KeyedLock, type Lock } from "../workflows/lock.js";
import { RecentSet } from "../workflows/recent.js";

/**
 * Deliveries handled: a duplicate (GitHub's retry, a redelivery, the same delivery at two replicas)
 * is answered at once. `claim` is true when the delivery is still to be handled here.
 */
export interface DeliveryLedger {
  claim(key: string): boolean | Promise<boolean>;
  /** The delivery was handled: its duplicates are answered at once. */
  done(key: string): void | Promise<void>;
  /** The delivery failed: a redelivery runs it again. */
  release(key: string): void | Promise<void>;
}

export interface Coordination {
  /** `"memory"` (one process) or `"redis"` (shared by every replica). */
  readonly kind: "memory" | "redis";
  lock: Lock;
  deliveries: DeliveryLedger;
  etags: EtagStore;
  /** Lets go of connections; runs in progress keep what they hold until they end. */
  close(): Promise<void>;
}

/**
 * The coordination store cannot be reached, or the run lost its lease: the work is refused, never done
 * unlocked. Probot answers the delivery with `status` (503), so GitHub shows it failed.
 */
export class CoordinationUnavailable extends Error {
  readonly status = 503;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CoordinationUnavailable";
  }
}

/** A run's lease on an org was taken over (it expired): the run must not write again. */
export class LeaseLost extends CoordinationUnavailable {
  constructor(key: string) {
    super(`the lease on ${key} was lost; the run stopped writing`);
    this.name = "LeaseLost";
  }
}

/** The deliveries an in-process ledger remembers (bounded: memory stays flat). */
export function localLedger(handled: RecentSet): DeliveryLedger {
  return {
    claim: (key) => !handled.has(key),
    done: (key) => handled.add(key),
    release: () => undefined,
  };
}

/** Today's single process: an in-memory lock per org, delivery ledger and ETag cache. */
export function localCoordination(): Coordination {
  return {
    kind: "memory",
    lock: new KeyedLock(),
    deliveries: localLedger(new RecentSet(10_000)),
    etags: new EtagCache(2_000),
    close: async () => undefined,
  };
}
