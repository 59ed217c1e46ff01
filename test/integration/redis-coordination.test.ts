/**
 * The Redis coordination store against a real Redis: one lease holder per org across clients, a run
 * whose lease was taken over writes nothing more, deliveries claimed once, ETags shared, and an
 * unreachable Redis refuses work (503) instead of running it unlocked.
 */
import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { CoordinationUnavailable, LeaseLost } from "../../src/coordination/index.js";
import { connectRedis, fenceKey, leaseKey, RedisLeaseLock, redisCoordination } from "../../src/coordination/redis.js";
import { ApplyError, apply } from "../../src/github/apply.js";
import type { Octokit } from "../../src/github/types.js";
import { instrument } from "../../src/instrument.js";
import { orgKey } from "../../src/workflows/lock.js";
import { client, freshPrefix, REDIS_URL, redisServed } from "../helpers/redis.js";

const log = pino({ level: "silent" });
const KEY = orgKey("oras-project");

/** An Octokit whose only write is `issues.createComment`, counting calls. */
function fakeOctokit() {
  const comments: string[] = [];
  const octokit = {
    rest: {
      issues: {
        createComment: async (p: { body: string }) => {
          comments.push(p.body);
          return { data: {} };
        },
      },
    },
  } as unknown as Octokit;
  return { octokit, comments };
}

const comment = (body: string) => ({
  op: "issue.comment" as const,
  params: { owner: "o", repo: "r", issue_number: 1, body },
  why: "test",
});

describe.runIf(redisServed)("Redis coordination", () => {
  const open: Array<{ disconnect(): void }> = [];
  const redis = (prefix: string) => {
    const r = client(prefix);
    open.push(r);
    return r;
  };
  afterEach(() => {
    for (const r of open.splice(0)) r.disconnect();
  });

  it("one run at a time per org across clients; the fencing number grows with each lease", async () => {
    const prefix = freshPrefix();
    const a = new RedisLeaseLock(redis(prefix));
    const b = new RedisLeaseLock(redis(prefix));
    const events: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const first = a.run(KEY, async () => {
      events.push("a in");
      await gate;
      events.push("a out");
    });
    while (!(await redis(prefix).exists(leaseKey(KEY)))) await new Promise((r) => setTimeout(r, 5));
    const second = b.run(KEY, async () => {
      events.push("b in");
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(["a in"]);
    release();
    await Promise.all([first, second]);
    expect(events).toEqual(["a in", "a out", "b in"]);
    expect(await redis(prefix).get(fenceKey(KEY))).toBe("2");
    expect(await redis(prefix).exists(leaseKey(KEY))).toBe(0); // released by its holder
  });

  it("a run whose lease expired and was taken over writes nothing after the fencing check", async () => {
    const prefix = freshPrefix();
    const shared = redis(prefix);
    const stale = new RedisLeaseLock(redis(prefix));
    const other = new RedisLeaseLock(redis(prefix));
    const { octokit, comments } = fakeOctokit();
    const run = stale.run(KEY, async (lease) => {
      await apply([comment("one")], { octokit, log, dryRun: false, fence: lease.fence });
      // The lease expires (a stalled process) and another replica takes the org.
      await shared.del(leaseKey(KEY));
      let taken!: () => void;
      const holding = new Promise<void>((r) => {
        taken = r;
      });
      const otherRun = other.run(KEY, async () => {
        taken();
        await new Promise((r) => setTimeout(r, 20));
      });
      await holding;
      const err = await apply([comment("two"), comment("three")], {
        octokit,
        log,
        dryRun: false,
        fence: lease.fence,
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApplyError);
      expect((err as ApplyError).done).toEqual([]);
      expect((err as ApplyError).cause).toBeInstanceOf(LeaseLost);
      await otherRun;
    });
    await expect(run).rejects.toBeInstanceOf(LeaseLost);
    expect(comments).toEqual(["one"]);
  });

  it("a run that lives longer than its lease keeps it (renewal); another run waits for it", async () => {
    const prefix = freshPrefix();
    const lock = new RedisLeaseLock(redis(prefix), { leaseMs: 1_500 });
    const other = new RedisLeaseLock(redis(prefix), { leaseMs: 1_500 });
    const { octokit, comments } = fakeOctokit();
    const order: string[] = [];
    let started!: () => void;
    const holding = new Promise<void>((r) => {
      started = r;
    });
    const long = lock.run(KEY, async (lease) => {
      started();
      await new Promise((r) => setTimeout(r, 3_500)); // more than twice the lease
      await apply([comment("late")], { octokit, log, dryRun: false, fence: lease.fence });
      order.push("long");
    });
    await holding;
    const next = other.run(KEY, async () => {
      order.push("next");
    });
    await Promise.all([long, next]);
    expect(comments).toEqual(["late"]);
    expect(order).toEqual(["long", "next"]);
  });

  it("a delivery is claimed once: a duplicate waits, then runs again if the first failed or is answered at once if it was handled; ETags are shared", async () => {
    const prefix = freshPrefix();
    const one = redisCoordination(redis(prefix));
    const two = redisCoordination(redis(prefix));
    expect(await one.deliveries.claim("d-1:release")).toBe(true);
    const waiting = Promise.resolve(two.deliveries.claim("d-1:release"));
    await one.deliveries.release("d-1:release"); // the first failed
    expect(await waiting).toBe(true);
    const again = Promise.resolve(one.deliveries.claim("d-1:release"));
    await two.deliveries.done("d-1:release"); // handled
    expect(await again).toBe(false);
    expect(await two.deliveries.claim("d-1:release")).toBe(false);

    const entry = { etag: '"abc"', response: { status: 200, url: "u", headers: { etag: '"abc"' }, data: [1, 2] } };
    await one.etags.set("oras GET /x", entry);
    expect(await two.etags.get("oras GET /x")).toEqual(entry);
    expect(await two.etags.get("other GET /x")).toBeUndefined();
  });

  it("a replica that dies while handling a delivery leaves no claim behind once it expires", async () => {
    const prefix = freshPrefix();
    const dying = redis(prefix);
    const dead = redisCoordination(dying, { claimSeconds: 1 });
    const live = redisCoordination(redis(prefix), { claimSeconds: 1 });
    expect(await dead.deliveries.claim("d-3:issue_comment")).toBe(true);
    dying.disconnect(); // no renewal, no release
    expect(await live.deliveries.claim("d-3:issue_comment")).toBe(true);
    await live.deliveries.done("d-3:issue_comment");
  });

  it("Redis unreachable: the lock and the ledger refuse work with 503; the delivery is not run", async () => {
    const down = connectRedis("redis://127.0.0.1:1");
    open.push(down);
    const coordination = redisCoordination(down);
    let ran = false;
    const err = await coordination.lock
      .run(KEY, async () => {
        ran = true;
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CoordinationUnavailable);
    expect((err as CoordinationUnavailable).status).toBe(503);
    expect(String((err as Error).message)).not.toContain("127.0.0.1:1");
    const wrapped = instrument(
      async () => {
        ran = true;
        return { outcome: "done" as const };
      },
      { ledger: coordination.deliveries },
    );
    const thrown = await wrapped({ id: "d-2", name: "release", payload: {}, log }).catch((e: unknown) => e);
    expect(thrown).toBeInstanceOf(CoordinationUnavailable);
    expect(ran).toBe(false);
    expect(await coordination.etags.get("k")).toBeUndefined(); // the cache only stops helping
    expect(REDIS_URL).not.toBe("");
  });
});
