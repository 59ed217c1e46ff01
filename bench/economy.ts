/**
 * API economy: what each scenario costs in GitHub API requests, counted from the simulator's request
 * log, beside the FLOOR — the fewest requests a correct app could spend on it — and their ratio.
 */
import { BED_SECRET, type Bed, startBed } from "../src/sim/harness.js";
import type { RecordedRequest } from "../src/sim/index.js";
import { ORG, OWNERS_ORAS_GO, seedOras, TRACKER } from "../src/sim/oras-world.js";
import { embargoWatchScenarios } from "./embargo.js";
import { handlesComments } from "./latency.js";
import { type Cost, costOf, prepare, requestLines, send } from "./lib.js";
import { BIG_TRACKER, maintainer, ownersFile, repoName, seedBigOrg } from "./seed.js";

/** The minimum a correct app must spend, with the reason, printed beside the measurement. */
export interface Floor {
  reads: number;
  writes: number;
  why: string;
}

export interface Target {
  name: string;
  pass: boolean;
  detail: string;
}

export interface ScenarioResult {
  id: string;
  name: string;
  cost: Cost;
  floor: Floor;
  /** cost.total / floor total */
  ratio: number;
  targets: Target[];
  /** requests by route, for the results file */
  requests: Record<string, number>;
  /** the part of the cost spent on the webhooks GitHub sends back for the app's own writes, when measured */
  echo?: Cost;
  wallMs: number;
  notes: string[];
}

export const RATIO_TARGET = 1.5;
const IDLE_MAX_CHARGED = 4;
/** Every request of an idle sweep, 304s included: a 304 costs no rate limit but is still a round trip. */
export const IDLE_MAX_REQUESTS = 6;

const pages = (n: number) => Math.max(1, Math.ceil(n / 100));

export function result(
  id: string,
  name: string,
  requests: readonly RecordedRequest[],
  floor: Floor,
  wallMs: number,
  extra: Partial<ScenarioResult> = {},
): ScenarioResult {
  const cost = costOf(requests);
  const ratio = cost.total / Math.max(1, floor.reads + floor.writes);
  const targets: Target[] = [
    { name: `ratio ≤ ${RATIO_TARGET}`, pass: ratio <= RATIO_TARGET, detail: `${ratio.toFixed(2)}` },
    ...(extra.targets ?? []),
  ];
  return {
    id,
    name,
    cost,
    floor,
    ratio,
    requests: requestLines(requests),
    wallMs,
    notes: [],
    ...extra,
    targets,
  };
}

/** Drafts that the ORAS world's release scenarios use: complete enough for the disclosure check. */
const COMPLETE = `### Impact
A crafted manifest makes the client write outside its target directory.

### Details
The path of each blob is joined without cleaning.

### Patches
Fixed in the release named below.

### Workarounds
None.
`;

function draft(bed: Bed, repo: string, patched: string, n: number) {
  return bed.sim.createAdvisoryByHand(ORG, repo, "qweeah", {
    summary: `Flaw ${n} fixed in ${patched}`,
    description: COMPLETE,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: repo === "oras" ? "oras.land/oras" : "oras.land/oras-go/v2" },
        vulnerable_version_range: `< ${patched}`,
        patched_versions: patched,
        vulnerable_functions: [],
      },
    ],
  });
}

/** Sweeps until pending forks have appeared and the dashboard has settled, then clears the log. */
async function settle(bed: Bed): Promise<void> {
  await bed.bot.sweepAll();
  await bed.sim.idle();
  bed.sim.tick();
  await bed.bot.sweepAll();
  await bed.sim.idle();
  bed.sim.resetRequests();
}

/**
 * Runs `act` twice on identical worlds: once as GitHub would (the app's own writes send webhooks back
 * to it) and once with those echo webhooks suppressed, so the report can say what the echoes cost.
 * `act` is a user-side action of the simulator (a report, a release, a push, a comment).
 */
