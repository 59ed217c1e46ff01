import { run } from "probot";
import { healthRoutes } from "./http.js";
import { createAdvisoryBot } from "./index.js";
import { createLogger, logOptionsFromEnv } from "./log.js";
import { settingsFromEnv } from "./settings.js";

/**
 * Process entry: Probot's `run` (reads APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, HOST, PORT, GHE_HOST, REDIS_URL…),
 * our redacting logger, health routes, the sweep timer and graceful shutdown on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const settings = settingsFromEnv(process.env); // fail fast on a bad environment, before binding a port
  const log = await createLogger(logOptionsFromEnv(process.env));
  const bot = createAdvisoryBot({ settings, now: () => new Date() });
  let stopping = false;
  let loaded = false;
  const server = await run(
    async (probot, options) => {
      await bot.app(probot, options);
      options.addHandler(healthRoutes(() => !stopping));
      loaded = true;
    },
    { log },
  );

  // Without REDIS_URL all runs share this process's memory: run one replica. With it, Probot's
  // throttling (it reads REDIS_URL itself) and the app's lock, ledger and ETag cache live in Redis.
  log.info({ coordination: bot.coordination.kind }, "coordination store");

  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<unknown> | undefined;
  if (loaded && settings.sweepIntervalMinutes > 0) {
    const every = settings.sweepIntervalMinutes * 60_000;
    timer = setInterval(() => {
      if (inFlight || stopping) return;
      inFlight = bot
        .sweepAll()
        .catch((err: unknown) => log.error({ err }, "scheduled sweep failed"))
        .finally(() => {
          inFlight = undefined;
        });
    }, every);
    timer.unref();
    log.info({ everyMinutes: settings.sweepIntervalMinutes }, "sweep timer started");
  }

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    if (timer) clearInterval(timer);
    try {
      // A sweep stopped half-way loses nothing (GitHub holds the state), but let a short one finish.
      if (inFlight) await Promise.race([inFlight, new Promise((r) => setTimeout(r, 5_000).unref())]);
      await server.stop();
      await bot.close();
      log.info("stopped");
      process.exit(0);
    } catch (err) {
      log.error({ err }, "error while stopping");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
