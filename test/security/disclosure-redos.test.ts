import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_CONTAINER_MARKERS,
  MAX_DESCRIPTION_CHARS,
  MAX_DESCRIPTION_LINES,
  MAX_INDENT,
  prepareDescription,
  readDescription,
} from "../../src/domain/description.js";
import { disclosureCheck } from "../../src/domain/disclosure.js";

/**
 * The disclosure check reads a description the reporter wrote: untrusted text. Its reader must do
 * bounded work on any input: a size cap before the markdown parser, nothing handed to the parser that
 * makes it superlinear (nested brackets) or deep (nested containers), and a single pass afterwards.
 * These tests assert on that work (characters parsed, nodes visited, characters scanned, depth), not
 * on time; `npm run bench` times the parser on 1 MB inputs.
 */
const MB = 1_000_000;
/**
 * A smaller cap for most shapes: the bounds below are per parsed character, so they hold the same at
 * any cap, and parsing 64 KiB of each shape would only make the suite slow. The real cap is exercised
 * on its own below.
 */
const SMALL = 8_192;

/** Work the reader did after the parse is at most a constant per parsed character. */
function expectBoundedWork(input: string, maxChars = SMALL): ReturnType<typeof readDescription> {
  const reading = readDescription(input, { maxChars });
  const { stats } = reading;
  expect(stats.inputChars).toBe(input.length);
  expect(stats.parsedChars).toBeLessThanOrEqual(maxChars);
  expect(stats.nodes).toBeLessThanOrEqual(4 * stats.parsedChars + 16);
  expect(stats.scanned).toBeLessThanOrEqual(stats.parsedChars);
  expect(stats.depth).toBeLessThanOrEqual(2 * MAX_CONTAINER_MARKERS + MAX_INDENT + 8);
  expect(reading.sections.length).toBeLessThanOrEqual(stats.parsedChars);
  return reading;
}

function descriptionCodes(description: string): string[] {
  return disclosureCheck(
    {
      description,
      severity: "high",
      vulnerabilities: [{ vulnerable_version_range: "< 1.0.1", patched_versions: "1.0.1" }],
    },
    { onHold: false },
  ).map((p) => p.code);
}

