/**
 * Several replicas on one Redis: two app instances (each its own Probot server, app state and Redis
 * connection, as two processes would have) against one simulated GitHub. The same deliveries sent to
 * both have one effect each; a replica that dies mid-run leaves its work to the other's next run; a run
 * whose lease expired and was taken over writes nothing after its fencing check. Runs only when
 * `REDIS_URL` answers (`.ci/run` always serves one).
 */
import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { connectRedis, redisCoordination } from "../../src/coordination/redis.js";
import { parseReply } from "../../src/domain/command-reply.js";
import {
  BED_SECRET,
  type Bed,
  deliverTo,
  heldDelivery,
  type Replica,
  startBed,
  startReplica,
} from "../../src/sim/harness.js";
import type { RecordedRequest } from "../../src/sim/index.js";
import { ORG, ORG_CONFIG, seedOras, TRACKER } from "../../src/sim/oras-world.js";
import { orgKey } from "../../src/workflows/lock.js";
import { capturingLogger } from "../helpers/log.js";
import { client, freshPrefix, redisServed, replicaCoordination } from "../helpers/redis.js";
import { trackingIssues } from "../helpers/world.js";

const REPORT = {
  reporter: "reporter1",
  summary: "Path traversal in blob extraction",
  description: "### Impact\nWrites outside the target directory.\n",
  severity: "high" as const,
};
const ORAS_GO_TEAM = ["FeynmanZhou", "qweeah", "reporter1", "sajay", "shizhMSFT", "TerryHowe", "Wwwsylvia"].sort();

const isForkRequest = (r: RecordedRequest) => r.method === "POST" && r.route?.endsWith("/forks") === true;
const isTrackingCreate = (r: RecordedRequest) =>
  r.method === "POST" && r.path === `/repos/${ORG}/${TRACKER}/issues` && r.status === 201;
/** Requests that change GitHub: everything but reads, token requests and GraphQL queries. */
const isWrite = (r: { method: string; path: string; graphql?: { query?: string } | null }) =>
  r.method !== "GET" &&
  !r.path.endsWith("/access_tokens") &&
  !(r.path === "/graphql" && !/^\s*mutation/.test(r.graphql?.query ?? ""));
const isWriteUrl = (r: { method: string; url: string }) =>
  r.method !== "GET" && !r.url.endsWith("/access_tokens") && !r.url.endsWith("/graphql");

