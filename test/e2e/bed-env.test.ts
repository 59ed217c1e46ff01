/** The bed hands the app its settings the way production does: as the environment `npm start` reads. */
import { afterEach, describe, expect, it } from "vitest";
import { type Settings, settingsFromEnv } from "../../src/settings.js";
import { bedEnv } from "../../src/sim/harness.js";
import { createSimulator, type Simulator } from "../../src/sim/index.js";

describe("the bed's environment", () => {
  let sim: Simulator;
  afterEach(async () => {
    await sim.close();
  });

  it("carries every setting: the app reads back exactly what the test asked for", async () => {
    sim = await createSimulator({ seed: 1 });
    const settings: Required<Settings> = {
      dryRun: true,
      sweepIntervalMinutes: 7,
      fullReadIntervalMinutes: 5,
      sweepToken: "s".repeat(24),
      metrics: true,
      metricsToken: "m".repeat(24),
      stateSecret: "a-state-secret-of-some-length",
      redisUrl: "redis://127.0.0.1:6399/0",
    };
    const env = bedEnv(sim, "unused-key", 3000, settings);
    expect(settingsFromEnv(env)).toEqual(settings);
    expect(env.GHE_HOST).toBe(new URL(sim.url).host);
  });
});