async function measureWithEcho(
  setup: (bed: Bed) => Promise<void>,
  act: (bed: Bed) => Promise<void>,
): Promise<{ all: RecordedRequest[]; direct: RecordedRequest[]; wallMs: number }> {
  const run = async (echo: boolean) => {
    const bed = await startBed();
    try {
      await setup(bed);
      await settle(bed);
      if (!echo) {
        // Deliveries are recorded but not sent; the bench sends the user's own one itself, signed.
        const target = `${bed.appUrl}/api/github/webhooks`;
        bed.sim.setWebhookTarget(null);
        const before = bed.sim.deliveries.length;
        await act(bed);
        bed.sim.resetRequests();
        const t0 = performance.now();
        for (const d of bed.sim.deliveries.slice(before)) {
          await send(target, prepare(d.event, d.payload, BED_SECRET));
        }
        await bed.sim.idle();
        return { requests: [...bed.sim.requests], wallMs: performance.now() - t0 };
      }
      const t0 = performance.now();
      await act(bed);
      await bed.sim.idle();
      return { requests: [...bed.sim.requests], wallMs: performance.now() - t0 };
    } finally {
      await bed.close();
    }
  };
  const all = await run(true);
  const direct = await run(false);
  return { all: all.requests, direct: direct.requests, wallMs: all.wallMs };
}

function echoCost(all: RecordedRequest[], direct: RecordedRequest[]): Cost {
  const a = costOf(all);
  const d = costOf(direct);
  const out = { ...a };
  for (const k of Object.keys(out) as Array<keyof Cost>) out[k] = a[k] - d[k];
  return out;
}

// ------------------------------------------------------------------ scenarios

/** `repository_advisory.reported` → accepted draft, staffed, forked, tracked. */
function intakeFloor(fork: boolean): Floor {
  return {
    reads: 1,
    writes: fork ? 4 : 3,
    why:
      "1 GraphQL query (the repo's roster files + config, the security team, a search of the tracker for the GHSA id); " +
      `the advisory is in the payload; 1 PATCH (accept + patch team),${fork ? " 1 fork," : ""} 1 tracking issue, 1 dashboard PATCH (the new report's row); echo webhooks 0`,
  };
}

const HELP_FLOOR: Floor = {
  reads: 1,
  writes: 3,
  why: "1 list of the issue's comments (was this comment answered already?); 👀 reaction, the reply, 🚀 reaction; help needs no org data; echo webhooks 0",
};

export async function intakeScenario(): Promise<ScenarioResult> {
  const floor = intakeFloor(true);
  const m = await measureWithEcho(
    async (bed) => {
      seedOras(bed.sim);
    },
    async (bed) => {
      await bed.sim.reportVulnerability(ORG, "oras-go", {
        reporter: "reporter1",
        summary: "Path traversal when extracting crafted artifacts",
        description: "### Impact\nA crafted manifest writes outside the target directory.\n",
        severity: "high",
      });
    },
  );
  return result("intake", "report intake (webhook)", m.all, floor, m.wallMs, { echo: echoCost(m.all, m.direct) });
}

/** `release.published` that fixes no draft: the product promises one list request and no write. */
export async function releaseFixingNothingScenario(): Promise<ScenarioResult> {
  const floor: Floor = {
    reads: 1,
    writes: 0,
    why: "1 list of the repo's drafts (product: a release that fixes nothing costs one list request)",
  };
  const bed = await startBed();
  try {
    seedOras(bed.sim);
    draft(bed, "oras-go", "2.7.0", 1);
    await settle(bed);
    const t0 = performance.now();
    await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.2", body: "Bug fixes.", author: "qweeah" });
    await bed.sim.idle();
    return result("release-none", "release fixing nothing", [...bed.sim.requests], floor, performance.now() - t0);
  } finally {
    await bed.close();
  }
}

/** `release.published` fixing 3 of the repo's 10 drafts. */
export async function releaseFixingThreeScenario(): Promise<ScenarioResult> {
  const FIXED = 3;
  const floor: Floor = {
    reads: 2,
    writes: 2 * FIXED + 2,
    why:
      "1 list of the repo's drafts + 1 GraphQL query (config, the tracker's open advisory issues); " +
      `${FIXED} publish PATCHes, ${FIXED} tracking-issue PATCHes (status + close in one), 1 release-notes PATCH, 1 dashboard PATCH (the published advisories leave it); echo webhooks 0`,
  };
  const m = await measureWithEcho(
    async (bed) => {
      seedOras(bed.sim);
      for (let i = 0; i < 10; i++) draft(bed, "oras-go", i < FIXED ? "2.6.1" : "2.7.0", i);
    },
    async (bed) => {
      await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.1", body: "Bug fixes.", author: "qweeah" });
    },
  );
  return result("release-three", "release fixing 3 of 10 drafts", m.all, floor, m.wallMs, {
    echo: echoCost(m.all, m.direct),
  });
}

