/**
 * Embargo watch economy: public text that names no unpublished advisory — a pull request opened, an
 * issue opened, a push's commit messages, a draft release's notes — is decided from the payload
 * against the index of the org's open advisories kept from the last read. Target: no write, and no
 * read once the index is warm (a sweep has read the org); before that (cold), one conditional list of
 * the org's advisories builds the index.
 */
import { type Bed, startBed } from "../src/sim/harness.js";
import { ORG, seedOras } from "../src/sim/oras-world.js";
import { type Floor, result, type ScenarioResult } from "./economy.js";

const WARM_MAX_READS = 0;
const COLD_MAX_READS = 1;

/** An advisory under embargo (reported, accepted, a private fork) in the ORAS org. */
async function embargoed(bed: Bed): Promise<void> {
  seedOras(bed.sim);
  await bed.sim.reportVulnerability(ORG, "oras-go", {
    reporter: "reporter1",
    summary: "Path traversal when extracting crafted artifacts",
    description: "### Impact\nA crafted manifest escapes the target directory.\n",
    severity: "high",
  });
  await bed.sim.idle();
  bed.sim.tick();
}

type Act = (bed: Bed, n: number) => Promise<unknown>;

/** Public events whose text names nothing under embargo. */
const EVENTS: ReadonlyArray<[string, string, Act]> = [
  [
    "pr",
    "pull request opened",
    (bed, n) => bed.sim.openPullRequest(ORG, "oras-go", "contributor", { title: `Bump dependencies (${n})` }),
  ],
  [
    "issue",
    "issue opened",
    (bed, n) => bed.sim.openIssue(ORG, "oras", "someone", { title: `Docs: typo in README (${n})`, body: "Small fix." }),
  ],
  [
    "push",
    "push to the default branch, commit messages",
    (bed, n) =>
      bed.sim.push(ORG, "oras-go", {
        pusher: "qweeah",
        files: { [`docs/notes-${n}.md`]: "Release notes.\n" },
        message: `docs: notes for the next release\n\nNothing to see (${n}).`,
      }),
  ],
  [
    "draft-release",
    "draft release notes",
    (bed, n) =>
      bed.sim.createDraftRelease(ORG, "oras-go", {
        tag_name: `v9.9.${n}`,
        name: `v9.9.${n}`,
        body: "Bug fixes and dependency updates.",
        author: "qweeah",
      }),
  ],
];

function targets(r: ScenarioResult, maxReads: number): void {
  r.targets.push(
    { name: "watch: 0 writes", pass: r.cost.writes === 0, detail: `${r.cost.writes} writes` },
    {
      name: `watch: ≤ ${maxReads} read${maxReads === 1 ? "" : "s"}`,
      pass: r.cost.total <= maxReads && r.cost.reads === r.cost.total,
      detail: `${r.cost.total} requests`,
    },
  );
}

/** The app's answers to the deliveries an action sent: a measurement of nothing delivered proves nothing. */
function answered(sent: unknown): number[] {
  const x = sent as { status?: number; deliveries?: Array<{ status: number }> };
  return x.deliveries ? x.deliveries.map((d) => d.status) : [x.status ?? 0];
}

async function measure(bed: Bed, act: Act, n: number) {
  bed.sim.resetRequests();
  const t0 = performance.now();
  const statuses = answered(await act(bed, n));
  await bed.sim.idle();
  if (statuses.length === 0 || statuses.some((s) => s < 200 || s >= 300))
    throw new Error(`embargo bench: a delivery was not handled (${statuses.join(", ")})`);
  return { requests: [...bed.sim.requests], wallMs: performance.now() - t0 };
}

/** Each kind of public text once the index is warm (after a sweep), and the first one before it. */
export async function embargoWatchScenarios(): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  const warmFloor: Floor = {
    reads: 0,
    writes: 0,
    why: "decided from the payload against the index of open advisories kept from the last read of the org: nothing to read or write",
  };
  const bed = await startBed();
  try {
    await embargoed(bed);
    await bed.bot.sweepAll(); // the sweep reads the org: the index is warm
    await bed.sim.idle();
    let n = 0;
    for (const [id, name, act] of EVENTS) {
      const m = await measure(bed, act, ++n);
      const r = result(`embargo-${id}`, `embargo watch, nothing named: ${name}`, m.requests, warmFloor, m.wallMs);
      targets(r, WARM_MAX_READS);
      out.push(r);
    }
  } finally {
    await bed.close();
  }

  // Cold: a process that has not read the org yet (no sweep since it started).
  const cold = await startBed();
  try {
    await embargoed(cold);
    const m = await measure(cold, EVENTS[1]?.[2] as Act, 1);
    const r = result(
      "embargo-cold",
      "embargo watch, nothing named, cold index: issue opened",
      m.requests,
      {
        reads: 1,
        writes: 0,
        why: "no index yet (no sweep since the process started): 1 conditional list of the org's advisories builds it",
      },
      m.wallMs,
    );
    targets(r, COLD_MAX_READS);
    out.push(r);
  } finally {
    await cold.close();
  }
  return out;
}
