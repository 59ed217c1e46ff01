/**
 * Starting the app: the one code path of `npm start` (`src/main.ts`) and of the end-to-end bed
 * (`src/sim/harness.ts`). Probot's `run` reads APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, HOST, PORT and
 * GHE_HOST from `env`; the app adds its Octokit (its retry policy for GitHub's rate limits), its
 * redacting logger, health routes, the first sweep at start-up and the sweep timer. The bed passes
 * another environment (the simulator as GHE_HOST), its clock and shorter waits — nothing else.
 */
import type { Logger } from "pino";
import { run, type Server } from "probot";
import type { Coordination } from "./coordination/index.js";
import { appOctokit, type Pacing, PRODUCTION_PACING } from "./github/octokit.js";
import { healthRoutes } from "./http.js";
import { type AdvisoryBot, createAdvisoryBot } from "./index.js";
import { type Settings, settingsFromEnv } from "./settings.js";

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** The clock (default: the system clock). */
  now?: () => Date;
  /** How long waits last (default: real seconds). */
  pacing?: Pacing;
  /** How long one HTTP attempt to GitHub may take (default `REQUEST_TIMEOUT_MS`). */
  requestTimeoutMs?: number;
  /** The coordination store (default: Redis when `REDIS_URL` is set, else this process's memory). */
  coordination?: Coordination;
  /** Seen by the app's Octokit before each request leaves (the bed pauses or stops a replica there). */
  beforeRequest?: (request: { method: string; url: string }) => void | Promise<void>;
}

export interface RunningApp {
  bot: AdvisoryBot;
  server: Server;
  settings: Settings;
  /** False while setup mode runs (no APP_ID or PRIVATE_KEY): nothing is loaded then. */
  loaded: boolean;
  /** Stops the sweep timer, lets a sweep in progress finish (up to `graceMs`), stops the server. */
  stop(graceMs?: number): Promise<void>;
}

export async function startApp(options: StartOptions): Promise<RunningApp> {
  const { env, log } = options;
  const settings = settingsFromEnv(env); // fail fast on a bad environment, before binding a port
  const bot = createAdvisoryBot({
    settings,
    now: options.now ?? (() => new Date()),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.coordination ? { coordination: options.coordination } : {}),
  });
  // Without REDIS_URL all runs share this process's memory: run one replica. With it, Probot's
  // throttling (it reads REDIS_URL itself) and the app's lock, ledger and ETag cache live in Redis.
  log.info({ coordination: bot.coordination.kind }, "coordination store");
  const beforeRequest = options.beforeRequest;
  const Octokit = appOctokit(options.pacing ?? PRODUCTION_PACING);
  let stopping = false;
  let loaded = false;
  // Probot's `run` adds a SIGINT listener that exits at once; the app stops gracefully itself (main.ts).
  const sigint = new Set(process.listeners("SIGINT"));
  const server = await run(
    async (probot, appOptions) => {
      await bot.app(probot, appOptions);
      appOptions.addHandler(healthRoutes(() => !stopping));
      loaded = true;
    },
    {
      env,
      log,
      Octokit: beforeRequest
        ? (Octokit.plugin((octokit) => {
            octokit.hook.before("request", (o) => beforeRequest({ method: o.method, url: o.url }));
          }) as typeof Octokit)
        : Octokit,
    },
  );
  for (const listener of process.listeners("SIGINT")) if (!sigint.has(listener)) process.off("SIGINT", listener);

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  const sweep = () => {
    if (inFlight || stopping) return;
    inFlight = bot
      .sweepAll()
      .catch((err: unknown) => log.error({ err }, "scheduled sweep failed"))
      .finally(() => {
        inFlight = undefined;
      });
  };
  if (loaded && settings.sweepIntervalMinutes > 0) {
    timer = setInterval(sweep, settings.sweepIntervalMinutes * 60_000);
    timer.unref();
    log.info({ everyMinutes: settings.sweepIntervalMinutes }, "sweep timer started");
    // The first sweep runs now: tracking issues opened by hand are adopted, missed work is done.
    sweep();
  }

  return {
    bot,
    server,
    settings,
    loaded,
    stop: async (graceMs = 5_000) => {
      stopping = true;
      if (timer) clearInterval(timer);
      // A sweep stopped half-way loses nothing (GitHub holds the state), but let a short one finish.
      if (inFlight) await Promise.race([inFlight, new Promise((r) => setTimeout(r, graceMs).unref())]);
      await server.stop();
      await bot.close();
    },
  };
}