/** A push to the default branch that edits one repo's OWNERS.md (an emeritus owner comes back). */
export async function rosterPushScenario(): Promise<ScenarioResult> {
  const OPEN = 2;
  const floor: Floor = {
    reads: 2,
    writes: 2 * OPEN + 1,
    why:
      "1 GraphQL query (the repo's roster files + config, the security team, the tracker's advisory issues) + " +
      `1 list of the repo's advisories; per open advisory (${OPEN}) 1 PATCH of the patch team + 1 tracking-issue PATCH (team in the status block); 1 dashboard PATCH (team size column)`,
  };
  const m = await measureWithEcho(
    async (bed) => {
      seedOras(bed.sim);
      for (let i = 0; i < OPEN; i++) draft(bed, "oras-go", "2.7.0", i);
      draft(bed, "oras", "1.3.1", 9); // another repository's advisory: untouched by the push
    },
    async (bed) => {
      await bed.sim.push(ORG, "oras-go", {
        pusher: "qweeah",
        message: "Welcome back Avi",
        files: {
          "OWNERS.md": OWNERS_ORAS_GO.replace(
            "Emeritus:\n  - Avi Deitcher (@deitch)\n",
            "  - Avi Deitcher (@deitch)\n",
          ),
        },
      });
    },
  );
  return result("roster-push", "roster change (push) in one repo", m.all, floor, m.wallMs, {
    echo: echoCost(m.all, m.direct),
  });
}

/** `/advisory help` in a comment on an issue of a public repository. */
export async function helpCommandScenario(): Promise<ScenarioResult> {
  const floor = HELP_FLOOR;
  const TITLE = "How do I report a flaw?";
  const m = await measureWithEcho(
    async (bed) => {
      seedOras(bed.sim);
      await bed.sim.openIssue(ORG, "oras-go", "qweeah", { title: TITLE });
    },
    async (bed) => {
      const issue = bed.sim.world.listIssues(ORG, "oras-go").find((i) => i.title === TITLE);
      if (!issue) throw new Error("issue missing");
      await bed.sim.comment(ORG, "oras-go", issue.number, "qweeah", "/advisory help");
    },
  );
  return result("help", "/advisory help comment", m.all, floor, m.wallMs, { echo: echoCost(m.all, m.direct) });
}

export interface SweepFigures {
  org: string;
  repos: number;
  advisories: number;
  trackerIssues: number;
  requests: RecordedRequest[];
  sweepMs: number;
  /** wall time of the staffing sweep that preceded the measurement */
  staffingMs: number;
}

/**
 * The floor of a sweep of an org in which nothing changed, from the design's reads: lists sorted by
 * `updated` descending end at their first page when it is unchanged, whatever the org holds, and the
 * org query is not sent when the change probes (the top repository by `pushed` and by `updated`, the
 * security team's members; all conditional) show nothing changed since the last sweep's read.
 */
export function idleFloor(repos: number, advisories: number, trackerIssues: number, teams = 1): Floor {
  const allRepos = repos + 2; // the tracker and the org's .github repository
  return {
    reads: 1 + 2 + teams + 1 + 1,
    writes: 0,
    why:
      `1 installations list + 2 change probes of the ${allRepos} repos (top by pushed, top by updated) + ${teams} security team member list(s): unchanged, so no GraphQL page of the org query + ` +
      `1 advisory list page for ${advisories} advisories + 1 tracker issue page for ${trackerIssues} issues (tracking, dashboard, audit in one unfiltered list; both sorted by updated, an unchanged first page ends the read)`,
  };
}

/** The floor of a sweep that must read the org whole (a probe saw a change): the idle one's + the org query. */
export function changedFloor(repos: number, advisories: number, trackerIssues: number, teams = 1): Floor {
  const idle = idleFloor(repos, advisories, trackerIssues, teams);
  const allRepos = repos + 2;
  return {
    reads: idle.reads + pages(allRepos),
    writes: 0,
    why: `${idle.why} + ${pages(allRepos)} GraphQL page(s) for ${allRepos} repos (roster files, config, releases, the security team and listed handles' org membership in the same query)`,
  };
}

/**
 * Seeds `repos` × `perRepo`, staffs it with one sweep, lets one more sweep read what that wrote, then
 * measures the next sweep (optionally after `change` edits the world without a webhook).
 */
