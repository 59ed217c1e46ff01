/**
 * Scale: the idle sweep of orgs of 10, 100 and 1,000 repositories with two open advisories each —
 * requests and wall time, to show that requests grow in pages of 100, not per repository.
 */
import { idleFloor, sweepOf } from "./economy.js";
import { type Cost, costOf, requestLines } from "./lib.js";

export interface ScalePoint {
  repos: number;
  advisories: number;
  cost: Cost;
  floor: number;
  requestsPerRepo: number;
  sweepMs: number;
  msPerRepo: number;
  staffingMs: number;
  requests: Record<string, number>;
}

export async function runScale(
  log: (line: string) => void,
  sizes = [10, 100, 1000],
  perRepo = 2,
): Promise<ScalePoint[]> {
  const out: ScalePoint[] = [];
  for (const repos of sizes) {
    const m = await sweepOf(repos, perRepo);
    const cost = costOf(m.requests);
    const floor = idleFloor(m.repos, m.advisories, m.trackerIssues);
    out.push({
      repos,
      advisories: m.advisories,
      cost,
      floor: floor.reads + floor.writes,
      requestsPerRepo: cost.total / repos,
      sweepMs: m.sweepMs,
      msPerRepo: m.sweepMs / repos,
      staffingMs: m.staffingMs,
      requests: requestLines(m.requests),
    });
    log(`  scale: ${repos} repos: ${cost.total} requests, sweep ${Math.round(m.sweepMs)} ms`);
  }
  return out;
}
