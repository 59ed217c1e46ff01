import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderSchema, SCHEMA_FILE } from "../../scripts/schema.js";
import { configJsonSchema, configSchema, DEFAULT_CONFIG } from "../../src/config/schema.js";

describe("configuration schema", () => {
  it("applies the product's defaults when nothing is set", () => {
    expect(DEFAULT_CONFIG).toEqual({
      securityTeam: { members: [], enforce: false },
      tracker: {},
      maintainers: { files: ["OWNERS.md", "MAINTAINERS.md", "CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"] },
      inactive: [],
      intake: { acceptReports: true, privateFork: true, ackWithin: 14 },
      patchTeam: { removeUnlisted: false, outsideExperts: [] },
      publish: { prereleases: false, waitFor: "all", together: false, annotateRelease: true },
      packages: {},
    });
  });

  it("outside experts are GitHub handles", () => {
    expect(configSchema.parse({ patchTeam: { outsideExperts: ["@ada", "bob-b"] } }).patchTeam.outsideExperts).toEqual([
      "@ada",
      "bob-b",
    ]);
    expect(configSchema.safeParse({ patchTeam: { outsideExperts: ["bob_"] } }).success).toBe(false);
  });

  it("accepts the ORAS example from the product specification", () => {
    const parsed = configSchema.parse({
      securityTeam: { team: "security", members: ["alice", "bob"], enforce: false },
      tracker: { repo: "security-response" },
      maintainers: { files: ["OWNERS.md", "MAINTAINERS.md", "CODEOWNERS", ".github/CODEOWNERS", "docs/CODEOWNERS"] },
      inactive: ["artifacts-spec"],
      intake: { acceptReports: true, privateFork: true, ackWithin: 14 },
      patchTeam: { removeUnlisted: false, outsideExperts: [] },
      publish: { prereleases: false, waitFor: "all", together: false, annotateRelease: true },
      packages: { "oras-go": { ecosystem: "go", name: "oras.land/oras-go/v2" } },
    });
    expect(parsed.tracker.repo).toBe("security-response");
    expect(parsed.packages["oras-go"]).toEqual({ ecosystem: "go", name: "oras.land/oras-go/v2" });
  });

  it("keeps nested defaults when a section is given partially", () => {
    const parsed = configSchema.parse({ publish: { waitFor: "any" } });
    expect(parsed.publish).toEqual({ prereleases: false, waitFor: "any", together: false, annotateRelease: true });
  });

  it("describes every field of the generated JSON Schema", () => {
    const undescribed: string[] = [];
    const walk = (node: Record<string, unknown>, path: string) => {
      const props = node.properties as Record<string, Record<string, unknown>> | undefined;
      for (const [key, child] of Object.entries(props ?? {})) {
        if (typeof child.description !== "string" || child.description.length < 10) undescribed.push(`${path}${key}`);
        walk(child, `${path}${key}.`);
      }
    };
    walk(configJsonSchema(), "");
    expect(undescribed).toEqual([]);
  });

  it("committed schema/advisory-bot.schema.json matches the zod schema (run `npm run schema`)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(renderSchema());
  });
});
