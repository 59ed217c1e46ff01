import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseCommands } from "../../src/domain/command-grammar.js";
import {
  COMMAND_SPECS,
  commandSpecs,
  cvssVectorProblem,
  renderCommandsDoc,
  renderHelp,
  VERBS,
  type Where,
  type Who,
} from "../../src/domain/command-specs.js";

describe("the command registry", () => {
  it("has one spec per verb, keyed by its verb", () => {
    expect(Object.keys(COMMAND_SPECS).sort()).toEqual([...VERBS].sort());
    for (const verb of VERBS) expect(COMMAND_SPECS[verb].verb).toBe(verb);
    expect(commandSpecs().map((s) => s.verb)).toEqual([...VERBS]);
  });

  it("says where and by whom each command may be used, as the product specifies", () => {
    const expected: Record<string, [Where[], Who]> = {
      help: [["any"], "anyone"],
      status: [["tracker-issue"], "patch-team"],
      accept: [["tracker-issue"], "security-team"],
      reject: [["tracker-issue"], "security-team"],
      fork: [["tracker-issue"], "patch-team"],
      sync: [["tracker-issue"], "patch-team"],
      add: [["tracker-issue"], "security-team"],
      remove: [["tracker-issue"], "security-team"],
      severity: [["tracker-issue"], "patch-team"],
      cvss: [["tracker-issue"], "patch-team"],
      "fixed-in": [["tracker-issue"], "patch-team"],
      cve: [["tracker-issue"], "security-team"],
      credit: [["tracker-issue"], "patch-team"],
      hold: [["tracker-issue"], "security-team"],
      unhold: [["tracker-issue"], "security-team"],
      watch: [["tracker-issue"], "security-team"],
      publish: [["tracker-issue", "pull-request"], "security-team"],
      create: [["tracker-issue"], "security-team"],
      "also-affects": [["tracker-issue"], "security-team"],
      convert: [["public-issue"], "repo-maintainer"],
    };
    const actual = Object.fromEntries(commandSpecs().map((s) => [s.verb, [[...s.where], s.who]]));
    expect(actual).toEqual(expected);
  });

  it("gives every command a usage starting with its verb, a one-line summary and examples", () => {
    for (const spec of commandSpecs()) {
      expect(spec.usage === `/advisory ${spec.verb}` || spec.usage.startsWith(`/advisory ${spec.verb} `)).toBe(true);
      expect(spec.summary).toMatch(/^\S.*\.$/);
      expect(spec.summary).not.toContain("\n");
      expect(spec.examples.length).toBeGreaterThan(0);
    }
  });

  it("has examples that each parse to one valid command of their verb", () => {
    for (const spec of commandSpecs()) {
      for (const example of spec.examples) {
        const { commands, errors } = parseCommands(example);
        expect(errors, example).toEqual([]);
        expect(commands.map((c) => c.verb)).toEqual([spec.verb]);
      }
    }
  });

  it("checks CVSS vectors structurally", () => {
    expect(cvssVectorProblem("CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:N")).toBeUndefined();
    expect(cvssVectorProblem("CVSS:3.1/AV:N/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:N/toString:x")).toContain("unknown");
    expect(cvssVectorProblem("cvss:3.1/AV:N")).toContain("starts with");
    expect(cvssVectorProblem(`CVSS:3.1/${"AV:N/".repeat(100)}`)).toContain("too long");
  });
});

describe("help and documentation", () => {
  it("renders the help table from the registry, one row per command", () => {
    const help = renderHelp();
    const rows = help.split("\n").filter((l) => l.startsWith("| `/advisory"));
    expect(rows).toHaveLength(VERBS.length);
    expect(help).toContain("| `/advisory severity <low\\|medium\\|high\\|critical>` | tracking issue | patch team |");
    expect(help).toContain("| `/advisory publish` | tracking issue, pull request | security team |");
    expect(help).toContain("| `/advisory convert` | public issue | repository maintainer |");
    expect(help).toContain("| `/advisory help` | anywhere | anyone |");
    expect(help).toMatch(/start of a line/);
    for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(6);
  });

  it("never holds a command a reader could run by quoting the help", () => {
    expect(parseCommands(renderHelp())).toEqual({ commands: [], errors: [] });
    expect(parseCommands(renderCommandsDoc())).toEqual({ commands: [], errors: [] });
  });

  it("documents the syntax rules and every command's examples", () => {
    const doc = renderCommandsDoc();
    for (const rule of ["start of a line", "several commands", "HTML comments", "bots", "edited", "👀", "🚀", "😕"]) {
      expect(doc).toContain(rule);
    }
    expect(doc).toContain(renderHelp());
    for (const spec of commandSpecs()) for (const example of spec.examples) expect(doc).toContain(`\n${example}\n`);
  });

  it("matches the committed docs/commands.md (regenerate with `npx tsx scripts/commands-doc.ts`)", () => {
    const committed = readFileSync(new URL("../../docs/commands.md", import.meta.url), "utf8");
    expect(committed).toBe(renderCommandsDoc());
  });
});
