/**
 * Two replicas as production runs them: two OS processes of the built app (`node lib/main.js`, as
 * `npm start`), each on its own port, both with the same `REDIS_URL`, against one simulator. Nothing of
 * the app runs in the test: what the processes did is read from the simulator's world and request log,
 * and from Redis. Runs only when `REDIS_URL` answers (`.ci/run` always serves one).
 */
import { generateKeyPairSync, randomInt } from "node:crypto";
import type { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KEY_PREFIX, leaseKey } from "../../src/coordination/redis.js";
import { parseReply } from "../../src/domain/command-reply.js";
import type { SweepSummary } from "../../src/index.js";
import { BED_SECRET, bedEnv, deliverTo, heldDelivery } from "../../src/sim/harness.js";
import { createSimulator, type Delivery, type RecordedRequest, type Simulator } from "../../src/sim/index.js";
import { findLeaks } from "../../src/sim/leaks.js";
import { ORG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { offerRequestWindow } from "../../src/sim/windows.js";
import { orgKey } from "../../src/workflows/lock.js";
import { buildOnce, freePort, type Started, startBuilt, until } from "../helpers/process.js";
import { client, REDIS_URL, redisServed } from "../helpers/redis.js";
import { trackingIssues } from "../helpers/world.js";

const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
  type: "pkcs1",
  format: "pem",
}) as string;

/** The sweep route of the contract (README), on with `SWEEP_TOKEN`. */
const SWEEP_PATH = "/api/advisory-bot/sweep";
const SWEEP_TOKEN = "two-processes-sweep-token-5c1e";

/**
 * The simulator's delivery ids come from its seed, and the processes' ledger (in Redis, under the app's
 * own prefix) remembers handled ids for a day: a fixed seed would make a second run's deliveries
 * duplicates of the first's. The seed is in the suite's name.
 */
const SEED = randomInt(1, 2 ** 31 - 1);

const REPORT = {
  reporter: "reporter1",
  summary: "Path traversal in blob extraction",
  description: "### Impact\nWrites outside the target directory.\n",
  severity: "high" as const,
};
const ORAS_GO_TEAM = ["FeynmanZhou", "qweeah", "reporter1", "sajay", "shizhMSFT", "TerryHowe", "Wwwsylvia"].sort();

/**
 * Probot's throttling limiters that both processes use, and the settings @octokit/plugin-throttling
 * gives them. The plugin keys its groups (global, write, auth, …) by `throttle.id`: Probot sets it to the
 * installation id for an installation's Octokit and leaves the app's own (JWT) Octokit at "no-id".
 * With a Redis connection Bottleneck keeps each limiter under `b_<group>-<id>_*`.
 */
const limiters = (installation: number): Record<string, Record<string, string>> => ({
  [`octokit-global-${installation}`]: { maxConcurrent: "10", minTime: "0" },
  [`octokit-write-${installation}`]: { maxConcurrent: "1", minTime: "1000" },
  [`octokit-auth-${installation}`]: { maxConcurrent: "1", minTime: "0" },
  "octokit-global-no-id": { maxConcurrent: "10", minTime: "0" },
});

const ghsaIn = (path: string) => /\/security-advisories\/(GHSA-[\w-]+)/.exec(path)?.[1];
/** Requests that change GitHub: everything but reads, token requests and GraphQL queries. */
const isWrite = (r: Pick<RecordedRequest, "method" | "path" | "body">) =>
  r.method !== "GET" &&
  !r.path.endsWith("/access_tokens") &&
  !(r.path === "/graphql" && !/^\s*mutation/.test((r.body as { query?: string } | undefined)?.query ?? ""));
const isForkRequest = (ghsa: string) => (r: RecordedRequest) =>
  r.method === "POST" && r.path.endsWith(`/security-advisories/${ghsa}/forks`);
const isAccept = (ghsa: string) => (r: RecordedRequest) =>
  r.method === "PATCH" && ghsaIn(r.path) === ghsa && (r.body as { state?: string } | undefined)?.state === "draft";
const isTrackingCreate = (r: RecordedRequest) =>
  r.method === "POST" && r.path === `/repos/${ORG}/${TRACKER}/issues` && r.status === 201;

interface Replica extends Started {
  url: string;
}

