import type { ApplicationFunction, ApplicationFunctionOptions, Probot } from "probot";
import { type Settings, settingsFromEnv } from "./settings.js";

/** What the app needs from its surroundings; tests and the demo inject their own. */
export interface AppDeps {
  settings: Settings;
  /** The clock: every workflow reads time from here, never from `new Date()`. */
  now: () => Date;
}

export interface AdvisoryBot {
  /** The Probot application function. */
  app: ApplicationFunction;
}

/**
 * Builds the app: routes events, commands and sweeps to workflows; nothing else lives here.
 */
export function createAdvisoryBot(deps: AppDeps): AdvisoryBot {
  const app = (probot: Probot, _options: ApplicationFunctionOptions): void => {
    probot.log.info({ dryRun: deps.settings.dryRun }, "oras-advisory-bot loaded");
  };
  return { app };
}

/** Default export: the Probot app function, configured from the environment. */
const appFunction: ApplicationFunction = (probot, options) =>
  createAdvisoryBot({ settings: settingsFromEnv(process.env), now: () => new Date() }).app(probot, options);

export default appFunction;
