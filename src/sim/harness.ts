/**
 * The end-to-end bed: the simulator and the real app (Probot's own `Server`, webhook secret, signed
 * deliveries over HTTP, Octokit over HTTP to the simulator). Used by `npm run demo` and `test/e2e`.
 */
import { generateKeyPairSync } from "node:crypto";
import pino, { type Logger } from "pino";
import type { Server } from "probot";
import { startApp as startProduction } from "../bootstrap.js";
import type { Coordination } from "../coordination/index.js";
import type { AdvisoryBot } from "../index.js";
import type { Settings } from "../settings.js";
import { type ArrivingRequest, createSimulator, type Delivery, type FaultOptions, type Simulator } from "./index.js";
import { findLeaks } from "./leaks.js";
import { freePort } from "./ports.js";
import { offerRequestWindow } from "./windows.js";

export interface Clock {
  now: () => Date;
  set(date: Date | string): void;
  advance(ms: number): void;
}

export function manualClock(start: Date | string): Clock {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

export interface Bed {
  sim: Simulator;
  bot: AdvisoryBot;
  server: Server;
  /** Base URL of the app's HTTP server. */
  appUrl: string;
  clock: Clock;
  /** Writes to public repositories that carried an unpublished advisory's GHSA id, summary or severity. */
  leaks(): string[];
  /** Stops everything; throws when the app leaked anything to a public repository. */
  close(): Promise<void>;
}

export interface BedOptions {
  seed?: number;
  start?: string;
  settings?: Partial<Settings>;
  faults?: FaultOptions;
  log?: Logger;
  /**
   * Milliseconds one second of waiting lasts for the app (1,000 in production; default 1): every
   * `retry-after`, back-off and throttling interval is shortened by the same factor, none is skipped.
   */
  secondMs?: number;
  /** How long one HTTP attempt of the app may take (the app's default when unset). */
  requestTimeoutMs?: number;
  forkDelayReads?: number;
  /** Only for the test that proves the leak scanner works. */
  allowLeaks?: boolean;
  /**
   * The app's coordination store, made afresh for each app instance as a new process would (default:
   * from `settings.redisUrl`, else in memory).
   */
  coordination?: () => Coordination;
  /** Seen by the app's Octokit before each request leaves (a test pauses or stops an instance here). */
  beforeRequest?: (request: { method: string; url: string }) => void | Promise<void>;
}

export const BED_SECRET = "bed-webhook-secret";

export async function startBed(options: BedOptions = {}): Promise<Bed> {
  const clock = manualClock(options.start ?? "2026-11-02T09:00:00Z");
  const sim = await createSimulator({
    seed: options.seed ?? 1,
    now: clock.now,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.forkDelayReads !== undefined ? { forkDelayReads: options.forkDelayReads } : {}),
  });
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  let app = await startApp(sim, clock, privateKey, options);
  // Every request window is scanned for leaks before it is cleared, and once more at the end.
  const leaks: string[] = [];
  const reset = sim.resetRequests.bind(sim);
  sim.resetRequests = () => {
    leaks.push(...findLeaks(sim));
    offerRequestWindow(sim.requests);
    reset();
  };
  const bed: Bed = {
    sim,
    bot: app.bot,
    server: app.server,
    appUrl: app.appUrl,
    clock,
    leaks: () => [...leaks, ...findLeaks(sim)],
    close: async () => {
      await sim.idle();
      await stopApp(app);
      await sim.close();
      offerRequestWindow(sim.requests);
      const found = [...leaks, ...findLeaks(sim)];
      if (found.length > 0 && options.allowLeaks !== true)
        throw new Error(`leaked to a public repository:\n${found.join("\n")}`);
    },
  };
  // A replica shares the bed's settings, not its coordination store or request hook (those are per process).
  const { coordination: _c, beforeRequest: _b, ...shared } = options;
  replicas.set(bed, (changes) => startApp(sim, clock, privateKey, { ...shared, ...changes }, false));
  restarts.set(bed, async (changes) => {
    await stopApp(app);
    app = await startApp(sim, clock, privateKey, { ...options, ...changes });
    Object.assign(bed, { bot: app.bot, server: app.server, appUrl: app.appUrl });
  });
  return bed;
}

interface RunningApp {
  bot: AdvisoryBot;
  server: Server;
  appUrl: string;
  stop(): Promise<void>;
}

/** The environment `npm start` would be given, pointing at the simulator as a GitHub Enterprise Server. */
export function bedEnv(sim: Simulator, privateKey: string, port: number, settings: Partial<Settings> = {}) {
  const all: Settings = { dryRun: false, sweepIntervalMinutes: 0, sweepToken: undefined, ...settings };
  return {
    APP_ID: String(sim.world.app.id),
    PRIVATE_KEY: privateKey,
    WEBHOOK_SECRET: BED_SECRET,
    HOST: "127.0.0.1",
    PORT: String(port),
    GHE_HOST: new URL(sim.url).host,
    GHE_PROTOCOL: "http",
    DRY_RUN: String(all.dryRun),
    SWEEP_INTERVAL_MINUTES: String(all.sweepIntervalMinutes),
    ...(all.fullReadIntervalMinutes !== undefined
      ? { FULL_READ_INTERVAL_MINUTES: String(all.fullReadIntervalMinutes) }
      : {}),
    ...(all.sweepToken ? { SWEEP_TOKEN: all.sweepToken } : {}),
    ...(all.metrics ? { METRICS: "true" } : {}),
    ...(all.metricsToken ? { METRICS_TOKEN: all.metricsToken } : {}),
    ...(all.stateSecret ? { STATE_SECRET: all.stateSecret } : {}),
    ...(all.redisUrl ? { REDIS_URL: all.redisUrl } : {}),
  };
}

