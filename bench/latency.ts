/**
 * Webhook latency and throughput: signed deliveries over loopback HTTP to the real app (Probot's own
 * `Server`, against the simulator) and, side by side in the same process, to a bare Probot app that
 * does nothing — the framework's floor.
 */
import { generateKeyPairSync } from "node:crypto";
import pino from "pino";
import { type ApplicationFunction, type ApplicationFunctionOptions, Probot, Server } from "probot";
import { createAdvisoryBot } from "../src/index.js";
import { BED_SECRET, type Bed, startBed } from "../src/sim/harness.js";
import { ORG, seedOras } from "../src/sim/oras-world.js";
import { freePort } from "../src/sim/ports.js";
import { type LoadResult, load, type PreparedDelivery, percentile, prepare, summarize, type Timings } from "./lib.js";

/** GitHub gives up on a delivery after 10 seconds. */
export const GITHUB_TIMEOUT_MS = 10_000;
/**
 * An ignored event against Probot loading no-op handlers for the same events: the framework's floor for
 * an event an app subscribes to (a `Context` and an installation Octokit per delivery).
 */
export const NOOP_TARGET = 1.1;

export interface LatencyRow {
  event: string;
  concurrency: number;
  app: LoadResult;
  bare: LoadResult;
  /** for ignored events: Probot with no-op handlers for the app's events (Probot's per-event context cost) */
  noop?: LoadResult;
  /** median over the alternating rounds of (app p50 / bare p50) */
  overhead: number;
  /** for ignored events: median over the rounds of (app p50 / no-op p50), the row's target */
  noopOverhead?: number;
  /** whether the overhead target applies to this row (ignored events) */
  ignored: boolean;
}

export interface LatencyOptions {
  sequential: number;
  concurrent: number;
  concurrency: number;
  warmup: number;
  /** deliveries per round at concurrency 1 (four times as many at higher concurrency) */
  roundSize: number;
  /** share of the deliveries sent for the command (it costs tens of milliseconds each) */
  commandShare: number;
  /**
   * share of the deliveries sent for an ignored event (about a millisecond each): more rounds for the
   * rows whose target is a ratio of 1.1, where one round's ratio moves by ±0.1 with the machine
   */
  ignoredShare: number;
}

export const DEFAULT_LATENCY: LatencyOptions = {
  sequential: 300,
  concurrent: 1000,
  concurrency: 32,
  warmup: 50,
  roundSize: 25,
  commandShare: 0.3,
  ignoredShare: 4,
};

/**
 * The order of the servers in each round, in turn: the app and the no-op app take each place equally
 * often (the rows without a no-op app alternate the app and bare Probot).
 */
const ORDERS = [
  ["noop", "app", "bare"],
  ["bare", "app", "noop"],
  ["app", "noop", "bare"],
  ["bare", "noop", "app"],
] as const;

function p50(t: Timings): number {
  return percentile(
    [...t.latencies].sort((a, b) => a - b),
    0.5,
  );
}

