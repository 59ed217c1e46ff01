/**
 * The end-to-end bed: the simulator and the real app (Probot's own `Server`, webhook secret, signed
 * deliveries over HTTP, Octokit over HTTP to the simulator). Used by `npm run demo` and `test/e2e`.
 */
import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:net";
import pino, { type Logger } from "pino";
import { Probot, ProbotOctokit, Server } from "probot";
import { type AdvisoryBot, createAdvisoryBot } from "../index.js";
import type { Settings } from "../settings.js";
import { createSimulator, type FaultOptions, type Simulator } from "./index.js";
import { findLeaks } from "./leaks.js";

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
  /** Retries and throttling as in production (true), or off so a failure shows at once (false, default). */
  retries?: boolean;
  forkDelayReads?: number;
  /** Only for the test that proves the leak scanner works. */
  allowLeaks?: boolean;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
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
  const log = options.log ?? pino({ level: "silent" });
  const privateKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
    type: "pkcs1",
    format: "pem",
  }) as string;
  // Probot merges its own `throttle` options over plain defaults; a function sees the merged options last.
  const Octokit = ProbotOctokit.defaults((o: Record<string, unknown>) =>
    options.retries
      ? { ...o, retry: { retryAfterBaseValue: 10 } }
      : { ...o, retry: { enabled: false }, throttle: { ...(o.throttle as object), enabled: false } },
  );
  const bot = createAdvisoryBot({
    settings: { dryRun: false, sweepIntervalMinutes: 0, sweepToken: undefined, ...options.settings },
    now: clock.now,
  });
  const port = await freePort();
  const server = new Server({
    Probot: Probot.defaults({
      appId: sim.world.app.id,
      privateKey,
      secret: BED_SECRET,
      baseUrl: sim.url,
      Octokit,
      log,
    }),
    host: "127.0.0.1",
    port,
    log,
    enableStaticFiles: false,
  });
  await server.load(bot.app);
  const http = await server.start();
  const appUrl = `http://127.0.0.1:${port}`;
  sim.setWebhookTarget({ url: `${appUrl}/api/github/webhooks`, secret: BED_SECRET });
  // Every request window is scanned for leaks before it is cleared, and once more at the end.
  const leaks: string[] = [];
  const reset = sim.resetRequests.bind(sim);
  sim.resetRequests = () => {
    leaks.push(...findLeaks(sim));
    reset();
  };
  return {
    sim,
    bot,
    server,
    appUrl,
    clock,
    leaks: () => [...leaks, ...findLeaks(sim)],
    close: async () => {
      await sim.idle();
      http.closeAllConnections();
      await server.stop();
      await sim.close();
      const found = [...leaks, ...findLeaks(sim)];
      if (found.length > 0 && options.allowLeaks !== true)
        throw new Error(`leaked to a public repository:\n${found.join("\n")}`);
    },
  };
}