/**
 * The real app started as `npm start` starts it (`src/bootstrap.ts`: Probot's `run`, the app's Octokit
 * and retry policy), pointed at the simulator, which delivers its webhooks to it. Only the base URL,
 * the clock and the length of waits differ from production (and, for the replica tests, the coordination
 * store and a hook on requests leaving).
 */
async function startApp(
  sim: Simulator,
  clock: Clock,
  privateKey: string,
  options: BedOptions,
  /** False for a replica: the simulator keeps sending its webhooks to the bed's app. */
  target = true,
): Promise<RunningApp> {
  const log = options.log ?? pino({ level: "silent" });
  const port = await freePort();
  const app = await startProduction({
    env: bedEnv(sim, privateKey, port, options.settings),
    log,
    now: clock.now,
    pacing: { secondMs: options.secondMs ?? 1 },
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.coordination ? { coordination: options.coordination() } : {}),
    ...(options.beforeRequest ? { beforeRequest: options.beforeRequest } : {}),
  });
  const appUrl = `http://127.0.0.1:${port}`;
  if (target) sim.setWebhookTarget({ url: `${appUrl}/api/github/webhooks`, secret: BED_SECRET });
  return { bot: app.bot, server: app.server, appUrl, stop: () => app.stop(0) };
}

async function stopApp(app: RunningApp): Promise<void> {
  await app.stop();
}

const replicas = new WeakMap<Bed, (changes: ReplicaOptions) => Promise<RunningApp>>();

export type ReplicaOptions = Pick<BedOptions, "log" | "settings" | "coordination" | "beforeRequest">;

export interface Replica {
  bot: AdvisoryBot;
  /** Base URL of this replica's HTTP server. */
  appUrl: string;
  /** Stops its server and lets go of its coordination store. */
  stop(): Promise<void>;
}

/**
 * Another replica of the app against the same simulator and credentials: its own `createAdvisoryBot`,
 * Probot `Server` and coordination store (what a second process would have). The simulator keeps
 * sending its webhooks to the bed's app; `deliverTo` sends a recorded delivery to any replica.
 */
export async function startReplica(bed: Bed, changes: ReplicaOptions = {}): Promise<Replica> {
  const start = replicas.get(bed);
  if (!start) throw new Error("not a bed made by startBed");
  const app = await start(changes);
  return { bot: app.bot, appUrl: app.appUrl, stop: () => stopApp(app) };
}

/** Sends a delivery the simulator recorded (signed body and headers, as GitHub sent it) to an app; its HTTP status. */
export async function deliverTo(appUrl: string, delivery: Delivery): Promise<number> {
  const res = await fetch(`${appUrl}/api/github/webhooks`, {
    method: "POST",
    headers: delivery.headers,
    body: delivery.body,
  });
  await res.arrayBuffer();
  return res.status;
}

/**
 * Runs a user action whose webhook the simulator signs and records but does not send; the recorded
 * delivery, for `deliverTo` to send to any replica (or process) as often as a test wants.
 */
export async function heldDelivery(sim: Simulator, action: () => Promise<unknown>): Promise<Delivery> {
  sim.setFaults({ rate: 0, kinds: [], dropWebhooks: 1 });
  try {
    await action();
  } finally {
    sim.setFaults(null);
  }
  const delivery = sim.deliveries.at(-1);
  if (!delivery?.dropped) throw new Error("the action's delivery was not held");
  return delivery;
}

const restarts = new WeakMap<Bed, (changes: ReplicaOptions) => Promise<void>>();

/**
 * Stops the app's server and starts a fresh app process-alike: a new `createAdvisoryBot` (no in-memory
 * state survives: locks, caches, the sweep in progress), a new Probot `Server` on a new port, the same
 * simulator, clock and credentials. The simulator's webhooks go to the new app; `bed.bot`, `bed.server`
 * and `bed.appUrl` point at it. Work the old app still has in flight keeps running against the simulator
 * unless the test cut it off (see `crashAt`).
 */
export async function restartApp(bed: Bed, changes: ReplicaOptions = {}): Promise<void> {
  const restart = restarts.get(bed);
  if (!restart) throw new Error("not a bed made by startBed");
  await restart(changes);
}

export interface Crash {
  /** Whether the crash point has been reached. */
  readonly tripped: boolean;
  /** GitHub answers again. */
  release(): void;
}

/**
 * A crash at a chosen point, seen from GitHub: from the first request `at` matches (checked as each
 * request arrives, before it is served) every request of the app fails with 502, so that request and
 * everything after it never happen, as if the process had died there. Token requests are never faulted
 * (nor shown to `at`). Meant for beds without `retries`, so the failure surfaces at once; pair with
 * `restartApp`.
 */
export function crashAt(sim: Simulator, at: (request: ArrivingRequest) => boolean): Crash {
  const state = { tripped: false, released: false };
  sim.failNext((request) => {
    if (state.released) return false;
    if (!state.tripped) state.tripped = at(request);
    return state.tripped;
  }, Number.POSITIVE_INFINITY);
  return {
    get tripped() {
      return state.tripped;
    },
    release() {
      state.released = true;
    },
  };
}