function median(values: number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * A Probot server as Probot ships (its own Octokit class, retries and throttling on, as the app's has
 * them), loading an app that does nothing (or, with `app`, another app function: the bench also loads
 * one with no-op handlers for the app's events).
 */
export async function startBareServer(
  apiUrl: string,
  appId: number,
  app: ApplicationFunction = () => {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const log = pino({ level: "silent" });
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  const port = await freePort();
  const server = new Server({
    Probot: Probot.defaults({ appId, privateKey, secret: BED_SECRET, baseUrl: apiUrl, log }),
    host: "127.0.0.1",
    port,
    log,
    enableStaticFiles: false,
  });
  await server.load(app);
  const http = await server.start();
  return {
    url: `http://127.0.0.1:${port}/api/github/webhooks`,
    stop: async () => {
      http.closeAllConnections();
      await server.stop();
    },
  };
}

/** The events the app subscribes to, found by loading it into a recorder (no server, no GitHub). */
export function handledEvents(): string[] {
  const events: string[] = [];
  const recorder = {
    on: (e: string | string[]) => {
      events.push(...[e].flat());
    },
    onAny: () => {},
    onError: () => {},
    log: pino({ level: "silent" }),
  } as unknown as Probot;
  const bot = createAdvisoryBot({
    settings: { dryRun: true, sweepIntervalMinutes: 0, sweepToken: undefined } as never,
    now: () => new Date(),
  });
  void bot.app(recorder, { addHandler: () => {}, cwd: process.cwd() } as unknown as ApplicationFunctionOptions);
  return events;
}

export function handlesComments(): boolean {
  return handledEvents().some((e) => e === "issue_comment" || e.startsWith("issue_comment."));
}

/** The world every latency and memory delivery runs against: the ORAS org with one open draft. */
export interface LatencyWorld {
  bed: Bed;
  appUrl: string;
  /** `issues.labeled`: the app has no handler for it */
  labeled: PreparedDelivery;
  /** `push` to a branch that is not the default one: the app's handler ignores it */
  pushOther: PreparedDelivery;
  /** `release.published` of a tag that fixes no draft */
  releaseNothing: PreparedDelivery;
  /** `/advisory help` comments, each on a fresh comment; null when the app has no comment handler */
  help: ((i: number) => PreparedDelivery) | null;
}

export async function latencyWorld(): Promise<LatencyWorld> {
  const bed = await startBed();
  seedOras(bed.sim);
  bed.sim.createAdvisoryByHand(ORG, "oras-go", "qweeah", {
    summary: "Flaw fixed in 2.7.0",
    description: "### Impact\nSomething.\n",
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
        vulnerable_version_range: "< 2.7.0",
        patched_versions: "2.7.0",
        vulnerable_functions: [],
      },
    ],
  });
  await bed.bot.sweepAll();
  await bed.sim.idle();
  bed.sim.tick();
  await bed.bot.sweepAll();
  await bed.sim.idle();

  // By delivery id: the app's own writes may have queued echo deliveries after the user's one.
  const payloadOf = (id: string) => {
    const d = bed.sim.deliveries.find((x) => x.id === id);
    if (!d) throw new Error(`no delivery ${id}`);
    return structuredClone(d.payload);
  };
  const opened = await bed.sim.openIssue(ORG, "oras-go", "qweeah", { title: "Flaky test", body: "It fails." });
  const labeled = {
    ...payloadOf(opened.id),
    action: "labeled",
    label: { id: 1, node_id: "LA_1", url: "", name: "bug", color: "d73a4a", default: true, description: null },
  };

  const pushed = await bed.sim.push(ORG, "oras-go", {
    pusher: "qweeah",
    message: "docs",
    files: { "README.md": "# oras-go\n" },
  });
  const push = payloadOf(pushed.id) as { ref: string };
  push.ref = "refs/heads/feature/docs";

  await bed.sim.publishRelease(ORG, "oras-go", { tag_name: "v2.6.2", body: "Bug fixes.", author: "qweeah" });
  const release = bed.sim.deliveries.find((d) => d.event === "release" && d.action === "published");
  if (!release) throw new Error("no release.published delivery");

  let help: LatencyWorld["help"] = null;
  if (handlesComments()) {
    const commented = await bed.sim.comment(ORG, "oras-go", opened.number, "qweeah", "/advisory help");
    const template = JSON.stringify(payloadOf(commented.id));
    const oldComment = (JSON.parse(template) as { comment: { id: number } }).comment.id;
    // Each delivery is a fresh comment on a fresh issue, as in real use: no command runs twice and no
    // issue's comment list grows across thousands of deliveries.
    help = () => {
      const issue = bed.sim.world.createIssue(ORG, "oras-go", "qweeah", { title: "How do I report a flaw?" });
      const c = bed.sim.world.createComment(issue, "qweeah", "/advisory help");
      const text = template
        .replace(new RegExp(`/issues/${opened.number}(?=[/#"{])`, "g"), `/issues/${issue.number}`)
        .replace(new RegExp(`(comments/|issuecomment-)${oldComment}(?=[/"])`, "g"), `$1${c.id}`);
      const payload = JSON.parse(text) as { issue: Record<string, unknown>; comment: Record<string, unknown> };
      Object.assign(payload.issue, {
        id: issue.id,
        node_id: issue.node_id,
        number: issue.number,
        title: issue.title,
        body: null,
        comments: 1,
      });
      Object.assign(payload.comment, {
        id: c.id,
        node_id: c.node_id,
        created_at: c.created_at,
        updated_at: c.updated_at,
      });
      return prepare("issue_comment", payload, BED_SECRET);
    };
  }
  await bed.sim.idle();
  bed.sim.resetRequests();
  return {
    bed,
    appUrl: `${bed.appUrl}/api/github/webhooks`,
    labeled: prepare("issues", labeled, BED_SECRET),
    pushOther: prepare("push", push, BED_SECRET),
    releaseNothing: prepare("release", release.payload, BED_SECRET),
    help,
  };
}

export async function runLatency(
  log: (line: string) => void,
  options: LatencyOptions = DEFAULT_LATENCY,
): Promise<{ rows: LatencyRow[]; commands: boolean }> {
  const world = await latencyWorld();
  const bare = await startBareServer(world.bed.sim.url, world.bed.sim.world.app.id);
  const subscribed = handledEvents() as Parameters<Probot["on"]>[0];
  const noop = await startBareServer(world.bed.sim.url, world.bed.sim.world.app.id, (probot) => {
    probot.on(subscribed, async () => {});
  });
  const rows: LatencyRow[] = [];
  try {
    // `make(n)` prepares n deliveries before timing starts (fresh comments for commands, so that
    // creating them is not measured and no command is run twice).
    const same = (d: PreparedDelivery) => () => () => d;
    const events: Array<{
      name: string;
      ignored: boolean;
      make: (n: number) => (i: number) => PreparedDelivery;
      /** fewer deliveries for a command (it reads the org each time), more for an ignored event */
      share?: number;
    }> = [
      {
        name: "issues.labeled (no handler)",
        ignored: true,
        share: options.ignoredShare,
        make: same(world.labeled),
      },
      {
        name: "push, other branch (ignored)",
        ignored: true,
        share: options.ignoredShare,
        make: same(world.pushOther),
      },
      { name: "release fixing nothing", ignored: false, make: same(world.releaseNothing) },
    ];
    const help = world.help;
    if (help) {
      events.push({
        name: "/advisory help comment",
        ignored: false,
        share: options.commandShare,
        make: (n) => {
          const pool = Array.from({ length: n }, (_, i) => help(i));
          return (i) => pool[i] as PreparedDelivery;
        },
      });
    }
    for (const event of events) {
      const share = event.share ?? 1;
      for (const [count, concurrency] of [
        [Math.round(options.sequential * share), 1],
        [Math.round(options.concurrent * share), options.concurrency],
      ] as const) {
        // Warm every server (JIT, keep-alive sockets, the installation token), then measure them in short
        // rounds that turn their order (`ORDERS`), so that drift and bursts of other load on the machine hit
        // all alike; the overhead is the median of the per-round p50 ratios.
        const warm = Math.min(concurrency, options.warmup);
        await load(bare.url, event.make(options.warmup), options.warmup, warm);
        await load(world.appUrl, event.make(options.warmup), options.warmup, warm);
        if (event.ignored) await load(noop.url, event.make(options.warmup), options.warmup, warm);
        await world.bed.sim.idle();
        const bareRuns: Timings[] = [];
        const appRuns: Timings[] = [];
        const noopRuns: Timings[] = [];
        const per = concurrency === 1 ? options.roundSize : options.roundSize * 4;
        const rounds = Math.ceil(count / per);
        for (let round = 0; round < rounds; round++) {
          const n = Math.min(per, count - round * per);
          if (n <= 0) break;
          const forBare = event.make(n);
          const forApp = event.make(n);
          const order = ORDERS[round % ORDERS.length] as (typeof ORDERS)[number];
          for (const who of order) {
            if (who === "bare") bareRuns.push(await load(bare.url, forBare, n, concurrency));
            else if (who === "app") appRuns.push(await load(world.appUrl, forApp, n, concurrency));
            else if (event.ignored) noopRuns.push(await load(noop.url, event.make(n), n, concurrency));
          }
          await world.bed.sim.idle();
          world.bed.sim.resetRequests();
        }
        const bareResult = summarize(bareRuns, concurrency);
        const appResult = summarize(appRuns, concurrency);
        rows.push({
          event: event.name,
          concurrency,
          app: appResult,
          bare: bareResult,
          ...(noopRuns.length > 0 ? { noop: summarize(noopRuns, concurrency) } : {}),
          overhead: median(appRuns.map((a, i) => p50(a) / Math.max(p50(bareRuns[i] as Timings), 1e-6))),
          ...(noopRuns.length === appRuns.length && noopRuns.length > 0
            ? { noopOverhead: median(appRuns.map((a, i) => p50(a) / Math.max(p50(noopRuns[i] as Timings), 1e-6))) }
            : {}),
          ignored: event.ignored,
        });
        log(
          `  latency: ${event.name} c=${concurrency}: app p50 ${appResult.p50.toFixed(2)} ms, bare ${bareResult.p50.toFixed(2)} ms`,
        );
      }
    }
  } finally {
    await bare.stop();
    await noop.stop();
    await world.bed.close();
  }
  return { rows, commands: world.help !== null };
}
