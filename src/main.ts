import { startApp } from "./bootstrap.js";
import { createLogger, logOptionsFromEnv } from "./log.js";

/**
 * Process entry: the app started as `src/bootstrap.ts` starts it (Probot's `run`, the app's Octokit,
 * health routes, the first sweep and the sweep timer; with REDIS_URL, the coordination store in Redis), and
 * graceful shutdown on SIGTERM/SIGINT.
 */
async function main(): Promise<void> {
  const log = await createLogger(logOptionsFromEnv(process.env));
  const app = await startApp({ env: process.env, log });
  let stopping = false;
  const shutdown = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    try {
      await app.stop();
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
