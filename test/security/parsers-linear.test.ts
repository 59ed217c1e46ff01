/**
 * Issue 14 item 5: every parser of untrusted text does bounded, linear work, with documented caps.
 *
 * - The markdown parser (micromark) rebuilt its whole event list once per closing container and per
 *   setext heading: quadratic (64 KiB of `a\n-\n` took over a minute). `markdown.ts` replaces that step
 *   with one that moves only the events after an edit; asserted here on the events it moves (work,
 *   not time), and shown to build the very same trees.
 * - Comments: only comments with a prefixed line are parsed, and only up to the paragraph of the last
 *   one, within MAX_COMMAND_LINES lines and MAX_COMMAND_CHARS characters; a command past that is
 *   reported, never run.
 * - GFM tables are tried only on a line followed by a possible delimiter row and after a table (the
 *   extension scans every line whole otherwise); shown to build the very same trees.
 * - Descriptions: at most MAX_DESCRIPTION_LINES lines, MAX_DESCRIPTION_PIPES table pipes and
 *   MAX_DESCRIPTION_CONTAINERS container markers (each cell, list item or quote costs a tokenizer); rosters: markdown and YAML files over
 *   MAX_PARSED_ROSTER characters or MAX_PARSED_ROSTER_LINES lines are a warning and yield nobody, and
 *   brackets past MAX_LINK_BRACKETS are text; configuration files over MAX_CONFIG_BYTES are invalid.
 *
 * `npm run bench` times each parser on 1 MB adversarial inputs; nothing here is timed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { EditMap } from "micromark-util-edit-map";
import nock from "nock";
import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { MAX_COMMAND_CHARS, MAX_COMMAND_LINES, parseCommandsWithWork } from "../../src/domain/command-grammar.js";
import {
  MAX_DESCRIPTION_CONTAINERS,
  MAX_DESCRIPTION_LINES,
  MAX_DESCRIPTION_MARKUP,
  MAX_DESCRIPTION_PIPES,
  MAX_DESCRIPTION_TABLE_ROWS,
  prepareDescription,
  readDescription,
} from "../../src/domain/description.js";
import { disclosureCheck } from "../../src/domain/disclosure.js";
import {
  boundMarkdown,
  MAX_LINK_BRACKETS,
  markDelimiterLines,
  markdownEditWork,
  parseMarkdown,
  withMicromarkConsume,
  withUnguardedTables,
} from "../../src/domain/markdown.js";
import {
  MAX_PARSED_ROSTER,
  MAX_PARSED_ROSTER_LINES,
  MAX_ROSTER,
  MAX_ROSTER_CONTAINERS,
  MAX_ROSTER_PIPES,
  parseRoster,
} from "../../src/domain/rosters.js";
import { MAX_YAML_FLOW_DEPTH, yamlFlowDepth } from "../../src/domain/yaml-bounds.js";
import { loadOrgConfigs, MAX_CONFIG_BYTES, snapshotConfigReader } from "../../src/github/config.js";
import { testOctokit } from "../helpers/probot.js";

const MB = 1_000_000;
const ADVISORIES = join(import.meta.dirname, "../fixtures/advisories");
const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/**
 * Events micromark's edits moved while parsing `text` (ours), and how many micromark's own step would
 * have moved (it moves the whole list on every edit).
 */
function editWork(text: string): { ours: number; theirs: number } {
  const real = EditMap.prototype.consume;
  let theirs = 0;
  const spy = vi.spyOn(EditMap.prototype, "consume").mockImplementation(function (this: EditMap, events) {
    theirs += events.length;
    return real.call(this, events);
  });
  const before = markdownEditWork();
  try {
    parseMarkdown(text);
  } finally {
    spy.mockRestore();
  }
  return { ours: markdownEditWork() - before, theirs };
}

/** Shapes whose every block makes micromark edit its event list: setext headings, closing containers. */
const EDITING_SHAPES = [
  "a\n-\n",
  "a\n=\n",
  "> a\n\nb\n\n",
  "> a\nb\n\n",
  "- a\n\nb\n\n",
  "> > > a\n\n",
  "> - a\nb\n\n",
];

