import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DESCRIPTION_PROBLEMS, disclosureCheck } from "../../src/domain/disclosure.js";

/**
 * The disclosure check against advisory descriptions as people actually write them: published
 * advisories of ORAS and of other Go/CNCF projects (GitHub's template, reporters' reports, prose with
 * no heading, bold pseudo-headings), and a few realistic drafts written for this corpus. Each file in
 * `test/fixtures/advisories/` carries its provenance and the verdict written by hand from reading it
 * (see the README there); the check must reach the same verdict.
 */
const DIR = new URL("../fixtures/advisories/", import.meta.url);

interface Fixture {
  file: string;
  header: Record<string, string>;
  description: string;
  expected: string[];
}

function load(file: string): Fixture {
  const text = readFileSync(new URL(file, DIR), "utf8");
  const split = text.indexOf("\n---\n");
  if (split === -1) throw new Error(`${file}: no '---' line after the header`);
  const header: Record<string, string> = {};
  for (const line of text.slice(0, split).split("\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) header[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  const verdict = header.expected ?? "";
  const expected = verdict === "pass" ? [] : verdict.split(",").map((s) => s.trim());
  return { file, header, description: text.slice(split + 5), expected };
}

const fixtures = readdirSync(DIR)
  .filter((f) => f.endsWith(".md") && f !== "README.md")
  .sort()
  .map(load);
const real = fixtures.filter((f) => f.header.source === "real");

function descriptionCodes(description: string): string[] {
  const problems = disclosureCheck(
    {
      description,
      severity: "high",
      vulnerabilities: [{ vulnerable_version_range: "< 1.0.0", patched_versions: "1.0.0" }],
    },
    { onHold: false },
  );
  return problems.filter((p) => DESCRIPTION_PROBLEMS.has(p.code)).map((p) => p.code);
}

describe("disclosure check on real advisory descriptions", () => {
  it("has at least 30 real published descriptions, ORAS's own and at least 5 other projects'", () => {
    expect(real.length).toBeGreaterThanOrEqual(30);
    const owners = new Set(real.map((f) => (f.header.repository ?? "").split("/")[0]));
    expect(owners.has("oras-project")).toBe(true);
    owners.delete("oras-project");
    expect(owners.size).toBeGreaterThanOrEqual(5);
  });

  it("includes texts that must fail (no fix statement), real and written", () => {
    const failing = fixtures.filter((f) => f.expected.includes("missing-fix"));
    expect(failing.filter((f) => f.header.source === "real").length).toBeGreaterThanOrEqual(3);
    expect(failing.filter((f) => f.header.source === "written").length).toBeGreaterThanOrEqual(3);
  });

  it.each(fixtures.map((f) => [f.file, f] as const))("%s has its provenance", (_file, fixture) => {
    for (const field of ["source", "repository", "ghsa", "link", "package", "patched", "releases", "expected", "why"]) {
      expect(fixture.header[field], field).toBeTruthy();
    }
    expect(["real", "written"]).toContain(fixture.header.source);
    if (fixture.header.source === "real") {
      expect(fixture.header.ghsa).toMatch(/^GHSA(-[23456789cfghjmpqrvwx]{4}){3}$/);
      expect(fixture.file).toContain(fixture.header.ghsa);
      expect(fixture.header.link).toContain(fixture.header.ghsa);
      expect(fixture.header.database).toBe(`https://github.com/advisories/${fixture.header.ghsa}`);
    }
    for (const code of fixture.expected) expect(DESCRIPTION_PROBLEMS.has(code as never), code).toBe(true);
  });

  it.each(fixtures.map((f) => [f.file, f.header.expected, f] as const))("%s → %s", (_file, _verdict, fixture) => {
    expect(descriptionCodes(fixture.description)).toEqual(fixture.expected);
  });
});
