import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkWebhookPayload } from "./helpers/conformance.js";

const DIR = new URL("./fixtures/webhooks/", import.meta.url);
const files = readdirSync(DIR).filter((f) => f.endsWith(".json"));

describe("webhook fixtures match GitHub's published schemas (@octokit/openapi-webhooks)", () => {
  it("there are fixtures to check", () => {
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    it(file, () => {
      const event = file.replace(/\.json$/, "").split(".")[0] ?? "";
      const payload = JSON.parse(readFileSync(new URL(file, DIR), "utf8")) as unknown;
      expect(checkWebhookPayload(event, payload)).toEqual([]);
    });
  }

  it("a fixture that drifts from GitHub's schema is caught", () => {
    const payload = JSON.parse(readFileSync(new URL("release.published.json", DIR), "utf8")) as {
      release: Record<string, unknown>;
    };
    payload.release.tag_name = 261;
    expect(checkWebhookPayload("release", payload).length).toBeGreaterThan(0);
  });
});
