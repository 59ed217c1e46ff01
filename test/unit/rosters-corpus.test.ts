/**
 * Real roster files from ORAS's history and other CNCF projects (test/fixtures/rosters), each with
 * its provenance on the first line and expectations written by hand in expectations.yaml.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { mergeRosters, parseRoster } from "../../src/domain/rosters.js";

const ROOT = fileURLToPath(new URL("../fixtures/rosters/", import.meta.url));
const SOURCE = /^# source: https:\/\/github\.com\/([\w.-]+\/[\w.-]+)\/blob\/([0-9a-f]{40})\/(.+)$/;

interface Expected {
  active?: string[];
  emeritus?: string[];
  teams?: string[];
  warnings?: (number | string)[];
}
interface Expectations {
  files: Record<string, Expected>;
  repositories: Record<string, Expected & { files: string[] }>;
}

const expectations = parse(readFileSync(join(ROOT, "expectations.yaml"), "utf8")) as Expectations;

function fixtures(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return fixtures(path);
    return name === "expectations.yaml" ? [] : [relative(ROOT, path)];
  });
}

/** The fixture's source and its original text (the provenance line removed). */
function load(fixture: string): { repo: string; commit: string; path: string; text: string } {
  const raw = readFileSync(join(ROOT, fixture), "utf8");
  const newline = raw.indexOf("\n");
  const header = SOURCE.exec(raw.slice(0, newline));
  if (!header)
    throw new Error(`${fixture}: first line must be "# source: https://github.com/<repo>/blob/<commit>/<path>"`);
  return { repo: header[1] ?? "", commit: header[2] ?? "", path: header[3] ?? "", text: raw.slice(newline + 1) };
}

const keys = (logins: readonly string[]) => logins.map((l) => l.toLowerCase()).sort();

const all = fixtures(ROOT).sort();

describe("roster corpus", () => {
  it("holds at least 30 ORAS files and files of at least 10 other CNCF projects, each with an expectation", () => {
    const repos = all.map((f) => load(f).repo);
    expect(repos.filter((r) => r.startsWith("oras-project/")).length).toBeGreaterThanOrEqual(30);
    const others = new Set(
      repos.filter((r) => !r.startsWith("oras-project/")).map((r) => `${r.split("/")[0]}/${r.split("/")[1]}`),
    );
    expect(others.size).toBeGreaterThanOrEqual(10);
    expect(Object.keys(expectations.files).sort()).toEqual(all);
  });

  for (const fixture of all) {
    it(fixture, () => {
      const { repo, commit, path, text } = load(fixture);
      expect(fixture.startsWith(`${repo}/${commit.slice(0, 8)}/`)).toBe(true);
      const expected = expectations.files[fixture] ?? {};
      const roster = parseRoster(path, text);
      expect(keys(roster.active.map((p) => p.login))).toEqual(keys(expected.active ?? []));
      expect(keys(roster.emeritus.map((p) => p.login))).toEqual(keys(expected.emeritus ?? []));
      expect(keys(roster.teams)).toEqual(keys(expected.teams ?? []));
      expect(roster.warnings.map((w) => w.line)).toEqual(expected.warnings ?? []);
    });
  }

  for (const [name, expected] of Object.entries(expectations.repositories)) {
    it(`${name}: the repository's files merged`, () => {
      const rosters = expected.files.map((fixture) => {
        const { path, text } = load(fixture);
        return parseRoster(path, text);
      });
      const merged = mergeRosters(rosters);
      expect(keys(merged.active.map((p) => p.login))).toEqual(keys(expected.active ?? []));
      expect(keys(merged.emeritus.map((p) => p.login))).toEqual(keys(expected.emeritus ?? []));
      expect(merged.warnings.map((w) => `${w.file}:${w.line}`)).toEqual(expected.warnings ?? []);
    });
  }
});
