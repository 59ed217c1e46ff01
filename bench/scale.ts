/**
 * Scale: the idle sweep of orgs of 10, 100 and 1,000 repositories with two open advisories each, and of
 * 100 repositories with 2, 10 and 100 each (200 to 10,000 advisories) — requests and wall time, to show
 * that requests grow in pages of 100 repositories (the org query), and not at all with advisories.
 */
import { idleFloor, sweepOf } from "./economy.js";
import { type Cost, costOf, requestLines } from "./lib.js";

export interface ScalePoint {
  repos: number;
  perRepo: number;
  advisories: number;
  cost: Cost;
  floor: number;
  requestsPerRepo: number;
  sweepMs: number;
  msPerRepo: number;
  staffingMs: number;
  requests: Record<string, number>;
}

/** [repositories, open advisories per repository] */
export const SCALE_SIZES: ReadonlyArray<readonly [number, number]> = [
  [10, 2],
  [100, 2],
  [1000, 2],
  [100, 10],
  [100, 100],
];

export async function runScale(
  log: (line: string) => void,
  sizes: ReadonlyArray<readonly [number, number]> = SCALE_SIZES,
): Promise<ScalePoint[]> {
  const out: ScalePoint[] = [];
  for (const [repos, perRepo] of sizes) {
    const m = await sweepOf(repos, perRepo);
    const cost = costOf(m.requests);
    const floor = idleFloor(m.repos, m.advisories, m.trackerIssues);
    out.push({
      repos,
      perRepo,
      advisories: m.advisories,
      cost,
      floor: floor.reads + floor.writes,
      requestsPerRepo: cost.total / repos,
      sweepMs: m.sweepMs,
      msPerRepo: m.sweepMs / repos,
      staffingMs: m.staffingMs,
      requests: requestLines(m.requests),
    });
    log(`  scale: ${repos} repos × ${perRepo}: ${cost.total} requests, sweep ${Math.round(m.sweepMs)} ms`);
  }
  return out;
}