export async function sweepOf<T = undefined>(
  repos: number,
  perRepo: number,
  change?: (bed: Bed, org: string) => void,
  after?: (bed: Bed, org: string) => Promise<T>,
): Promise<SweepFigures & { changed?: SweepFigures; after?: T }> {
  const org = `bench-org-${repos}x${perRepo}`;
  const bed = await startBed({ forkDelayReads: 0 });
  try {
    const seeded = seedBigOrg(bed.sim, org, repos, perRepo);
    // The staffing sweep is set-up, not measured: the webhooks its thousands of writes would send back
    // (issues.opened, which the app ignores) are suppressed to keep the bench short.
    bed.sim.setWebhookTarget(null);
    let t0 = performance.now();
    await bed.bot.sweepAll();
    await bed.sim.idle();
    const staffingMs = performance.now() - t0;
    bed.sim.setWebhookTarget({ url: `${bed.appUrl}/api/github/webhooks`, secret: BED_SECRET });
    // Steady state: one sweep reads what the staffing sweep wrote; the measured one follows a sweep
    // that changed nothing, as every periodic sweep of a quiet org does.
    await bed.bot.sweepAll();
    await bed.sim.idle();
    bed.sim.resetRequests();
    t0 = performance.now();
    await bed.bot.sweepAll();
    await bed.sim.idle();
    const sweepMs = performance.now() - t0;
    const idle: SweepFigures = {
      org,
      repos,
      advisories: seeded.advisories,
      trackerIssues: bed.sim.world.listIssues(org, BIG_TRACKER).length,
      requests: [...bed.sim.requests],
      sweepMs,
      staffingMs,
    };
    if (!change) return idle;
    change(bed, org);
    bed.sim.resetRequests();
    t0 = performance.now();
    await bed.bot.sweepAll();
    await bed.sim.idle();
    const changed: SweepFigures = {
      ...idle,
      trackerIssues: bed.sim.world.listIssues(org, BIG_TRACKER).length,
      requests: [...bed.sim.requests],
      sweepMs: performance.now() - t0,
    };
    if (!after) return { ...idle, changed };
    bed.sim.resetRequests();
    return { ...idle, changed, after: await after(bed, org) };
  } finally {
    await bed.close();
  }
}

function idleTargets(cost: Cost): Target[] {
  return [
    {
      name: `idle: ≤ ${IDLE_MAX_REQUESTS} requests in all`,
      pass: cost.total <= IDLE_MAX_REQUESTS,
      detail: `${cost.total} requests (${cost.notModified} answered 304)`,
    },
    {
      name: `idle: ≤ ${IDLE_MAX_CHARGED} charged requests`,
      pass: cost.charged <= IDLE_MAX_CHARGED,
      detail: `${cost.charged} charged (${cost.notModified} answered 304)`,
    },
    { name: "idle: 0 writes", pass: cost.writes === 0, detail: `${cost.writes} writes` },
  ];
}

/** The idle sweep of the 100 × 50 org, and the same sweep after one roster file was edited. */
export async function bigSweepScenarios(repos = 100, perRepo = 50): Promise<ScenarioResult[]> {
  const edited = repoName(0);
  const m = await sweepOf(
    repos,
    perRepo,
    (bed, org) => {
      // One more owner in one repository: its advisories' patch teams grow by one.
      // Pushed, and the push's webhook lost: only the sweep sees it.
      const text = ownersFile([maintainer(0), maintainer(1), maintainer(2 * repos - 1)]);
      const repo = bed.sim.world.repo(org, edited);
      repo.files.set("OWNERS.md", text);
      repo.pushed_at = repo.updated_at = bed.sim.world.stamp();
    },
    (bed, org) => eventsInBigOrg(bed, org, repos, perRepo),
  );
  const floorIdle = idleFloor(m.repos, m.advisories, m.trackerIssues);
  const idle = result(
    "sweep-idle",
    `idle sweep ${repos} repos × ${perRepo} advisories`,
    m.requests,
    floorIdle,
    m.sweepMs,
  );
  idle.targets.push(...idleTargets(idle.cost));
  idle.notes.push(`staffing sweep before it took ${Math.round(m.staffingMs)} ms`);
  const changed = m.changed;
  if (!changed) return [idle];
  const floorChanged: Floor = {
    reads: changedFloor(m.repos, m.advisories, changed.trackerIssues).reads,
    writes: 2 * perRepo + 1,
    why: `the idle sweep's reads and the org query + per advisory of ${edited} (${perRepo}) 1 PATCH of the patch team + 1 tracking-issue PATCH, + 1 dashboard PATCH (team size column)`,
  };
  const one = result(
    "sweep-one-change",
    `same sweep, one roster file edited`,
    changed.requests,
    floorChanged,
    changed.sweepMs,
  );
  return [idle, one, ...(m.after ?? [])];
}

