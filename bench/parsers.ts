/**
 * Parsers of untrusted text on adversarial inputs: for each parser, 1 MB of each shape known to make
 * some parser slow (backtracking heading patterns, quadratic micromark edits, deep nesting, bracket
 * runs, thousands of headings or comments, YAML anchors and flow nesting), timed whole — size caps,
 * preparation, parse and reading — and the same shapes just under each size cap, where the file is
 * parsed at all. The row reports the worst shape; the target is ≤ 50 ms each.
 */
import { fileURLToPath } from "node:url";
import { Octokit } from "@octokit/rest";
import { parseCommands } from "../src/domain/command-grammar.js";
import { disclosureCheck } from "../src/domain/disclosure.js";
import { parseRoster } from "../src/domain/rosters.js";
import { loadOrgConfigs } from "../src/github/config.js";
import type { RepoSnapshot } from "../src/github/org.js";
import type { Octokit as AppOctokit } from "../src/github/types.js";

export const PARSER_TARGET_MS = 50;
const MB = 1_000_000;
/** Timed runs per shape, after one untimed run (the app parses all day: its code is compiled). */
export const RUNS = 5;

export interface ParserRow {
  parser: string;
  /** What the parser was given in the app (the function timed). */
  entry: string;
  shapes: number;
  worstShape: string;
  /** Median of RUNS of the worst shape, in ms. */
  worstMs: number;
  /** Median over all shapes, in ms. */
  typicalMs: number;
  pass: boolean;
}

const fill = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** 1 MB markdown shapes, by name. */
function markdownShapes(): Record<string, string> {
  const stairs = Array.from({ length: 5_000 }, (_, i) => `${" ".repeat(2 * (i % 2_000))}- item ${i}`).join("\n");
  return {
    "'#', 400 spaces, lone CR": fill(`#${" ".repeat(400)}\r`, MB),
    "setext headings (a / -)": fill("a\n-\n", MB),
    "closing quotes": fill("> a\n\nb\n\n", MB),
    "lazy nested lines": fill("> - a\nb\n\n", MB),
    "'>' nesting": fill(">", MB),
    "list nesting": fill("- ", MB),
    "indentation staircase": fill(`${stairs}\n`, MB),
    headings: fill("# h\n", MB),
    "list items": fill("- a\n", MB),
    "backtick lines": fill(`${"`".repeat(1_000)}\n`, MB),
    "'[' run": fill("[", MB),
    "'[a](' run": fill("[a](", MB),
    "'<!--' run": fill("<!--", MB),
    emphasis: fill("*a _b ", MB),
    "table rows": `|a|b|\n|-|-|\n${fill("|a|b|\n", MB)}`,
    "wide table rows": `${"|a".repeat(100)}|\n${"|-".repeat(100)}|\n${fill(`${"|a".repeat(100)}|\n`, MB)}`,
    "small tables": fill("a|b\n-|-\n\n", MB),
    "tables of prose": fill(`${"a b ".repeat(20)}|\n|-|\n`, MB),
    "a delimiter row, then emphasis": `|-|\n${fill("*a _b ", MB)}`,
    autolinks: fill("www.a ", MB),
    "'<a ' run": fill("<a ", MB),
  };
}

function commentShapes(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, text] of Object.entries(markdownShapes())) {
    // A command at the end makes the parser look at the whole window.
    out[`${name}, then a command`] = `${text}\n\n/advisory publish\n`;
  }
  out["every line a command"] = fill("/advisory sync\n", MB);
  out["commands under a quote"] = fill("> x\n/advisory sync\n", MB);
  out["commands in code spans"] = fill("`x\n/advisory sync\n`\n", MB);
  return out;
}

function rosterShapes(): Array<{ name: string; file: string; text: string }> {
  const md = Object.entries(markdownShapes()).map(([name, text]) => ({ name, file: "MAINTAINERS.md", text }));
  return [
    ...md,
    // Just under each cap, where the file is read at all.
    ...Object.entries(markdownShapes()).map(([name, text]) => ({
      name: `${name} (15 KiB)`,
      file: "MAINTAINERS.md",
      text: text.slice(0, 15 * 1024),
    })),
    {
      name: "plain: name, email, handle",
      file: "MAINTAINERS",
      text: fill("Jane Doe <jane@example.com> (@jane)\n", MB),
    },
    { name: "plain: 'a@' runs (120 KiB)", file: "MAINTAINERS", text: fill(`${"a@".repeat(999)}\n`, 120 * 1024) },
    { name: "plain: '<a.' runs (120 KiB)", file: "MAINTAINERS", text: fill(`<${"a.".repeat(999)}\n`, 120 * 1024) },
    { name: "CODEOWNERS rules (120 KiB)", file: "CODEOWNERS", text: fill("* @a @b @org/team\n", 120 * 1024) },
    { name: "CSV rows (120 KiB)", file: "MAINTAINERS", text: `"handle","name"\n${fill('"a","b"\n', 120 * 1024)}` },
    ...yamlShapes(MB).map(({ name, text }) => ({ name: `YAML ${name}`, file: "OWNERS.yaml", text })),
    ...yamlShapes(7 * 1024).map(({ name, text }) => ({ name: `YAML ${name} (7 KiB)`, file: "OWNERS.yaml", text })),
  ];
}

