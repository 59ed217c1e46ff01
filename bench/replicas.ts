/**
 * Throughput with several replicas: the same signed deliveries spread round-robin over one or two app
 * instances against one simulator, with the coordination store in memory (one replica, today's
 * default) or in Redis (`REDIS_URL`). Two kinds of delivery: a release fixing nothing (claimed in the
 * Redis delivery ledger, one list request, no lock) and a repository event (a reconcile of one
 * repository under the org's Redis lease, so one org's runs still go one at a time).
 * Both replicas run in this one process and share its cores: the row shows what coordination costs
 * and that the work is spread, not how a second machine scales.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import type { Coordination } from "../src/coordination/index.js";
import { localCoordination } from "../src/coordination/index.js";
import { redisCoordination } from "../src/coordination/redis.js";
import { BED_SECRET, type Bed, type Replica, startBed, startReplica } from "../src/sim/harness.js";
import { ORG, seedOras } from "../src/sim/oras-world.js";
import { type PreparedDelivery, prepare, send } from "./lib.js";

export interface ReplicaRow {
  event: string;
  setup: string;
  replicas: number;
  deliveries: number;
  concurrency: number;
  perSecond: number;
  failures: number;
}

async function spread(
  urls: string[],
  delivery: PreparedDelivery,
  count: number,
  concurrency: number,
): Promise<{ perSecond: number; failures: number }> {
  let i = 0;
  let failures = 0;
  const started = performance.now();
  const worker = async () => {
    while (i < count) {
      const url = urls[i++ % urls.length] as string;
      const status = await send(url, delivery);
      if (status < 200 || status > 299) failures += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { perSecond: (count / (performance.now() - started)) * 1000, failures };
}

async function world(coordination: () => Coordination): Promise<{ bed: Bed; deliveries: PreparedDelivery[] }> {
  const bed = await startBed({ coordination });
  seedOras(bed.sim);
  await bed.bot.sweepAll();
  await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.2", body: "Bug fixes.", author: "qweeah" });
  const release = bed.sim.deliveries.find((d) => d.event === "release" && d.action === "published");
  const unarchived = await bed.sim.unarchive(ORG, "oras-go");
  const repository = bed.sim.deliveries.find((d) => d.id === unarchived.id);
  if (!release || !repository) throw new Error("bench: deliveries missing");
  await bed.sim.idle();
  bed.sim.resetRequests();
  return {
    bed,
    deliveries: [
      prepare("release", release.payload, BED_SECRET),
      prepare("repository", repository.payload, BED_SECRET),
    ],
  };
}

const EVENTS = ["release fixing nothing (ledger)", "repository.unarchived (org lease)"];

export async function runReplicas(
  log: (line: string) => void,
  redisUrl: string | undefined,
  options = { deliveries: [600, 150], concurrency: 16 },
): Promise<ReplicaRow[]> {
  const rows: ReplicaRow[] = [];
  const setups: Array<{ name: string; replicas: number; make: () => () => Coordination }> = [
    { name: "memory", replicas: 1, make: () => localCoordination },
  ];
  if (redisUrl) {
    const redis = () => {
      const prefix = `bench-${randomUUID()}:`;
      return () => redisCoordination(new Redis(redisUrl, { keyPrefix: prefix, maxRetriesPerRequest: 1 }));
    };
    setups.push({ name: "Redis", replicas: 1, make: redis }, { name: "Redis", replicas: 2, make: redis });
  } else {
    log("  replicas: REDIS_URL unset; only the in-memory row");
  }
  for (const setup of setups) {
    const coordination = setup.make();
    const { bed, deliveries } = await world(coordination);
    const extra: Replica[] = [];
    try {
      for (let r = 1; r < setup.replicas; r++) extra.push(await startReplica(bed, { coordination }));
      const urls = [bed.appUrl, ...extra.map((x) => x.appUrl)].map((u) => `${u}/api/github/webhooks`);
      for (const [k, delivery] of deliveries.entries()) {
        const count = options.deliveries[k] ?? 100;
        await spread(urls, delivery, Math.min(count, 50), options.concurrency); // warm-up
        await bed.sim.idle();
        const result = await spread(urls, delivery, count, options.concurrency);
        await bed.sim.idle();
        rows.push({
          event: EVENTS[k] ?? delivery.event,
          setup: setup.name,
          replicas: setup.replicas,
          deliveries: count,
          concurrency: options.concurrency,
          ...result,
        });
        log(`  replicas: ${EVENTS[k]} ${setup.name} ×${setup.replicas}: ${Math.round(result.perSecond)} deliveries/s`);
      }
    } finally {
      for (const x of extra) await x.stop();
      await bed.close();
    }
  }
  return rows;
}