/** The same events as in the ORAS org, in the big one: what an event costs as the org grows. */
async function eventsInBigOrg(bed: Bed, org: string, repos: number, perRepo: number): Promise<ScenarioResult[]> {
  const size = `${repos} × ${perRepo} org`;
  const out: ScenarioResult[] = [];
  let t0 = performance.now();
  await bed.sim.reportVulnerability(org, repoName(1), {
    reporter: "reporter1",
    summary: "A new report",
    description: "### Impact\nSomething.\n",
    // not "low": the bed's leak scanner reads "severity <low|…" in the help table as that severity
    severity: "high",
  });
  await bed.sim.idle();
  out.push(
    result(
      "intake-big",
      `report intake in the ${size}`,
      [...bed.sim.requests],
      intakeFloor(false),
      performance.now() - t0,
    ),
  );

  if (handlesComments()) {
    const opened = await bed.sim.openIssue(org, repoName(2), maintainer(4), { title: "How do I report a flaw?" });
    await bed.sim.idle();
    bed.sim.resetRequests();
    t0 = performance.now();
    await bed.sim.comment(org, repoName(2), opened.number, maintainer(4), "/advisory help");
    await bed.sim.idle();
    out.push(
      result("help-big", `/advisory help in the ${size}`, [...bed.sim.requests], HELP_FLOOR, performance.now() - t0),
    );
  }

  bed.sim.resetRequests();
  t0 = performance.now();
  await bed.sim.publishRelease(org, repoName(3), { tag_name: "v1.0.0", author: maintainer(6) });
  await bed.sim.idle();
  out.push(
    result(
      "release-none-big",
      `release fixing nothing in the ${size}`,
      [...bed.sim.requests],
      { reads: 1, writes: 0, why: "1 list of the repo's drafts" },
      performance.now() - t0,
    ),
  );
  return out;
}

/** The idle sweep of the ORAS-size org (6 repositories, a few advisories): the everyday case. */
export async function orasIdleSweepScenario(): Promise<ScenarioResult> {
  const bed = await startBed();
  try {
    seedOras(bed.sim);
    draft(bed, "oras-go", "2.7.0", 1);
    draft(bed, "oras", "1.4.0", 2);
    await settle(bed);
    // The first sweep staffs and tracks; the second reads what it wrote; the third is the idle one.
    for (let i = 0; i < 2; i++) {
      await bed.bot.sweepAll();
      await bed.sim.idle();
    }
    bed.sim.resetRequests();
    const t0 = performance.now();
    await bed.bot.sweepAll();
    await bed.sim.idle();
    const wall = performance.now() - t0;
    const repos = bed.sim.world.repos.size - 2;
    const floor = idleFloor(
      repos,
      bed.sim.world.listAdvisories(ORG).length,
      bed.sim.world.listIssues(ORG, TRACKER).length,
    );
    const r = result(
      "sweep-idle-oras",
      "idle sweep, ORAS-size org (6 repos, 2 drafts)",
      [...bed.sim.requests],
      floor,
      wall,
    );
    r.targets.push(...idleTargets(r.cost));
    return r;
  } finally {
    await bed.close();
  }
}

export async function runEconomy(log: (line: string) => void): Promise<ScenarioResult[]> {
  const out: ScenarioResult[] = [];
  const scenarios: Array<[string, () => Promise<ScenarioResult>]> = [
    ["intake", intakeScenario],
    ["release fixing nothing", releaseFixingNothingScenario],
    ["release fixing 3 of 10", releaseFixingThreeScenario],
    ["roster push", rosterPushScenario],
    ["ORAS-size idle sweep", orasIdleSweepScenario],
  ];
  if (handlesComments()) scenarios.splice(4, 0, ["/advisory help", helpCommandScenario]);
  for (const [label, fn] of scenarios) {
    const t0 = performance.now();
    out.push(await fn());
    log(`  economy: ${label} (${Math.round(performance.now() - t0)} ms)`);
  }
  let t0 = performance.now();
  out.push(...(await embargoWatchScenarios()));
  log(`  economy: embargo watch (${Math.round(performance.now() - t0)} ms)`);
  t0 = performance.now();
  out.push(...(await bigSweepScenarios()));
  log(`  economy: 100 × 50 sweeps (${Math.round(performance.now() - t0)} ms)`);
  return out;
}