describe("the markdown parser does linear work", () => {
  it.each(EDITING_SHAPES)("moves a bounded number of events per character on %j repeated", (unit) => {
    const small = editWork(unit.repeat(200));
    const large = editWork(unit.repeat(800));
    // Four times the text: four times the events moved, where micromark's own step moves ~16 times more.
    expect(small.ours).toBeGreaterThan(0);
    expect(large.ours).toBeLessThanOrEqual(4 * small.ours + 64);
    expect(large.ours).toBeLessThanOrEqual(40 * unit.length * 800);
    expect(large.theirs).toBeGreaterThan(10 * small.theirs);
    expect(large.theirs).toBeGreaterThan(20 * large.ours);
  });

  it("builds the same trees as micromark's own edit step, on the fixtures and on random markdown", () => {
    const pieces = [
      "a",
      "-",
      "=",
      ">",
      "> ",
      "- ",
      "1. ",
      "  ",
      "    ",
      "\n",
      "\n\n",
      "```",
      "~~~",
      "|",
      "*",
      "_",
      "`",
      "<!--",
      "-->",
      "<div>",
      "[",
      "](",
      ")",
      "#",
      "\\",
    ];
    const same = (text: string) => {
      const ours = JSON.stringify(parseMarkdown(text));
      const theirs = withMicromarkConsume(() => JSON.stringify(parseMarkdown(text)));
      expect(ours).toBe(theirs);
    };
    for (const unit of EDITING_SHAPES) same(unit.repeat(50));
    same(
      "## Impact\nA **crafted** title.\n\n> quoted `code`\n> - in a list\nlazy\n\nTitle\n-----\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
    );
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 120 }), (parts) => same(parts.join(""))),
      { numRuns: 300 },
    );
  });

  it("tries tables only where one can be, building the same trees as micromark's extension", () => {
    expect([...markDelimiterLines("a|b\r\n-|-\r> | :-: |\n- a\n---\n1. -|-")]).toEqual([0, 0, 1, 1, 0, 0, 1, 0]);
    const pieces = ["a", "a b", "-", ":", "|", ">", "> ", "- ", "1. ", "  ", "    ", "\t", "\n", "\r\n", "\r", "\n\n"];
    const more = ["```", "*", "`", "[^a]: ", "[", "]", "\\", "<div>", "=", "#"];
    const same = (text: string) => {
      for (const syntax of ["gfm", "tables"] as const) {
        const ours = JSON.stringify(parseMarkdown(text, syntax));
        expect(ours).toBe(withUnguardedTables(() => JSON.stringify(parseMarkdown(text, syntax))));
      }
    };
    for (const file of readdirSync(ADVISORIES)) same(readFileSync(join(ADVISORIES, file), "utf8"));
    same("| a | b |\n| - | - |\n| 1 | 2 |\nbody\n\n> x | y\n> :-\n> z\n\n- h|i\n  -|-\n  j\n");
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces, ...more), { maxLength: 150 }), (parts) => same(parts.join(""))),
      { numRuns: 1_500 },
    );
  });

  it("bounds nesting and brackets before the parser sees the text, keeping every line", () => {
    const text = `${">".repeat(MB / 10)} x\n${"- ".repeat(1_000)}y\n${"[".repeat(MAX_LINK_BRACKETS + 10)}`;
    const bounded = boundMarkdown(text, { brackets: MAX_LINK_BRACKETS });
    expect(bounded.split("\n")).toHaveLength(3);
    expect(bounded.length).toBeLessThan(3 * MAX_LINK_BRACKETS);
    expect(bounded.match(/\[/g)).toHaveLength(MAX_LINK_BRACKETS);
    expect(boundMarkdown("[a](b)", { brackets: 0 })).toBe("(a)(b)");
    expect(boundMarkdown("   /advisory sync [x]", { brackets: 0 })).toBe("   /advisory sync (x)");
  });
});

