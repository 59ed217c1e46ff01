import nock from "nock";
import { describe, expect, it } from "vitest";
import { formatConfigError } from "../../src/config/errors.js";
import { loadConfig } from "../../src/config/load.js";
import { DEFAULT_CONFIG } from "../../src/config/schema.js";
import { testOctokit } from "../helpers/probot.js";

const API = "https://api.github.com";
const PATH = "/repos/oras-project/%s/contents/.github%2Fadvisory-bot.yml";

function file(repo: string, text: string | null, owner = "oras-project") {
  const scope = nock(API).get(PATH.replace("%s", repo).replace("oras-project", owner));
  return text === null
    ? scope.reply(404, { message: "Not Found" })
    : scope.reply(200, text, { "content-type": "text/plain; charset=utf-8" });
}

describe("loading .github/advisory-bot.yml", () => {
  it("reads the repository's own file and applies defaults to what it leaves out", async () => {
    file("oras-go", "tracker:\n  repo: security-response\nsecurityTeam:\n  members: ['@Alice', bob]\n");
    const result = await loadConfig(testOctokit(), "oras-project", "oras-go");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.tracker.repo).toBe("security-response");
    expect(result.config.securityTeam.members).toEqual(["Alice", "bob"]);
    expect(result.config.publish).toEqual(DEFAULT_CONFIG.publish);
    expect(result.files).toEqual(["oras-project/oras-go:.github/advisory-bot.yml"]);
  });

  it("falls back to the org's .github repository", async () => {
    file("oras", null);
    file(".github", "tracker:\n  repo: security-response\n");
    const result = await loadConfig(testOctokit(), "oras-project", "oras");
    expect(result.ok && result.config.tracker.repo).toBe("security-response");
    expect(result.ok && result.files).toEqual(["oras-project/.github:.github/advisory-bot.yml"]);
  });

  it("follows _extends, the nearer file wins and arrays are replaced, not concatenated", async () => {
    file("oras", "_extends: .github\ninactive: [oras-rs]\npublish:\n  waitFor: any\n");
    file(".github", "inactive: [artifacts-spec]\ntracker:\n  repo: security-response\npublish:\n  prereleases: true\n");
    const result = await loadConfig(testOctokit(), "oras-project", "oras");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.inactive).toEqual(["oras-rs"]);
    expect(result.config.tracker.repo).toBe("security-response");
    expect(result.config.publish).toMatchObject({ waitFor: "any", prereleases: true });
  });

  it("uses the product's defaults when no file exists anywhere", async () => {
    file("oras", null);
    file(".github", null);
    const result = await loadConfig(testOctokit(), "oras-project", "oras");
    expect(result).toEqual({ ok: true, config: DEFAULT_CONFIG, files: [] });
  });

  describe("a bad file gives a structured error, never a crash and never silent defaults", () => {
    it("invalid YAML", async () => {
      file("oras", "publish:\n  waitFor: [all\n  prereleases: yes: no\n");
      const result = await loadConfig(testOctokit(), "oras-project", "oras");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.repository).toBe("oras-project/oras");
      expect(result.error.problems).toHaveLength(1);
      expect(result.error.problems[0]?.path).toBe("(file)");
      expect(result.error.problems[0]?.message).toMatch(/invalid YAML/);
    });

    it("a wrong type on a security setting", async () => {
      file("oras", "patchTeam:\n  removeUnlisted: 'yes'\nintake:\n  ackWithin: -3\n");
      const result = await loadConfig(testOctokit(), "oras-project", "oras");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.problems.map((p) => p.path).sort()).toEqual(["intake.ackWithin", "patchTeam.removeUnlisted"]);
      expect(result.error.files).toEqual(["oras-project/oras:.github/advisory-bot.yml"]);
    });

    it("an unknown key (a typo must not silently fall back to the default)", async () => {
      file("oras", "publish:\n  waitfor: any\n");
      const result = await loadConfig(testOctokit(), "oras-project", "oras");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.problems).toEqual([{ path: "publish.waitfor", message: "unknown key" }]);
    });

    it("an invalid enum value", async () => {
      file("oras", "publish:\n  waitFor: some\n");
      const result = await loadConfig(testOctokit(), "oras-project", "oras");
      expect(!result.ok && result.error.problems[0]?.path).toBe("publish.waitFor");
    });

    it("an empty file", async () => {
      file("oras", "# nothing here yet\n");
      const result = await loadConfig(testOctokit(), "oras-project", "oras");
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.error.problems[0]?.message).toMatch(/is empty/);
      expect(formatConfigError(result.error)).toContain("Invalid configuration for oras-project/oras");
    });

    it("a YAML document that is not a mapping", async () => {
      file("oras", "just a string\n");
      const result = await loadConfig(testOctokit(), "oras-project", "oras");
      expect(result.ok).toBe(false);
    });
  });

  it("one repository's bad file does not stop another repository from loading", async () => {
    file("oras", "publish: nope\n");
    file("oras-go", "tracker:\n  repo: security-response\n");
    const results = await Promise.all([
      loadConfig(testOctokit(), "oras-project", "oras"),
      loadConfig(testOctokit(), "oras-project", "oras-go"),
    ]);
    expect(results.map((r) => r.ok)).toEqual([false, true]);
  });

  it("a GitHub outage is thrown (retry later), not reported as a bad file", async () => {
    nock(API).get(PATH.replace("%s", "oras")).reply(502, { message: "Bad Gateway" });
    await expect(loadConfig(testOctokit(), "oras-project", "oras")).rejects.toMatchObject({ status: 502 });
  });
});