describe.runIf(redisServed)("several replicas on one Redis", () => {
  let bed: Bed | undefined;
  const replicas: Replica[] = [];
  afterEach(async () => {
    for (const r of replicas.splice(0)) await r.stop();
    await bed?.close();
    bed = undefined;
  });

  it("the same deliveries sent to both replicas: one tracking issue, one fork request, one reply per command", async () => {
    const prefix = freshPrefix();
    bed = await startBed({ seed: 41, coordination: replicaCoordination(prefix) });
    const b = await startReplica(bed, { coordination: replicaCoordination(prefix) });
    replicas.push(b);
    seedOras(bed.sim);
    await bed.bot.sweepAll();
    bed.sim.resetRequests();

    const report = await heldDelivery(bed.sim, () => bed!.sim.reportVulnerability(ORG, "oras-go", REPORT));
    const ghsa = (report.payload.repository_advisory as { ghsa_id: string }).ghsa_id;
    const statuses = await Promise.all(
      [bed.appUrl, b.appUrl, bed.appUrl, b.appUrl].map((url) => deliverTo(url, report)),
    );
    await bed.sim.idle();
    expect(statuses).toEqual([200, 200, 200, 200]);
    expect(trackingIssues(bed, ghsa)).toHaveLength(1);
    expect(bed.sim.requests.filter(isTrackingCreate)).toHaveLength(1);
    expect(bed.sim.requests.filter((r) => isForkRequest(r) && r.path.includes(ghsa))).toHaveLength(1);
    expect(bed.sim.world.getAdvisory(ghsa)?.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);

    const [issue] = trackingIssues(bed, ghsa);
    const command = await heldDelivery(bed.sim, () =>
      bed!.sim.comment(ORG, TRACKER, issue!.number, "qweeah", "/advisory severity critical"),
    );
    const commentId = (command.payload.comment as { id: number }).id;
    bed.sim.resetRequests();
    const answers = await Promise.all([b.appUrl, bed.appUrl, b.appUrl].map((url) => deliverTo(url, command)));
    await bed.sim.idle();
    expect(answers).toEqual([200, 200, 200]);
    const replies = bed.sim.world
      .listComments(ORG, TRACKER, issue!.number)
      .filter((c) => parseReply(c.body)?.commentId === commentId);
    expect(replies).toHaveLength(1);
    expect(bed.sim.world.getAdvisory(ghsa)?.severity).toBe("critical");
    const severityPatches = bed.sim.requests.filter(
      (r) => r.method === "PATCH" && r.path.endsWith(ghsa) && (r.body as { severity?: string })?.severity,
    );
    expect(severityPatches).toHaveLength(1);
  });

  it("a replica killed mid-run: the other finishes the work on its next run, once", async () => {
    const prefix = freshPrefix();
    let dead = false;
    let aRedis: Redis | undefined;
    bed = await startBed({
      seed: 42,
      coordination: () => {
        aRedis = client(prefix);
        return redisCoordination(aRedis, { leaseMs: 1_000 });
      },
      beforeRequest: (r) => {
        if (!dead && r.method === "POST" && r.url.endsWith("/forks")) {
          // The process dies here: no request leaves it again, its Redis connection is gone, its lease
          // is neither renewed nor released (it expires).
          dead = true;
          aRedis?.disconnect();
        }
        if (dead) throw new Error("the process is gone");
      },
    });
    const b = await startReplica(bed, { coordination: replicaCoordination(prefix, { leaseMs: 1_000 }) });
    replicas.push(b);
    seedOras(bed.sim);
    await b.bot.sweepAll();

    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    expect(dead).toBe(true);
    expect(sent.status).not.toBe(200);
    // The load balancer sends the rest to the live replica.
    bed.sim.setWebhookTarget({ url: `${b.appUrl}/api/github/webhooks`, secret: BED_SECRET });
    expect(bed.sim.requests.filter((r) => isForkRequest(r))).toHaveLength(0);
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(0);

    const summary = await b.bot.sweepAll(); // waits for the dead replica's lease to expire
    await bed.sim.idle();
    expect(summary.errors).toEqual([]);
    expect(bed.sim.requests.filter((r) => isForkRequest(r) && r.status === 202)).toHaveLength(1);
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(1);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);
    // Its next run changes nothing.
    bed.sim.resetRequests();
    await b.bot.sweepAll();
    expect(bed.sim.requests.filter(isWrite)).toEqual([]);
  });

  it("a lease that expires mid-run: the stale run writes nothing after its fencing check; the other finishes", async () => {
    const prefix = freshPrefix();
    let b: Replica | undefined;
    let mark = -1;
    let releaseTakeover: (() => void) | undefined;
    let takeover: Promise<unknown> | undefined;
    const redis = client(prefix);
    bed = await startBed({
      seed: 43,
      coordination: replicaCoordination(prefix),
      beforeRequest: async (r) => {
        if (mark >= 0 || !b || !isWriteUrl(r)) return;
        // The first write is on its way (its fence check passed). Now the run stalls past its lease:
        // the lease expires and replica B takes the org.
        mark = bed!.sim.requests.length;
        await redis.del(`oras-advisory-bot:lease:${orgKey(ORG)}`);
        await new Promise<void>((taken) => {
          takeover = b!.bot.coordination.lock.run(orgKey(ORG), async () => {
            taken();
            await new Promise<void>((r) => {
              releaseTakeover = r;
            });
          });
        });
      },
    });
    b = await startReplica(bed, { coordination: replicaCoordination(prefix) });
    replicas.push(b);
    seedOras(bed.sim);
    const replicaB = b;
    b = undefined; // the seeding sweep runs unhindered
    await replicaB.bot.sweepAll();
    bed.sim.resetRequests();
    b = replicaB;

    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    expect(mark).toBeGreaterThanOrEqual(0);
    // The delivery fails (GitHub shows it), and after the write in flight the stale run wrote nothing.
    expect(sent.status).toBe(503);
    const after = bed.sim.requests.slice(mark).filter(isWrite);
    expect(after).toHaveLength(1);
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(0);

    releaseTakeover?.();
    await takeover;
    redis.disconnect();
    const summary = await replicaB.bot.sweepAll();
    await bed.sim.idle();
    expect(summary.errors).toEqual([]);
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(1);
    expect(bed.sim.requests.filter((r) => isForkRequest(r) && r.status === 202)).toHaveLength(1);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.collaborating_users.sort()).toEqual(ORAS_GO_TEAM);
  });

  it("a push to a roster file a configuration names since the other replica last read the org re-staffs there too", async () => {
    const prefix = freshPrefix();
    bed = await startBed({ seed: 44, coordination: replicaCoordination(prefix) });
    const b = await startReplica(bed, { coordination: replicaCoordination(prefix) });
    replicas.push(b);
    seedOras(bed.sim);
    const report = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    await bed.sim.idle();
    await bed.bot.sweepAll();
    await b.bot.sweepAll();
    expect(bed.sim.world.getAdvisory(report.ghsa_id)?.collaborating_users).not.toContain("SteveLasker");

    // The org configuration names one more roster file; the bed's replica handles that push.
    await bed.sim.push(ORG, ".github", {
      pusher: "sajay",
      files: {
        ".github/advisory-bot.yml": `${ORG_CONFIG}maintainers:\n  files: [OWNERS.md, MAINTAINERS.md, CODEOWNERS, docs/TEAM.md]\n`,
      },
      message: "Name docs/TEAM.md",
    });
    await bed.sim.idle();

    // The other replica gets the push to that file.
    const push = await heldDelivery(bed.sim, () =>
      bed!.sim.push(ORG, "oras-go", {
        pusher: "shizhMSFT",
        files: { "docs/TEAM.md": "Owners:\n  - Steve Lasker (@SteveLasker)\n" },
        message: "Steve joins",
      }),
    );
    expect(await deliverTo(b.appUrl, push)).toBe(200);
    await bed.sim.idle();
    expect(bed.sim.world.getAdvisory(report.ghsa_id)?.collaborating_users).toContain("SteveLasker");
  });

  it("the dashboard follows events on each replica, and one whose picture of the org is older than the dashboard leaves it to the next sweep", async () => {
    const prefix = freshPrefix();
    bed = await startBed({ seed: 43, coordination: replicaCoordination(prefix) });
    const b = await startReplica(bed, { coordination: replicaCoordination(prefix) });
    replicas.push(b);
    seedOras(bed.sim);
    await bed.bot.sweepAll();
    await b.bot.sweepAll();
    const dashboard = () =>
      bed!.sim.world.listIssues(ORG, TRACKER).find((i) => i.labels.includes("advisory-dashboard"))?.body ?? "";

    // A report handled by the bed's replica shows on the dashboard at once.
    const x = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    await bed.sim.idle();
    expect(dashboard()).toContain(x.ghsa_id);

    // A report handled by the other replica, which has not seen the first since its sweep: it does not
    // render the dashboard from what it knows, which would take the first report out.
    const y = await heldDelivery(bed.sim, () =>
      bed!.sim.reportVulnerability(ORG, "oras", { ...REPORT, reporter: "reporter2" }),
    );
    const ghsaY = (y.payload.repository_advisory as { ghsa_id: string }).ghsa_id;
    expect(await deliverTo(b.appUrl, y)).toBe(200);
    await bed.sim.idle();
    expect(trackingIssues(bed, ghsaY)).toHaveLength(1);
    expect(dashboard()).toContain(x.ghsa_id);

    // The next sweep, on either replica, shows both; then events follow again on that replica.
    await b.bot.sweepAll();
    expect(dashboard()).toContain(x.ghsa_id);
    expect(dashboard()).toContain(ghsaY);
    const z = await heldDelivery(bed.sim, () =>
      bed!.sim.reportVulnerability(ORG, "oras-go", { ...REPORT, reporter: "reporter3" }),
    );
    const ghsaZ = (z.payload.repository_advisory as { ghsa_id: string }).ghsa_id;
    expect(await deliverTo(b.appUrl, z)).toBe(200);
    await bed.sim.idle();
    expect(dashboard()).toContain(ghsaZ);
    expect(dashboard()).toContain(x.ghsa_id);
    expect(dashboard()).toContain(ghsaY);
  });
});

