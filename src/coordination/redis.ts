/**
 * Coordination across replicas in Redis, through ioredis (the client Probot's own throttling uses).
 *
 * - The org lock is a lease: `SET NX PX` with a random token, renewed while the run lives, released
 *   only by its holder (token compared in a script). Taking it increments the org's fencing counter;
 *   before each write the run checks that its token still holds the lease and its number is still the
 *   latest, so a run whose lease expired (a stalled process) stops writing.
 * - Deliveries are claimed with `SET NX EX`: one replica handles a delivery, its duplicates wait for it
 *   and are then answered at once; a failed delivery's claim is dropped so a duplicate or redelivery
 *   runs again. Entries expire.
 * - Conditional responses are shared with an expiry (the store stays bounded).
 *
 * When Redis cannot be reached the lock and the ledger throw `CoordinationUnavailable` (503 to the
 * delivery): no run goes unlocked. The ETag cache only stops helping.
 */
import { createHash, randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import type { EtagEntry, EtagStore } from "../github/etag-cache.js";
import { KeyedLock, type Lease, type Lock } from "../workflows/lock.js";
import { type Coordination, CoordinationUnavailable, type DeliveryLedger, LeaseLost } from "./index.js";

/** Where coordination problems are told (the app's log); never given the URL. */
export interface CoordinationLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export const KEY_PREFIX = "oras-advisory-bot:";

export interface RedisCoordinationOptions {
  /** How long a lease lives without renewal (default 30 s); renewed every third of that. */
  leaseMs?: number;
  /** How long a run waits for a lease (or a delivery for its claim) another replica holds before it is refused (default 5 min). */
  waitMs?: number;
  /** How long a delivery's claim lasts without renewal (default 60 s) and a handled one is remembered (1 day). */
  claimSeconds?: number;
  handledSeconds?: number;
  /** How long a conditional response is kept (default 1 day). */
  etagSeconds?: number;
  log?: CoordinationLog;
}

const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;
const FENCE = `
if redis.call('GET', KEYS[1]) == ARGV[1] and redis.call('GET', KEYS[2]) == ARGV[2] then return 1 end
return 0`;

/** The scripts, as ioredis commands (`defineCommand`: EVALSHA, loading the script when Redis lacks it). */
interface Scripts {
  advisoryBotAcquire(lease: string, fence: string, token: string, ms: number): Promise<number>;
  advisoryBotRenew(lease: string, token: string, ms: number): Promise<number>;
  advisoryBotRelease(lease: string, token: string): Promise<number>;
  advisoryBotFence(lease: string, fence: string, token: string, n: string): Promise<number>;
}

function withScripts(redis: Redis): Redis & Scripts {
  const defined = redis as Redis & Partial<Scripts>;
  if (!defined.advisoryBotAcquire) {
    redis.defineCommand("advisoryBotAcquire", { numberOfKeys: 2, lua: ACQUIRE });
    redis.defineCommand("advisoryBotRenew", { numberOfKeys: 1, lua: RENEW });
    redis.defineCommand("advisoryBotRelease", { numberOfKeys: 1, lua: RELEASE });
    redis.defineCommand("advisoryBotFence", { numberOfKeys: 2, lua: FENCE });
  }
  return redis as Redis & Scripts;
}

const unavailable = (what: string, err: unknown): CoordinationUnavailable =>
  err instanceof CoordinationUnavailable
    ? err
    : new CoordinationUnavailable(`Redis is unavailable (${what}); the work is refused`, { cause: err });

export const leaseKey = (key: string): string => `${KEY_PREFIX}lease:${key}`;
export const fenceKey = (key: string): string => `${KEY_PREFIX}fence:${key}`;

/** The org lock across replicas. Runs of one process also queue in memory, so they do not poll Redis. */
export class RedisLeaseLock implements Lock {
  readonly #redis: Redis & Scripts;
  readonly #local = new KeyedLock();
  readonly #leaseMs: number;
  readonly #waitMs: number;
  readonly #log: RedisCoordinationOptions["log"];

  constructor(redis: Redis, options: RedisCoordinationOptions = {}) {
    this.#redis = withScripts(redis);
    this.#leaseMs = options.leaseMs ?? 30_000;
    this.#waitMs = options.waitMs ?? 300_000;
    this.#log = options.log;
  }

  run<T>(key: string, work: (lease: Lease) => Promise<T>): Promise<T> {
    return this.#local.run(key, () => this.#leased(key, work));
  }

  async #acquire(key: string, token: string): Promise<string> {
    const deadline = Date.now() + this.#waitMs;
    let pause = 25;
    for (;;) {
      let n: number;
      try {
        n = await this.#redis.advisoryBotAcquire(leaseKey(key), fenceKey(key), token, this.#leaseMs);
      } catch (err) {
        throw unavailable("taking a lease", err);
      }
      if (n > 0) return String(n);
      if (Date.now() >= deadline) throw new CoordinationUnavailable(`another replica held ${key} too long`);
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 500);
    }
  }

  async #leased<T>(key: string, work: (lease: Lease) => Promise<T>): Promise<T> {
    const token = randomBytes(16).toString("hex");
    const n = await this.#acquire(key, token);
    let lost = false;
    // A write was refused: the run's work is unfinished, so its delivery fails (the next run finishes it).
    let refused = false;
    const renewal = setInterval(
      () => {
        this.#redis.advisoryBotRenew(leaseKey(key), token, this.#leaseMs).then(
          (renewed) => {
            if (renewed !== 1) lost = true;
          },
          (err: unknown) => this.#log?.warn({ err, key }, "lease renewal failed"),
        );
      },
      Math.max(Math.floor(this.#leaseMs / 3), 10),
    );
    renewal.unref();
    const lease: Lease = {
      fence: async () => {
        if (!lost) {
          try {
            lost = (await this.#redis.advisoryBotFence(leaseKey(key), fenceKey(key), token, n)) !== 1;
          } catch (err) {
            // Ownership cannot be proven: write nothing.
            lost = true;
            refused = true;
            throw unavailable("checking a lease", err);
          }
        }
        if (lost) {
          refused = true;
          throw new LeaseLost(key);
        }
      },
    };
    try {
      const result = await work(lease);
      // A run stopped by its fence did not finish its writes: its delivery fails; the next run finishes.
      if (refused) throw new LeaseLost(key);
      return result;
    } finally {
      clearInterval(renewal);
      await this.#redis
        .advisoryBotRelease(leaseKey(key), token)
        .catch((err: unknown) => this.#log?.warn({ err, key }, "lease release failed; it expires"));
    }
  }
}

/**
 * The delivery ledger across replicas. A delivery being handled is claimed for `claimSeconds` (default
 * 60 s), renewed while its handler runs, so a replica that dies leaves no claim behind for long. The same
 * delivery arriving meanwhile (at any replica) waits: answered at once when the first handled it, run
 * again when the first failed (its claim is dropped) or died (its claim expired).
 */
export function redisLedger(redis: Redis, options: RedisCoordinationOptions = {}): DeliveryLedger {
  const claimSeconds = options.claimSeconds ?? 60;
  const handledSeconds = options.handledSeconds ?? 86_400;
  const waitMs = options.waitMs ?? 300_000;
  const k = (key: string) => `${KEY_PREFIX}delivery:${key}`;
  const renewals = new Map<string, NodeJS.Timeout>();
  const stop = (key: string) => {
    clearInterval(renewals.get(key));
    renewals.delete(key);
  };
  return {
    claim: async (key) => {
      const deadline = Date.now() + waitMs;
      let pause = 25;
      for (;;) {
        let state: string | null;
        try {
          if ((await redis.set(k(key), "claimed", "EX", claimSeconds, "NX")) === "OK") break;
          state = await redis.get(k(key));
        } catch (err) {
          throw unavailable("claiming a delivery", err);
        }
        if (state === "handled") return false;
        if (state === "claimed") {
          if (Date.now() >= deadline) throw new CoordinationUnavailable("the delivery is being handled elsewhere");
          await new Promise((r) => setTimeout(r, pause));
          pause = Math.min(pause * 2, 500);
        }
      }
      const renewal = setInterval(
        () => {
          redis
            .expire(k(key), claimSeconds)
            .catch((err: unknown) => options.log?.warn({ err }, "could not renew a delivery's claim"));
        },
        Math.max(Math.floor((claimSeconds * 1000) / 3), 10),
      );
      renewal.unref();
      renewals.set(key, renewal);
      return true;
    },
    done: async (key) => {
      stop(key);
      await redis
        .set(k(key), "handled", "EX", handledSeconds)
        .catch((err: unknown) => options.log?.warn({ err }, "could not record a handled delivery"));
    },
    release: async (key) => {
      stop(key);
      await redis
        .del(k(key))
        .catch((err: unknown) => options.log?.warn({ err }, "could not drop a failed delivery's claim"));
    },
  };
}

/** Conditional responses shared by replicas; an unreachable Redis is a cache miss. */
export class RedisEtagStore implements EtagStore {
  hits = 0;
  constructor(
    readonly redis: Redis,
    readonly seconds = 86_400,
  ) {}

  #key(key: string): string {
    return `${KEY_PREFIX}etag:${createHash("sha256").update(key).digest("base64url")}`;
  }

  async get(key: string): Promise<EtagEntry | undefined> {
    try {
      const text = await this.redis.get(this.#key(key));
      return text ? (JSON.parse(text) as EtagEntry) : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, entry: EtagEntry): Promise<void> {
    await this.redis.set(this.#key(key), JSON.stringify(entry), "EX", this.seconds).catch(() => undefined);
  }
}

/**
 * A client for `url` that fails fast while Redis is down (a command gives up after one reconnection
 * attempt or 5 s) instead of queueing work behind an outage. An outage is logged once, and its end.
 * The URL (it may carry a password) is never logged.
 */
export function connectRedis(url: string, log?: CoordinationLog): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, commandTimeout: 5_000, connectTimeout: 5_000 });
  let down = false;
  redis.on("error", (err: Error & { code?: string }) => {
    if (down) return;
    down = true;
    log?.warn(
      { err: { message: err.message, code: err.code } },
      "Redis unreachable: work that needs a lock is refused",
    );
  });
  redis.on("ready", () => {
    if (!down) return;
    down = false;
    log?.info({}, "Redis reachable again");
  });
  return redis;
}

/** Every replica's lock, ledger and ETag cache in the Redis `redis` points at. */
export function redisCoordination(redis: Redis, options: RedisCoordinationOptions = {}): Coordination {
  return {
    kind: "redis",
    lock: new RedisLeaseLock(redis, options),
    deliveries: redisLedger(redis, options),
    etags: new RedisEtagStore(redis, options.etagSeconds),
    close: async () => {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
