import { describe, expect, it } from "vitest";
import { settingsFromEnv } from "../../src/settings.js";

describe("settings from the environment", () => {
  it("serves no metrics unless asked", () => {
    expect(settingsFromEnv({}).metrics).toBe(false);
    expect(settingsFromEnv({ METRICS: "false" }).metrics).toBe(false);
  });

  it("METRICS=true serves them without a token; a METRICS_TOKEN turns them on behind it", () => {
    expect(settingsFromEnv({ METRICS: "true" })).toMatchObject({ metrics: true, metricsToken: undefined });
    const token = "m".repeat(20);
    expect(settingsFromEnv({ METRICS_TOKEN: token })).toMatchObject({ metrics: true, metricsToken: token });
  });

  it("refuses a metrics token too short to guess at", () => {
    expect(() => settingsFromEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN must be at least 16 characters/);
  });
});