describe("Redis unreachable: work is refused, never run unlocked", () => {
  let bed: Bed | undefined;
  afterEach(async () => {
    await bed?.close();
    bed = undefined;
  });

  it("a delivery is answered 503 and writes nothing; the sweep reports the org as failed; the URL's password is never logged", async () => {
    const { log, lines } = await capturingLogger("debug");
    const url = "redis://:not-a-real-password-7f3a@127.0.0.1:1/0";
    bed = await startBed({ seed: 44, log, coordination: () => redisCoordination(connectRedis(url)) });
    seedOras(bed.sim);
    bed.sim.resetRequests();
    const sent = await bed.sim.reportVulnerability(ORG, "oras-go", REPORT);
    await bed.sim.idle();
    expect(sent.status).toBe(503);
    expect(bed.sim.requests.filter(isWrite)).toEqual([]);
    expect(bed.sim.world.getAdvisory(sent.ghsa_id)?.state).toBe("triage");
    const summary = await bed.bot.sweepAll();
    expect(summary.orgs).toEqual([]);
    expect(summary.errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining("Redis is unavailable") }),
    ]);
    expect(bed.sim.requests.filter(isWrite)).toEqual([]);
    expect(trackingIssues(bed, sent.ghsa_id)).toHaveLength(0);
    expect(lines().join("\n")).not.toContain("not-a-real-password");
  });
});