describe("comments: commands are read from a bounded window", () => {
  const ADVERSARIAL = [
    `#${" ".repeat(400)}\r`,
    "a\n-\n",
    "> a\n\nb\n\n",
    "- ",
    ">",
    "# h\n",
    "`".repeat(1000),
    "[",
    "<!--",
    "*a _b ",
    "|a|\n",
    "<a ",
    "www.a ",
  ];

  it.each(ADVERSARIAL)("parses at most the window of 1 MB of %j with a command at the end", (unit) => {
    const body = `${fill(unit, MB)}\n/advisory publish\n`;
    const { result, work } = parseCommandsWithWork(body);
    expect(work.parsedLines).toBeLessThanOrEqual(MAX_COMMAND_LINES);
    expect(work.parsedChars).toBeLessThanOrEqual(MAX_COMMAND_CHARS);
    expect(result.commands).toEqual([]);
  });

  it("parses nothing when no line starts with the prefix", () => {
    for (const unit of ADVERSARIAL) {
      const { result, work } = parseCommandsWithWork(`${fill(unit, 60_000)} see /advisory help`);
      expect(work).toEqual({ parsedLines: 0, parsedChars: 0 });
      expect(result.commands).toEqual([]);
    }
  });

  it("parses only up to the paragraph of the last command", () => {
    const { result, work } = parseCommandsWithWork(`/advisory sync\nmore\n\n${"text\n\n".repeat(150)}`);
    expect(result.commands.map((c) => c.verb)).toEqual(["sync"]);
    expect(work.parsedLines).toBe(2);
  });

  it("reports a command past the window without running it; one inside runs", () => {
    const filler = "text\n\n".repeat(MAX_COMMAND_LINES / 2);
    const { result } = parseCommandsWithWork(`/advisory sync\n\n${filler}/advisory publish\n`);
    expect(result.commands.map((c) => c.verb)).toEqual(["sync"]);
    expect(result.errors).toEqual([
      { line: MAX_COMMAND_LINES + 3, text: "", message: expect.stringContaining(`first ${MAX_COMMAND_LINES} lines`) },
    ]);
    const wide = parseCommandsWithWork(`${"x".repeat(MAX_COMMAND_CHARS)}\n\n/advisory publish`).result;
    expect(wide.commands).toEqual([]);
    expect(wide.errors).toEqual([{ line: 3, text: "", message: expect.stringContaining("characters") }]);
    // A prefixed line plainly inside a fenced block past the window is an example, not reported.
    expect(parseCommandsWithWork(`${filler}\`\`\`\n/advisory publish\n\`\`\``).result).toEqual({
      commands: [],
      errors: [],
    });
  });
});

