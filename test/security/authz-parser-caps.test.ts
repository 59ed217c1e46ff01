/**
 * Issue 14 item 5 (configuration part): a configuration file is parsed only up to a size cap. YAML
 * parsing of adversarial text (thousands of anchors) grows faster than linearly, so a 1 MB file is
 * refused as invalid configuration before the parser sees it; the org keeps working.
 */
import { describe, expect, it } from "vitest";
import { loadOrgConfigs, MAX_CONFIG_BYTES } from "../../src/github/config.js";
import type { RepoSnapshot } from "../../src/github/org.js";
import { testOctokit } from "../helpers/probot.js";

const snapshot = (name: string, config: string | null): RepoSnapshot => ({
  id: `R_${name}`,
  name,
  archived: false,
  private: false,
  visibility: "public",
  files: {},
  config,
  releases: [],
});

describe("configuration files are parsed only within a size cap", () => {
  it("a 1 MB file of anchors is an invalid configuration, and the others load", async () => {
    const huge = "- &x y\n".repeat(Math.ceil((1024 * 1024) / 7));
    expect(huge.length).toBeGreaterThan(MAX_CONFIG_BYTES);
    const configs = await loadOrgConfigs(testOctokit(), "oras-project", [
      snapshot(".github", "tracker:\n  repo: security-response\n"),
      snapshot("oras-go", huge),
      snapshot("oras", null),
    ]);
    const bad = configs.get("oras-go");
    expect(bad?.ok).toBe(false);
    expect(bad?.ok === false && bad.error.problems[0]?.message).toContain(`larger than ${MAX_CONFIG_BYTES} bytes`);
    expect(configs.get("oras")?.ok).toBe(true);
    expect(configs.get(".github")?.ok).toBe(true);
  });
});
