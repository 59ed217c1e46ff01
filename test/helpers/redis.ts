/**
 * The Redis the tests share: `REDIS_URL` (`.ci/run` always serves one). Tests that need it run only
 * when a real connection to it succeeds. Every test works under its own key prefix, so test files
 * running side by side never meet.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { type RedisCoordinationOptions, redisCoordination } from "../../src/coordination/redis.js";

export const REDIS_URL = process.env.REDIS_URL ?? "";

async function reachable(url: string): Promise<boolean> {
  if (!url) return false;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Whether `REDIS_URL` is set and answers. */
export const redisServed = await reachable(REDIS_URL);

/** A key prefix of its own for one test. */
export const freshPrefix = (): string => `test-${randomUUID()}:`;

/** A client under `prefix`, failing fast as the app's does. Close it with `quit()`/`disconnect()`. */
export function client(prefix: string): Redis {
  const redis = new Redis(REDIS_URL, { keyPrefix: prefix, maxRetriesPerRequest: 1, commandTimeout: 5_000 });
  redis.on("error", () => undefined);
  return redis;
}

/** What one replica process would make: its own connection to the shared Redis, under the test's prefix. */
export const replicaCoordination =
  (prefix: string, options: RedisCoordinationOptions = {}) =>
  () =>
    redisCoordination(client(prefix), options);