function yamlShapes(length: number): Array<{ name: string; text: string }> {
  return [
    { name: "anchors", text: fill("- &x y\n", length) },
    { name: "aliases", text: `a: &a [x]\nb: [${fill("*a, ", length)}]\n` },
    { name: "flow nesting", text: fill("[", length) },
    { name: "flow mappings", text: fill("{a: ", length) },
    {
      name: "block nesting",
      text: Array.from({ length: 2_000 }, (_, i) => `${" ".repeat(i)}a:`)
        .join("\n")
        .slice(0, length),
    },
    { name: "keys", text: fill("key: value\n", length) },
    { name: "long scalar", text: `a: ${"x".repeat(length)}\n` },
  ];
}

/** Median wall time of RUNS calls, in ms. */
function timed(fn: () => unknown): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] ?? 0;
}

async function timedAsync(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] ?? 0;
}

function row(parser: string, entry: string, results: Array<{ shape: string; ms: number }>): ParserRow {
  const sorted = [...results].sort((a, b) => b.ms - a.ms);
  const worst = sorted[0] ?? { shape: "-", ms: 0 };
  const medians = results.map((r) => r.ms).sort((a, b) => a - b);
  return {
    parser,
    entry,
    shapes: results.length,
    worstShape: worst.shape,
    worstMs: worst.ms,
    typicalMs: medians[Math.floor(medians.length / 2)] ?? 0,
    pass: worst.ms <= PARSER_TARGET_MS,
  };
}

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

export async function runParsers(log: (line: string) => void): Promise<ParserRow[]> {
  const rows: ParserRow[] = [];
  const shapes = markdownShapes();

  const description = Object.entries(shapes).map(([shape, text]) => ({
    shape,
    ms: timed(() =>
      disclosureCheck(
        {
          description: text,
          severity: "high",
          vulnerabilities: [{ vulnerable_version_range: "< 1.0.1", patched_versions: "1.0.1" }],
        },
        { onHold: false },
      ),
    ),
  }));
  rows.push(row("advisory description (disclosure check)", "disclosureCheck", description));
  log(`  parsers: description done (worst ${Math.round(rows[0]?.worstMs ?? 0)} ms)`);

  const comments = Object.entries(commentShapes()).map(([shape, text]) => ({
    shape,
    ms: timed(() => parseCommands(text)),
  }));
  rows.push(row("comment (slash commands)", "parseCommands", comments));
  log(`  parsers: comments done (worst ${Math.round(rows[1]?.worstMs ?? 0)} ms)`);

  const rosters = rosterShapes().map(({ name, file, text }) => ({
    shape: `${file}: ${name}`,
    ms: timed(() => parseRoster(file, text)),
  }));
  rows.push(row("roster files (all formats)", "parseRoster", rosters));
  log(`  parsers: rosters done (worst ${Math.round(rows[2]?.worstMs ?? 0)} ms)`);

  const octokit = new Octokit() as unknown as AppOctokit;
  const configs: Array<{ shape: string; ms: number }> = [];
  for (const { name, text } of [
    ...yamlShapes(MB),
    ...yamlShapes(7 * 1024).map((s) => ({ ...s, name: `${s.name} (7 KiB)` })),
  ]) {
    configs.push({
      shape: name,
      ms: await timedAsync(() =>
        loadOrgConfigs(octokit, "oras-project", [
          snapshot(".github", "tracker:\n  repo: security-response\n"),
          snapshot("oras", text),
        ]),
      ),
    });
  }
  rows.push(row("configuration file (YAML)", "loadOrgConfigs", configs));
  log(`  parsers: configuration done (worst ${Math.round(rows[3]?.worstMs ?? 0)} ms)`);
  return rows;
}

/**
 * Run as a script (`bench/run.ts` starts it so): the section in a process of its own, its rows as JSON
 * on stdout and its progress on stderr. The other sections leave the bench's process holding simulated
 * orgs of up to 10,000 advisories; a parser's allocations would pay for marking that heap, which is the
 * simulator's, not the app's.
 */
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = await runParsers((line) => process.stderr.write(`${line}\n`));
  process.stdout.write(`${JSON.stringify(rows)}\n`);
}
