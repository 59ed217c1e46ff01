import { run } from "probot";
import { healthRoutes } from "./http.js";
import appFunction from "./index.js";
import { createLogger, logOptionsFromEnv } from "./log.js";
import { settingsFromEnv } from "./settings.js";

/**
 * Process entry: Probot's `run` (reads APP_ID, PRIVATE_KEY, WEBHOOK_SECRET, HOST, PORT, GHE_HOST…),
 * our redacting logger, health routes, and graceful shutdown on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  settingsFromEnv(process.env); // fail fast on a bad environment, before binding a port
  const log = await createLogger(logOptionsFromEnv(process.env));
  let stopping = false;
  const server = await run(
    async (probot, options) => {
      await appFunction(probot, options);
      options.addHandler(healthRoutes(() => !stopping));
    },
    { log },
  );

  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    try {
      await server.stop();
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