describe("disclosure check: adversarial descriptions", () => {
  it("reads a line of '#', hundreds of spaces and a lone CR (the known backtracking input) with bounded work", () => {
    const line = `#${" ".repeat(400)}\r`;
    const reading = expectBoundedWork(line.repeat(Math.ceil(MB / line.length)), MAX_DESCRIPTION_CHARS);
    expect(reading.stats.truncated).toBe(true);
    expect(reading.stats.parsedChars).toBe(MAX_DESCRIPTION_CHARS);
    // A lone CR ends a line: each `#` line is an empty heading, never content.
    expect(reading.sections.every((s) => !s.hasContent)).toBe(true);
    expect(descriptionCodes(line.repeat(10))).toEqual(["missing-overview", "missing-details", "missing-fix"]);
  });

  it("reads thousands of headings in one pass: one section each, none looked at twice", () => {
    const text = "### Impact\nx\n".repeat(MB / 13);
    const reading = expectBoundedWork(text);
    // Two lines a heading: the line cap keeps fewer than the character cap would.
    const kept = Math.min(Math.ceil(SMALL / 13), MAX_DESCRIPTION_LINES / 2);
    expect(reading.sections.length).toBeGreaterThan(kept - 2);
    expect(reading.sections.length).toBeLessThanOrEqual(kept);
    // Constant work per heading: nodes visited grow with the number of headings, not its square.
    expect(reading.stats.nodes).toBeLessThanOrEqual(5 * reading.sections.length + 8);
  });

  it("reads thousands of bold pseudo-headings and `Label:` lines in one pass", () => {
    const bold = expectBoundedWork("**Fix**\nx\n".repeat(MB / 10));
    expect(bold.stats.nodes).toBeLessThanOrEqual(6 * bold.sections.length + 8);
    const labels = expectBoundedWork("Fix: ".repeat(MB / 5));
    expect(labels.sections.length).toBe(1);
  });

  it("bounds nesting: a million '>' or list markers open at most a few containers", () => {
    const quotes = expectBoundedWork(">".repeat(MB));
    expect(quotes.stats.parsedChars).toBe(MAX_CONTAINER_MARKERS);
    const bullets = expectBoundedWork(`${"- ".repeat(3_000)}Upgrade to 2.6.1.`);
    expect(bullets.fixStatement).toBe(true);
    expect(bullets.stats.depth).toBeLessThanOrEqual(2 * MAX_CONTAINER_MARKERS + 4);
    const quoted = expectBoundedWork(`${"> ".repeat(1_000)}Users should upgrade to 2.6.1.\n`.repeat(3));
    expect(quoted.fixStatement).toBe(true);
  });

  it("bounds nesting by indentation: a staircase of list items stays shallow", () => {
    const stairs = Array.from({ length: 3_000 }, (_, i) => `${" ".repeat(2 * i)}- item ${i}`).join("\n");
    const reading = expectBoundedWork(stairs);
    expect(reading.stats.depth).toBeLessThanOrEqual(MAX_INDENT + 8);
  });

  it("reads deeply nested emphasis and unbalanced brackets without recursion or quadratic resolution", () => {
    expectBoundedWork(`${"*".repeat(MB / 2)}a${"*".repeat(MB / 2)}`);
    expectBoundedWork(`${"**a ".repeat(MB / 8)}${"_b ".repeat(MB / 6)}`);
    expectBoundedWork(`${"[".repeat(MB / 2)}${"]".repeat(MB / 2)}`);
    expectBoundedWork("[a](".repeat(MB / 4));
    expectBoundedWork("[^a]".repeat(MB / 4));
    expectBoundedWork("![".repeat(MB / 2));
    expectBoundedWork("<!--".repeat(MB / 4));
    expectBoundedWork(`|a|\n|-|\n${"|a\n".repeat(MB / 3)}`);
    expectBoundedWork("```\n".repeat(MB / 4));
    expectBoundedWork(`1${".".repeat(MB)}`);
    expectBoundedWork("fixed 1.2.3 upgrade to v2 ".repeat(MB / 26));
  });

  it("hands the parser no bracket at all: links, images, footnotes and references cannot form", () => {
    const { text } = prepareDescription("[a](b) ![c][d] [^e] [f]: g\n\\[h\\]");
    expect(text).not.toMatch(/[[\]]/);
    expect(text).toContain("(a)(b)");
  });

  it("reads only the first MAX_DESCRIPTION_CHARS characters (GitHub's own limit for a description)", () => {
    const filler = `${"x".repeat(MAX_DESCRIPTION_CHARS)}\n\n`;
    const reading = expectBoundedWork(`${filler}Users should upgrade to 2.6.1.`, MAX_DESCRIPTION_CHARS);
    expect(reading.stats.truncated).toBe(true);
    expect(reading.stats.parsedChars).toBe(MAX_DESCRIPTION_CHARS);
    expect(reading.fixStatement).toBe(false);
  });

  it("does work linear in the input: doubling the text at most doubles nodes and characters scanned", () => {
    const unit =
      "## Impact\nA **crafted** title escapes the [directory](https://example.com).\n\n> quoted `code`\n\n- a\n  - b\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\ncode\n```\n";
    const small = readDescription(unit.repeat(6)).stats;
    const large = readDescription(unit.repeat(12)).stats;
    expect(large.parsedChars).toBe(2 * small.parsedChars);
    expect(large.nodes).toBeLessThanOrEqual(2 * small.nodes + 2);
    expect(large.scanned).toBeLessThanOrEqual(2 * small.scanned);
  });

  it("keeps every bound on random inputs built from markdown's special characters", () => {
    const alphabet = [
      "#",
      " ",
      "\r",
      "\n",
      ">",
      "-",
      "*",
      "_",
      "[",
      "]",
      "(",
      ")",
      "`",
      "|",
      ":",
      "1",
      ".",
      "a",
      "\t",
      "<",
      "!",
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 1_000 }), (chars) => {
        const input = chars.join("");
        const reading = readDescription(input);
        const { stats } = reading;
        expect(stats.nodes).toBeLessThanOrEqual(4 * stats.parsedChars + 16);
        expect(stats.scanned).toBeLessThanOrEqual(stats.parsedChars);
        expect(stats.depth).toBeLessThanOrEqual(2 * MAX_CONTAINER_MARKERS + MAX_INDENT + 8);
        expect(prepareDescription(input).text).not.toMatch(/[[\]]/);
      }),
      { numRuns: 100 },
    );
  });
});