describe.runIf(redisServed)(`two processes of node lib/main.js on one Redis (simulator seed ${SEED})`, () => {
  let sim: Simulator;
  let redis: Redis;
  let throttling: Record<string, Record<string, string>> = {};
  const started: Replica[] = [];
  let a: Replica;
  let b: Replica;
  /** The Bottleneck clients of each limiter before A started, once A had swept, once B had swept. */
  const clients: Record<"before" | "afterA" | "afterB", Record<string, string[]>> = {
    before: {},
    afterA: {},
    afterB: {},
  };
  const killAll = () => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
  };

  const start = async (): Promise<Replica> => {
    const port = await freePort();
    const env = bedEnv(sim, privateKey, port, {
      sweepIntervalMinutes: 1440, // the first sweep at start-up, then none during the test
      sweepToken: SWEEP_TOKEN,
      redisUrl: REDIS_URL,
    });
    const replica = { ...(await startBuilt(env)), url: `http://127.0.0.1:${port}` };
    started.push(replica);
    return replica;
  };

  /** A sweep through the route; answered when done (it shares a sweep in progress, such as the first one). */
  const sweep = async (replica: Replica): Promise<SweepSummary> => {
    const res = await fetch(`${replica.url}${SWEEP_PATH}`, {
      method: "POST",
      headers: { authorization: `Bearer ${SWEEP_TOKEN}` },
    });
    if (res.status !== 200) throw new Error(`sweep answered ${res.status}:\n${replica.output().slice(-4000)}`);
    return (await res.json()) as SweepSummary;
  };

  const limiterClients = async (): Promise<Record<string, string[]>> => {
    const out: Record<string, string[]> = {};
    for (const id of Object.keys(throttling)) out[id] = await redis.zrange(`b_${id}_client_last_seen`, 0, -1);
    return out;
  };

  /**
   * Waits until the shared delivery ledger records `delivery` as handled: from then on no copy of it, at
   * either process, does anything again (the copies still waiting are answered as duplicates).
   */
  const handled = (delivery: Delivery) =>
    until(`delivery ${delivery.id} handled`, async () => {
      const state = await redis.get(`${KEY_PREFIX}delivery:${delivery.id}:${delivery.event}`);
      return state === "handled";
    });

  beforeAll(async () => {
    process.once("exit", killAll);
    await buildOnce();
    redis = client("");
    sim = await createSimulator({ seed: SEED });
    throttling = limiters(seedOras(sim));
    // One process at a time, so each one's Bottleneck clients can be told apart.
    clients.before = await limiterClients();
    a = await start();
    // GitHub sends to one URL (a load balancer in front of the replicas); here process A's.
    sim.setWebhookTarget({ url: `${a.url}/api/github/webhooks`, secret: BED_SECRET });
    expect((await sweep(a)).errors).toEqual([]);
    clients.afterA = await limiterClients();
    b = await start();
    expect((await sweep(b)).errors).toEqual([]);
    clients.afterB = await limiterClients();
    await sim.idle();
  }, 180_000);

  afterAll(async () => {
    for (const p of started) {
      if (p.child.exitCode !== null || p.child.signalCode !== null) continue;
      p.child.kill("SIGTERM");
      const stopped = await Promise.race([p.exited.then(() => true), new Promise((r) => setTimeout(r, 10_000, false))]);
      if (!stopped) p.child.kill("SIGKILL");
    }
    killAll();
    process.off("exit", killAll);
    redis?.disconnect();
    if (!sim) return;
    await sim.close();
    // The processes' requests are checked against GitHub's OpenAPI description like every bed's (test/setup.ts),
    // and nothing embargoed may have reached a public repository.
    offerRequestWindow(sim.requests);
    const leaks = findLeaks(sim);
    if (leaks.length > 0) throw new Error(`leaked to a public repository:\n${leaks.join("\n")}`);
  }, 30_000);

  it("the same deliveries sent to both processes: one tracking issue, one fork request, one reply per command", async () => {
    const mark = sim.requests.length;
    const report = await heldDelivery(sim, () => sim.reportVulnerability(ORG, "oras-go", REPORT));
    const ghsa = (report.payload.repository_advisory as { ghsa_id: string }).ghsa_id;
    // The same signed delivery (same X-GitHub-Delivery id) at both processes, twice each, at once.
    const statuses = await Promise.all([a, b, a, b].map((p) => deliverTo(p.url, report)));
    // 202: Probot answers "still processing" when a run outlasts its 9 s (writes are paced a second apart).
    for (const status of statuses) expect([200, 202]).toContain(status);
    await handled(report);
    await sim.idle();
    const requests = sim.requests.slice(mark);
    expect(trackingIssues({ sim }, ghsa)).toHaveLength(1);
    expect(requests.filter(isTrackingCreate)).toHaveLength(1);
    expect(requests.filter(isForkRequest(ghsa))).toHaveLength(1);
    expect(requests.filter(isAccept(ghsa))).toHaveLength(1);
    expect(sim.world.getAdvisory(ghsa)?.state).toBe("draft");
    expect(sim.world.getAdvisory(ghsa)?.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);

    const [issue] = trackingIssues({ sim }, ghsa);
    const command = await heldDelivery(sim, () =>
      sim.comment(ORG, TRACKER, issue!.number, "qweeah", "/advisory severity critical"),
    );
    const commentId = (command.payload.comment as { id: number }).id;
    const before = sim.requests.length;
    const answers = await Promise.all([b, a, b].map((p) => deliverTo(p.url, command)));
    for (const status of answers) expect([200, 202]).toContain(status);
    await handled(command);
    await sim.idle();
    const replies = sim.world
      .listComments(ORG, TRACKER, issue!.number)
      .filter((c) => parseReply(c.body)?.commentId === commentId);
    expect(replies).toHaveLength(1);
    expect(parseReply(replies[0]!.body)?.entries).toEqual([expect.objectContaining({ ok: true })]);
    expect(sim.world.getAdvisory(ghsa)?.severity).toBe("critical");
    const severityPatches = sim.requests
      .slice(before)
      .filter((r) => r.method === "PATCH" && ghsaIn(r.path) === ghsa && (r.body as { severity?: string }).severity);
    expect(severityPatches.map((r) => r.body)).toEqual([expect.objectContaining({ severity: "critical" })]);
  }, 60_000);

  it("Probot's throttling is one Bottleneck cluster in that Redis: both processes are clients of the same limiters", async () => {
    for (const [id, settings] of Object.entries(throttling)) {
      // The limiter's settings live in Redis, as @octokit/plugin-throttling configured it.
      expect(await redis.hgetall(`b_${id}_settings`)).toMatchObject({ id, ...settings });
      const before = new Set(clients.before[id]);
      const ofA = clients.afterA[id]!.filter((c) => !before.has(c));
      const ofB = clients.afterB[id]!.filter((c) => !before.has(c) && !ofA.includes(c));
      // Each process joined the limiter as its own Bottleneck client, ran requests through it, and is
      // connected to it now (it listens on its own client channel of the limiter). Another process on
      // this Redis (a test file running alongside) may add clients of its own; they are not counted.
      const active = async (candidates: string[]) => {
        const out: string[] = [];
        for (const c of candidates) {
          const jobs = Number(await redis.zscore(`b_${id}_client_last_registered`, c));
          const [, listening] = (await redis.pubsub("NUMSUB", `b_${id}_${c}`)) as [string, number];
          if (jobs > 0 && listening === 1) out.push(c);
        }
        return out;
      };
      expect((await active(ofA)).length, `${id}: A's clients`).toBeGreaterThan(0);
      expect((await active(ofB)).length, `${id}: B's clients`).toBeGreaterThan(0);
    }
  });

  it("a process killed (SIGKILL) mid-run: the other one's next sweep finishes the work, once", async () => {
    const known = new Set(sim.world.listAdvisories().map((x) => x.ghsa_id));
    let killedAt: string | undefined;
    // The simulator shows each request as it arrives: process A is killed at its first write for the new
    // report, which GitHub still carries out (the process dies with its request sent).
    sim.failNext((r) => {
      const ghsa = ghsaIn(r.path);
      if (killedAt === undefined && isWrite(r) && ghsa !== undefined && !known.has(ghsa)) {
        killedAt = `${r.method} ${r.path}`;
        a.child.kill("SIGKILL");
      }
      return false;
    }, Number.POSITIVE_INFINITY);
    const sent = await sim.reportVulnerability(ORG, "oras-go", REPORT);
    await a.exited;
    expect(a.child.signalCode).toBe("SIGKILL");
    expect(killedAt).toBe(`PATCH /repos/${ORG}/oras-go/security-advisories/${sent.ghsa_id}`);
    expect(sent.status).not.toBe(200); // no answer (the connection died), or "still processing" before that
    // Mid-run: the report was accepted and staffed, not forked, and has no tracking issue.
    expect(sim.world.getAdvisory(sent.ghsa_id)?.state).toBe("draft");
    expect(sim.requests.filter(isForkRequest(sent.ghsa_id))).toEqual([]);
    expect(trackingIssues({ sim }, sent.ghsa_id)).toEqual([]);
    // The dead process still holds the org's lease in Redis: nobody releases it, it expires.
    const lease = leaseKey(orgKey(ORG));
    expect(await redis.pttl(lease)).toBeGreaterThan(0);

    // The load balancer sends what comes next to the live process; its next run is a sweep, which
    // waits for the dead process's lease on the org to expire (it is not renewed: at most 30 s).
    sim.setWebhookTarget({ url: `${b.url}/api/github/webhooks`, secret: BED_SECRET });
    const summary = await sweep(b);
    await sim.idle();
    expect(summary.errors).toEqual([]);
    expect(await redis.exists(lease)).toBe(0); // B took it once it expired, and released it
    expect(summary.orgs).toEqual([expect.objectContaining({ org: ORG, problems: [], failedCases: [] })]);
    expect(trackingIssues({ sim }, sent.ghsa_id)).toHaveLength(1);
    expect(sim.requests.filter(isForkRequest(sent.ghsa_id)).map((r) => r.status)).toEqual([202]);
    expect(sim.requests.filter(isAccept(sent.ghsa_id))).toHaveLength(1);
    expect(sim.world.getAdvisory(sent.ghsa_id)?.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);

    // Its next run repeats none of it: nothing written to the advisory, no fork, no issue, no comment.
    // The dashboard may be edited once: the sweep that opened the tracking issue rendered it from what
    // it had read before, so its response times catch up now.
    const mark = sim.requests.length;
    expect((await sweep(b)).errors).toEqual([]);
    await sim.idle();
    const dashboard = sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-dashboard"));
    const writes = sim.requests.slice(mark).filter(isWrite);
    expect(writes.filter((r) => r.path !== `/repos/${ORG}/${TRACKER}/issues/${dashboard?.number}`)).toEqual([]);
  }, 90_000);
});