describe("descriptions, rosters and configuration files are read within their caps", () => {
  it("a description is read up to MAX_DESCRIPTION_LINES lines", () => {
    const fix = "Users should upgrade to 2.6.1.";
    const inside = readDescription(`${"a\n".repeat(MAX_DESCRIPTION_LINES - 2)}\n${fix}`);
    expect(inside.fixStatement).toBe(true);
    expect(inside.stats.truncated).toBe(false);
    const past = readDescription(`${"a\n-\n".repeat(MAX_DESCRIPTION_LINES)}\n${fix}`);
    expect(past.fixStatement).toBe(false);
    expect(past.stats.truncated).toBe(true);
    expect(past.stats.parsedChars).toBeLessThanOrEqual(4 * MAX_DESCRIPTION_LINES);
    // The problem says why the fix statement was not seen.
    const problems = disclosureCheck(
      {
        description: `### Impact\n${"a\n-\n".repeat(MAX_DESCRIPTION_LINES)}\n${fix}`,
        severity: "high",
        vulnerabilities: [{ vulnerable_version_range: "< 2.6.1", patched_versions: "2.6.1" }],
      },
      { onHold: false },
    );
    expect(problems.find((p) => p.code === "missing-fix")?.message).toContain(
      `only the first ${MAX_DESCRIPTION_LINES} lines`,
    );
  });

  it.each([
    ["MAINTAINERS.md", "markdown", (n: number) => "- Name (@ok)\n".repeat(n)],
    ["OWNERS.yaml", "yaml", (n: number) => `approvers:\n${"  - ok\n".repeat(n)}`],
  ] as const)("%s over the caps is a warning and yields nobody", (file, format, roster) => {
    const small = parseRoster(file, roster(10));
    expect(small.active.map((p) => p.login)).toEqual(["ok"]);
    const long = parseRoster(file, roster(MAX_PARSED_ROSTER_LINES + 1));
    expect(long.active).toEqual([]);
    expect(long.warnings.map((w) => w.reason)).toEqual([expect.stringContaining(`${MAX_PARSED_ROSTER_LINES} lines`)]);
    const large = parseRoster(file, `${roster(1)}#${"x".repeat(MAX_PARSED_ROSTER[format])}\n`);
    expect(large.active).toEqual([]);
    expect(large.warnings.map((w) => w.reason)).toEqual([
      expect.stringContaining(`${MAX_PARSED_ROSTER[format] / 1024} KiB`),
    ]);
  });

  it("a description's markup past MAX_DESCRIPTION_MARKUP characters is read as spaces, and the text after it still counts", () => {
    const { text } = prepareDescription("*a ".repeat(MAX_DESCRIPTION_MARKUP + 100));
    expect(text.split("*")).toHaveLength(MAX_DESCRIPTION_MARKUP + 1);
    const reading = readDescription(`${"`x` ".repeat(MAX_DESCRIPTION_MARKUP)}\n\nUsers should upgrade to 2.6.1.`);
    expect(reading.fixStatement).toBe(true);
  });

  it("a description's table pipes and container markers past their caps are read as text, and the text after them still counts", () => {
    const table = `| a | b |\n| - | - |\n${"| x | y |\n".repeat(MAX_DESCRIPTION_PIPES / 3)}`;
    const { text } = prepareDescription(table);
    expect(text.split("|")).toHaveLength(MAX_DESCRIPTION_PIPES + 1);
    const quotes = prepareDescription("> - a\n".repeat(MAX_DESCRIPTION_CONTAINERS)).text;
    expect(quotes.split("\n").filter((line) => /^[>-]/.test(line))).toHaveLength(MAX_DESCRIPTION_CONTAINERS / 2);
    expect(quotes.split("\n")).toHaveLength(MAX_DESCRIPTION_CONTAINERS + 1);
    const reading = readDescription(
      `${table}\n${"- a\n".repeat(MAX_DESCRIPTION_CONTAINERS + 10)}\nUsers should upgrade to 2.6.1.`,
    );
    expect(reading.stats.truncated).toBe(false);
    expect(reading.fixStatement).toBe(true);
  });

  it("lines past a table-row cap read as text: the tree has no more rows, and a description's text past it still counts", () => {
    const rows = (n: number) => `a | b\n--- | ---\n${"x\n".repeat(n)}`;
    const count = (bound?: number) => {
      const tree = parseMarkdown(rows(50), "tables", bound === undefined ? {} : { tableRows: bound });
      return JSON.stringify(tree).split('"type":"tableRow"').length - 1;
    };
    expect(count()).toBe(51);
    expect(count(20)).toBe(20);
    const table = `| a | b |\n| - | - |\n${"| x |\n".repeat(MAX_DESCRIPTION_TABLE_ROWS)}| Users should upgrade to 2.6.1. |\n`;
    expect(readDescription(table).fixStatement).toBe(true);
  });

  it("a markdown roster's pipes and list markers past their caps are text, still read; a roster over MAX_ROSTER is refused", () => {
    const rows = "| Name | GitHub |\n|---|---|\n| Alice | [@alice](https://github.com/alice) |\n";
    const cells = `${rows}${"| . | . |\n".repeat(MAX_ROSTER_PIPES / 3)}`;
    const roster = parseRoster("MAINTAINERS.md", cells);
    expect(roster.active.map((p) => p.login)).toEqual(["alice"]);
    const items = parseRoster("MAINTAINERS.md", `${"- a\n".repeat(MAX_ROSTER_CONTAINERS)}- @carol\n`);
    // Past the cap a list item is text of the one before: the handle in it is still read.
    expect(items.active.map((p) => p.login)).toContain("carol");
    const bounded = boundMarkdown("- a\n".repeat(MAX_ROSTER_CONTAINERS + 5), {
      brackets: 0,
      containers: MAX_ROSTER_CONTAINERS,
    });
    expect(bounded.split("\n").filter((line) => line.startsWith("- "))).toHaveLength(MAX_ROSTER_CONTAINERS);
    const huge = parseRoster("MAINTAINERS.md", `# Maintainers\n${"- a\n".repeat(MAX_ROSTER / 4)}`);
    expect(huge.active).toEqual([]);
    expect(huge.warnings).toHaveLength(1);
    expect(huge.warnings[0]?.reason).toContain(`${MAX_ROSTER / 1024} KiB`);
  });

  it("a markdown roster reads profile links, and brackets past MAX_LINK_BRACKETS are plain text", () => {
    const spam = `${"[x".repeat(250)}\n`.repeat(Math.ceil(MAX_LINK_BRACKETS / 250) + 1);
    const roster = parseRoster("MAINTAINERS.md", `- [Alice](https://github.com/alice)\n\n${spam}`);
    expect(roster.active.map((p) => p.login)).toEqual(["alice"]);
  });

  it("YAML nesting deeper than MAX_YAML_FLOW_DEPTH is refused before parsing: roster and configuration", async () => {
    expect(yamlFlowDepth("a: [b, {c: [d]}]  # [[[[\nq: '[[[['\n")).toBe(3);
    const deep = `approvers: ${"[".repeat(MAX_YAML_FLOW_DEPTH + 1)}ok${"]".repeat(MAX_YAML_FLOW_DEPTH + 1)}\n`;
    const roster = parseRoster("OWNERS.yaml", deep);
    expect(roster.active).toEqual([]);
    expect(roster.warnings.map((w) => w.reason)).toEqual([
      expect.stringContaining(`deeper than ${MAX_YAML_FLOW_DEPTH}`),
    ]);
    const configs = await loadOrgConfigs(testOctokit(), "oras-project", [
      {
        id: "R_1",
        name: ".github",
        archived: false,
        private: false,
        visibility: "public",
        files: {},
        config: "tracker:\n  repo: security-response\n",
        releases: [],
      },
      {
        id: "R_2",
        name: "oras",
        archived: false,
        private: false,
        visibility: "public",
        files: {},
        config: `inactive: ${"[".repeat(40)}`,
        releases: [],
      },
    ]);
    const bad = configs.get("oras");
    expect(bad?.ok === false && bad.error.problems[0]?.message).toContain(`deeper than ${MAX_YAML_FLOW_DEPTH} levels`);
    expect(configs.get(".github")?.ok).toBe(true);
  });

  it("a configuration file over MAX_CONFIG_BYTES is invalid, also when read outside an org snapshot (push)", async () => {
    const body = `tracker:\n  repo: security-response\n# ${"x".repeat(MAX_CONFIG_BYTES)}\n`;
    nock("https://api.github.com")
      .get("/repos/oras-project/oras/contents/.github%2Fadvisory-bot.yml")
      .reply(200, body, { "content-type": "application/vnd.github.raw; charset=utf-8" });
    const reader = snapshotConfigReader(testOctokit(), "oras-project", []);
    const result = await loadConfig(reader, "oras-project", "oras");
    expect(result.ok).toBe(false);
    expect(result.ok === false && result.error.problems[0]?.message).toContain(`larger than ${MAX_CONFIG_BYTES} bytes`);
  });
});
