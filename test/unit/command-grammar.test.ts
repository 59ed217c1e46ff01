import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Command,
  editDistance,
  formatCommand,
  MAX_COMMAND_CHARS,
  MAX_COMMAND_LINES,
  type ParsedCommand,
  parseCommands,
  suggestVerbs,
} from "../../src/domain/command-grammar.js";
import {
  CREDIT_TYPES,
  CVSS_METRICS,
  DEFAULT_MAX_COMMANDS,
  MAX_COMMENT_LENGTH,
  PACKAGE_ECOSYSTEMS,
  SEVERITIES,
  VERBS,
} from "../../src/domain/command-specs.js";

const verbsOf = (body: string): string[] => parseCommands(body).commands.map((c) => c.verb);
const only = (body: string): ParsedCommand => {
  const { commands, errors } = parseCommands(body);
  expect(errors).toEqual([]);
  expect(commands).toHaveLength(1);
  return commands[0] as ParsedCommand;
};
const errorOf = (body: string): string => {
  const { commands, errors } = parseCommands(body);
  expect(commands).toEqual([]);
  expect(errors).toHaveLength(1);
  return errors[0]?.message ?? "";
};

describe("commands in a comment", () => {
  it("reads several commands in order, with their line and exact text", () => {
    const body = [
      "Thanks for the report, confirmed.",
      "/advisory accept",
      "",
      "/advisory severity high",
      "  /advisory fixed-in 2.6.1  ",
      "Let's get this out.",
    ].join("\n");
    expect(parseCommands(body)).toEqual({
      commands: [
        { verb: "accept", args: {}, line: 2, text: "/advisory accept" },
        { verb: "severity", args: { severity: "high" }, line: 4, text: "/advisory severity high" },
        { verb: "fixed-in", args: { versions: ["2.6.1"] }, line: 5, text: "/advisory fixed-in 2.6.1" },
      ],
      errors: [],
    });
  });

  it("requires the command at the start of a line, after at most three spaces", () => {
    expect(verbsOf("please /advisory publish")).toEqual([]);
    expect(verbsOf("   /advisory publish")).toEqual(["publish"]);
    expect(verbsOf("    /advisory publish")).toEqual([]);
    expect(verbsOf("\t/advisory publish")).toEqual([]);
    expect(verbsOf("- /advisory publish")).toEqual([]);
    expect(verbsOf("/advisorypublish")).toEqual([]);
    expect(verbsOf("/advisories publish")).toEqual([]);
  });

  it("treats CRLF and lone CR line endings like LF", () => {
    const { commands } = parseCommands("/advisory fork\r\n/advisory sync\r/advisory status\r\n");
    expect(commands.map((c) => [c.verb, c.line, c.text])).toEqual([
      ["fork", 1, "/advisory fork"],
      ["sync", 2, "/advisory sync"],
      ["status", 3, "/advisory status"],
    ]);
  });

  it("accepts the prefix and verb in any case", () => {
    expect(only("/Advisory PUBLISH")).toMatchObject({ verb: "publish", text: "/Advisory PUBLISH" });
    expect(only("/ADVISORY Fixed-In V1.0.0").args).toEqual({ versions: ["1.0.0"] });
  });

  it("returns nothing for a comment without commands", () => {
    expect(parseCommands("")).toEqual({ commands: [], errors: [] });
    expect(parseCommands("LGTM, thanks!\n\nsee /advisory help")).toEqual({ commands: [], errors: [] });
  });
});

describe("text that markdown shows as code, quotes or hides is ignored", () => {
  it("ignores fenced code blocks with backticks or tildes, with info strings", () => {
    const body = [
      "```",
      "/advisory publish",
      "```",
      "~~~ text",
      "/advisory publish",
      "~~~",
      "```markdown title=x",
      "/advisory publish",
      "```",
      "/advisory status",
    ].join("\n");
    expect(verbsOf(body)).toEqual(["status"]);
  });

  it("closes a fence only with the same character and at least its length", () => {
    const body = ["````", "```", "/advisory publish", "~~~~", "/advisory publish", "````", "/advisory sync"].join("\n");
    expect(verbsOf(body)).toEqual(["sync"]);
  });

  it("runs an unterminated fence to the end of the comment", () => {
    expect(verbsOf("/advisory fork\n```sh\n/advisory publish\n\n/advisory cve")).toEqual(["fork"]);
    expect(verbsOf("~~~\n/advisory publish")).toEqual([]);
  });

  it("ignores fences opened inside list items", () => {
    expect(verbsOf("- step:\n  ```\n  /advisory publish\n  ```\n/advisory sync")).toEqual(["sync"]);
    expect(verbsOf("1. ```\n   /advisory publish\n   ```")).toEqual([]);
  });

  it("ignores indented code blocks", () => {
    expect(verbsOf("Example:\n\n    /advisory publish\n\n/advisory help")).toEqual(["help"]);
  });

  it("ignores inline code, even alone on a line", () => {
    expect(verbsOf("`/advisory publish`")).toEqual([]);
    expect(verbsOf("``/advisory publish``")).toEqual([]);
    expect(verbsOf("Run `/advisory publish` once the release is out.")).toEqual([]);
  });

  it("ignores lines inside a code span that spans lines of a paragraph", () => {
    expect(verbsOf("see `the\n/advisory publish\ncommand` later\n/advisory sync")).toEqual(["sync"]);
    // A backtick never closed in its paragraph is a literal character.
    expect(verbsOf("a stray ` here\n/advisory sync\n\nlater ` again")).toEqual(["sync"]);
  });

  it("ignores block quotes, nested quotes and quoted replies", () => {
    const body = [
      "> /advisory publish",
      ">/advisory publish",
      "> > /advisory publish",
      "   > /advisory publish",
      "> On Monday, alice wrote:",
      "> > /advisory reject",
      "",
      "/advisory hold",
    ].join("\n");
    expect(verbsOf(body)).toEqual(["hold"]);
  });

  it("keeps a comment or fence opened inside a quote within the quote", () => {
    expect(verbsOf("> <!-- a quoted comment\n\n/advisory sync")).toEqual(["sync"]);
    expect(verbsOf("> ```\n\n/advisory sync")).toEqual(["sync"]);
  });

  it("ignores HTML comments, also across lines and after a comment on a command line", () => {
    const body = [
      "<!-- /advisory publish -->",
      "<!--",
      "/advisory publish",
      "",
      "/advisory reject",
      "-->",
      "/advisory sync <!-- a note that is not an argument -->",
      "text <!-- starts here",
      "/advisory publish",
      "ends here --> /advisory publish",
      "/advisory cve",
    ].join("\n");
    const { commands, errors } = parseCommands(body);
    expect(errors).toEqual([]);
    expect(commands.map((c) => [c.verb, c.line])).toEqual([
      ["sync", 7],
      ["cve", 11],
    ]);
  });

  it("runs an unterminated HTML comment to the end of the comment", () => {
    expect(verbsOf("/advisory fork\n<!--\n/advisory publish")).toEqual(["fork"]);
  });

  it("does not take markers inside code as fences, quotes or comments", () => {
    expect(verbsOf("```\n<!--\n```\n/advisory sync")).toEqual(["sync"]);
    expect(verbsOf("<!--\n```\n-->\n/advisory sync")).toEqual(["sync"]);
    expect(verbsOf("use `<!--` to start a comment\n/advisory sync")).toEqual(["sync"]);
  });

  it("reads commands as GitHub renders the comment: a quote's lazy lines, headings, tables and HTML blocks are not commands", () => {
    // A line right under a quote, without `>`, continues the quote.
    expect(verbsOf("> On Monday, alice wrote:\n/advisory publish\n\n/advisory sync")).toEqual(["sync"]);
    // Underlined, the line is a heading.
    expect(verbsOf("/advisory publish\n---\n/advisory sync")).toEqual(["sync"]);
    // Over a delimiter row, the line is a table's header.
    expect(verbsOf("/advisory publish\n|---|\n\n/advisory sync")).toEqual(["sync"]);
    // Inside an HTML block (up to its blank line), the line is HTML.
    expect(verbsOf("<details>\n/advisory publish\n\n/advisory sync")).toEqual(["sync"]);
    // A lazy line of a list item is the item's text, not quoted: it is a command.
    expect(verbsOf("- a list item\n/advisory sync")).toEqual(["sync"]);
  });

  it("reads a command right after a quote, a fence or a comment ends", () => {
    expect(verbsOf("> quoted\n\n/advisory status")).toEqual(["status"]);
    expect(verbsOf("```\ncode\n```\n/advisory status")).toEqual(["status"]);
    expect(verbsOf("<!-- hidden -->\n/advisory status")).toEqual(["status"]);
  });
});

describe("unknown verbs and missing verbs", () => {
  it("suggests the closest verb for a typo", () => {
    expect(errorOf("/advisory pubish")).toContain("Did you mean `/advisory publish`?");
    expect(errorOf("/advisory pbulish")).toContain("Did you mean `/advisory publish`?");
    expect(errorOf("/advisory sevrity high")).toContain("Did you mean `/advisory severity`?");
    expect(errorOf("/advisory fixedin 1.0.0")).toContain("Did you mean `/advisory fixed-in`?");
  });

  it("suggests a verb for an abbreviation", () => {
    expect(suggestVerbs("also")).toEqual(["also-affects"]);
    expect(errorOf("/advisory sever high")).toContain("`/advisory severity`");
  });

  it("points to help when nothing is close", () => {
    const message = errorOf("/advisory launch-the-rockets");
    expect(message).toContain("Unknown command `/advisory launch-the-rockets`");
    expect(message).toContain("`/advisory help`");
  });

  it("never lets a user's word break out of the code span in the message", () => {
    expect(errorOf("/advisory x`y")).toContain("`/advisory x'y`");
  });

  it("reports a missing verb", () => {
    expect(errorOf("/advisory")).toContain("verb is missing");
    expect(errorOf("/advisory   ")).toContain("verb is missing");
  });

  it("measures edit distance with transpositions", () => {
    expect(editDistance("publish", "publish")).toBe(0);
    expect(editDistance("pbulish", "publish")).toBe(1);
    expect(editDistance("pubish", "publish")).toBe(1);
    expect(editDistance("", "cve")).toBe(3);
  });
});

describe("arguments of every verb", () => {
  it.each(["help", "status", "accept", "fork", "sync", "cve", "unhold", "publish", "convert"] as const)(
    "/advisory %s takes no arguments",
    (verb) => {
      expect(only(`/advisory ${verb}`)).toMatchObject({ verb, args: {} });
      const message = errorOf(`/advisory ${verb} now`);
      expect(message).toContain("takes no arguments");
      expect(message).toContain(`Usage: \`/advisory ${verb}\``);
    },
  );

  it("reject: optional reason and --all", () => {
    expect(only("/advisory reject").args).toEqual({ all: false });
    expect(only("/advisory reject   works  as designed ").args).toEqual({ reason: "works as designed", all: false });
    expect(only("/advisory reject --all").args).toEqual({ all: true });
    expect(only("/advisory reject duplicate of #3 --ALL").args).toEqual({ reason: "duplicate of #3", all: true });
    expect(errorOf("/advisory reject --force")).toContain("Usage: `/advisory reject [reason] [--all]`");
    expect(errorOf(`/advisory reject ${"x".repeat(1001)}`)).toContain("longer than 1000");
  });

  it("add / remove: one GitHub user", () => {
    expect(only("/advisory add @alice").args).toEqual({ user: "alice" });
    expect(only("/advisory remove bob-smith").args).toEqual({ user: "bob-smith" });
    for (const bad of ["/advisory add", "/advisory add @alice @bob", "/advisory add @-x", "/advisory add @a--b"]) {
      expect(errorOf(bad)).toContain("Usage: `/advisory");
    }
    expect(errorOf(`/advisory remove @${"a".repeat(40)}`)).toContain("GitHub user");
  });

  it("severity: one of the four levels, any case", () => {
    for (const s of SEVERITIES) expect(only(`/advisory severity ${s.toUpperCase()}`).args).toEqual({ severity: s });
    expect(errorOf("/advisory severity moderate")).toContain("low, medium, high, critical");
    expect(errorOf("/advisory severity")).toContain("Usage: `/advisory severity <low|medium|high|critical>`");
    expect(errorOf("/advisory severity high critical")).toContain("exactly one severity");
  });

  it("cvss: a well-formed CVSS 3.1 or 4.0 vector", () => {
    const v31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
    const v31env = `${v31}/E:P/RL:O/RC:C/MAV:A`;
    const v40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/U:Amber";
    for (const v of [v31, v31env, v40]) expect(only(`/advisory cvss ${v}`).args).toEqual({ vector: v });
    const bad: Array<[string, string]> = [
      ["", "Expected a CVSS vector"],
      ["AV:N/AC:L", "starts with CVSS:3.1/ or CVSS:4.0/"],
      ["CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "starts with CVSS:3.1/"],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "lacks base metric(s) A"],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L", "given twice"],
      ["CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "AV takes one of N, A, L, P"],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", "Unknown CVSS 3.1 metric XX"],
      ["CVSS:3.1/AV:N//AC:L", "not a metric:value pair"],
      ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/", "not a metric:value pair"],
      ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H", "lacks base metric(s) SC, SI, SA"],
      ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "UI takes one of N, P, A"],
      [`${v31} extra`, "one CVSS vector"],
    ];
    for (const [vector, problem] of bad) {
      const message = errorOf(`/advisory cvss ${vector}`);
      expect(message).toContain(problem);
      expect(message).toContain("Usage: `/advisory cvss <vector>`");
    }
  });

  it("fixed-in: semver versions, separated by commas and spaces, without a leading v", () => {
    expect(only("/advisory fixed-in v2.6.1, 1.2.5").args).toEqual({ versions: ["2.6.1", "1.2.5"] });
    expect(only("/advisory fixed-in 2.6.1,1.2.5 V3.0.0-rc.1+build.5").args).toEqual({
      versions: ["2.6.1", "1.2.5", "3.0.0-rc.1+build.5"],
    });
    expect(only("/advisory fixed-in 1.0.0, v1.0.0,").args).toEqual({ versions: ["1.0.0"] });
    for (const bad of ["1.2", "01.2.3", "1.2.3.4", "vv1.2.3", "1.2.3-", "latest", "1.2.3-01"]) {
      expect(errorOf(`/advisory fixed-in ${bad}`)).toContain("Expected a semver version");
    }
    expect(errorOf("/advisory fixed-in")).toContain("Usage: `/advisory fixed-in <version>[, <version>…]`");
    expect(errorOf("/advisory fixed-in , ,")).toContain("at least one version");
    const many = Array.from({ length: 21 }, (_, i) => `1.0.${i}`).join(", ");
    expect(errorOf(`/advisory fixed-in ${many}`)).toContain("At most 20 versions");
  });

  it("credit: a user and a GitHub credit type", () => {
    for (const type of CREDIT_TYPES)
      expect(only(`/advisory credit @alice ${type}`).args).toEqual({ user: "alice", type });
    expect(only("/advisory credit bob Remediation-Reviewer").args).toEqual({
      user: "bob",
      type: "remediation_reviewer",
    });
    expect(errorOf("/advisory credit @alice")).toContain("Usage: `/advisory credit @user <type>`");
    expect(errorOf("/advisory credit @alice hero")).toContain("Credit type must be one of analyst");
    expect(errorOf("/advisory credit finder @alice")).toContain("Credit type");
    expect(errorOf("/advisory credit @alice finder tool")).toContain("exactly a user and a credit type");
  });

  it("hold: an optional reason", () => {
    expect(only("/advisory hold").args).toEqual({});
    expect(only("/advisory hold until the embargo on 12 May").args).toEqual({ reason: "until the embargo on 12 May" });
  });

  it("create: a repository and an optional severity", () => {
    expect(only("/advisory create oras-go").args).toEqual({ repo: "oras-go" });
    expect(only("/advisory create oras-project/oras.go_x Critical").args).toEqual({
      owner: "oras-project",
      repo: "oras.go_x",
      severity: "critical",
    });
    expect(errorOf("/advisory create")).toContain("Usage: `/advisory create <repo> [severity]`");
    expect(errorOf("/advisory create oras urgent")).toContain("Severity must be one of");
    expect(errorOf("/advisory create a/b/c")).toContain("Expected a repository");
    expect(errorOf("/advisory create ..")).toContain("Expected a repository");
    expect(errorOf("/advisory create oras high now")).toContain("at most a severity");
  });

  it("also-affects: a repository and an optional package, ecosystem:name or a name", () => {
    expect(only("/advisory also-affects oras").args).toEqual({ repo: "oras" });
    expect(only("/advisory also-affects oras go:oras.land/oras").args).toEqual({
      repo: "oras",
      package: { ecosystem: "go", name: "oras.land/oras" },
    });
    expect(only("/advisory also-affects oras oras.land/oras").args).toEqual({
      repo: "oras",
      package: { name: "oras.land/oras" },
    });
    expect(only("/advisory also-affects java MAVEN:land.oras:oras-java").args).toEqual({
      repo: "java",
      package: { ecosystem: "maven", name: "land.oras:oras-java" },
    });
    expect(errorOf("/advisory also-affects oras golang:oras.land/oras")).toContain("Unknown package ecosystem");
    expect(errorOf("/advisory also-affects oras go:")).toContain("package name");
    expect(errorOf("/advisory also-affects")).toContain("Usage: `/advisory also-affects <repo> [package]`");
    expect(errorOf("/advisory also-affects oras go:a b")).toContain("at most a package");
  });
});

describe("bounds", () => {
  it("reads at most maxCommands command lines and reports the first extra one", () => {
    const body = Array.from({ length: 15 }, () => "/advisory status").join("\n");
    const { commands, errors } = parseCommands(body);
    expect(commands).toHaveLength(DEFAULT_MAX_COMMANDS);
    expect(errors).toEqual([
      { line: 11, text: "/advisory status", message: expect.stringContaining("Too many commands") },
    ]);
    expect(parseCommands(body, { maxCommands: 3 }).commands.map((c) => c.line)).toEqual([1, 2, 3]);
    expect(parseCommands(body, { maxCommands: 0 }).commands).toEqual([]);
  });

  it("counts invalid command lines against the limit too", () => {
    const body = Array.from({ length: 12 }, (_, i) => (i % 2 ? "/advisory sync" : "/advisory nope")).join("\n");
    const { commands, errors } = parseCommands(body);
    expect(commands).toHaveLength(5);
    expect(errors).toHaveLength(6);
  });

  it("parses a 64 KiB comment of thousands of lines with bounded results", () => {
    const pieces = ["/advisory status", "```", "`", "> /advisory publish", "<!--", "-->", "text ``` `` `", "", "    x"];
    const lines: string[] = [];
    let length = 0;
    for (let i = 0; length < MAX_COMMENT_LENGTH - 100; i++) {
      const line = pieces[(i * 7) % pieces.length] ?? "";
      lines.push(line);
      length += line.length + 1;
    }
    expect(lines.length).toBeGreaterThan(5000);
    const { commands, errors } = parseCommands(lines.join("\n"));
    expect(commands.length).toBeLessThanOrEqual(DEFAULT_MAX_COMMANDS);
    expect(errors.length).toBeLessThanOrEqual(2);
    expect(commands.every((c) => c.verb === "status")).toBe(true);
  });

  it("parses pathological backtick and comment runs with bounded results", () => {
    const runs = Array.from({ length: 40 }, (_, i) => "`".repeat(i + 1)).join(" x ");
    const body = [runs, "/advisory publish", runs, "<!--".repeat(500), "/advisory publish"].join("\n");
    expect(body.length).toBeLessThanOrEqual(MAX_COMMAND_CHARS);
    expect(parseCommands(body)).toEqual({ commands: [], errors: [] });
    // Past the window nothing is parsed: the prefixed line is reported, never run.
    const long = Array.from({ length: 200 }, (_, i) => "`".repeat(i + 1)).join(" x ");
    const past = [long, "/advisory publish", long].join("\n");
    expect(past.length).toBeLessThanOrEqual(MAX_COMMENT_LENGTH);
    expect(parseCommands(past)).toEqual({
      commands: [],
      errors: [{ line: 2, text: "", message: expect.stringContaining(`Only the first ${MAX_COMMAND_LINES} lines`) }],
    });
    const many = Array.from({ length: 4000 }, (_, i) => `${"`".repeat((i % 40) + 1)} /advisory publish`).join("\n");
    expect(parseCommands(many).commands).toEqual([]);
  });

  it("truncates a body over 65536 characters, dropping the cut line, and says so", () => {
    const filler = `${"x".repeat(99)}\n`.repeat(655); // 65500 characters, 655 lines
    const body = `/advisory sync\n${filler}/advisory fixed-in 1.0.0, 2.0.0, 3.0.0\n/advisory publish\n`;
    expect(body.length).toBeGreaterThan(MAX_COMMENT_LENGTH);
    const { commands, errors } = parseCommands(body);
    expect(commands.map((c) => c.verb)).toEqual(["sync"]);
    expect(errors).toEqual([{ line: 657, text: "", message: expect.stringContaining("longer than 65536") }]);
  });

  it("truncates a single huge line to nothing", () => {
    const { commands, errors } = parseCommands(`/advisory hold ${"y".repeat(70000)}`);
    expect(commands).toEqual([]);
    expect(errors).toEqual([{ line: 1, text: "", message: expect.stringContaining("longer than 65536") }]);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const markdownPiece = fc.constantFrom(
  "/advisory publish",
  "/advisory sync",
  "/advisory nope",
  "/ADVISORY fixed-in v1.2.3,",
  "```",
  "~~~",
  "`",
  "``",
  "> ",
  "<!--",
  "-->",
  "    ",
  " ",
  "\t",
  "\n",
  "\r\n",
  "\r",
  "- ",
  "x",
  "@alice",
);
const markdownish = fc.array(markdownPiece, { maxLength: 200 }).map((p) => p.join(""));

describe("properties", () => {
  it("never throws and never yields more than maxCommands commands, for any unicode text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), markdownish), fc.nat({ max: 12 }), (body, max) => {
        const { commands, errors } = parseCommands(body, { maxCommands: max });
        expect(commands.length).toBeLessThanOrEqual(max);
        expect(commands.length + errors.length).toBeLessThanOrEqual(max + 2);
      }),
      { numRuns: 500 },
    );
  });

  it("only reads lines that start with the prefix, in increasing line order", () => {
    fc.assert(
      fc.property(markdownish, (body) => {
        const lines = body.replaceAll("\r\n", "\n").replaceAll("\r", "\n").split("\n");
        const { commands, errors } = parseCommands(body);
        const found = [...commands, ...errors.filter((e) => e.text !== "")].map((c) => c.line).sort((a, b) => a - b);
        expect(new Set(found).size).toBe(found.length);
        for (const c of [...commands, ...errors.filter((e) => e.text !== "")]) {
          const line = lines[c.line - 1] ?? "";
          expect(line.trim()).toBe(c.text);
          expect(line).toMatch(/^ {0,3}\/advisory(?:\s|$)/i);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("runs nothing that is quoted or inside an unterminated fence", () => {
    const noFenceChars = markdownish.map((b) => b.replaceAll("`", "").replaceAll("~", ""));
    fc.assert(
      fc.property(noFenceChars, (body) => {
        expect(parseCommands(`\`\`\`\n${body}`)).toEqual({ commands: [], errors: [] });
        const quoted = body
          .replaceAll("\r\n", "\n")
          .replaceAll("\r", "\n")
          .split("\n")
          .map((l) => `> ${l}`)
          .join("\n");
        expect(parseCommands(quoted)).toEqual({ commands: [], errors: [] });
      }),
    );
  });

  it("reads back the same arguments from a formatted command, for any valid arguments", () => {
    fc.assert(
      fc.property(commandArb, (command) => {
        const line = formatCommand(command);
        const { commands, errors } = parseCommands(`Some context.\n${line}\nMore text.`);
        expect(errors).toEqual([]);
        expect(commands).toEqual([{ ...command, line: 2, text: line }]);
      }),
      { numRuns: 1000 },
    );
  });

  it("formats what it parsed into a line that parses to the same command", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VERBS),
        fc.array(fc.oneof(wordArb, markdownPiece), { maxLength: 4 }),
        (v, words) => {
          const first = parseCommands(`/advisory ${v} ${words.join(" ")}`).commands[0];
          if (first === undefined) return;
          const again = parseCommands(formatCommand(first)).commands[0];
          expect(again?.verb).toBe(first.verb);
          expect(again?.args).toEqual(first.args);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

// Arbitraries for valid arguments of each verb.
const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".split(""));
const alnumString = (max: number) => fc.array(alnum, { minLength: 1, maxLength: max }).map((a) => a.join(""));
const handleArb = fc
  .tuple(alnumString(15), fc.option(alnumString(15), { nil: undefined }))
  .map(([a, b]) => (b === undefined ? a : `${a}-${b}`));
const repoNameArb = fc
  .array(fc.constantFrom(..."abcxyz019._-".split("")), { minLength: 1, maxLength: 20 })
  .map((a) => a.join(""))
  .filter((r) => r !== "." && r !== "..");
const repoArb = fc
  .tuple(fc.option(handleArb, { nil: undefined }), repoNameArb)
  .map(([owner, repo]) => (owner === undefined ? { repo } : { owner, repo }));
const wordArb = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 12 })
  .filter((w) => !/\s/.test(w) && !w.includes("<!--") && !w.startsWith("--"));
const reasonArb = fc.option(
  fc.array(wordArb, { minLength: 1, maxLength: 6 }).map((w) => w.join(" ")),
  { nil: undefined },
);
const withReason = <T extends object>(base: T, reason: string | undefined) =>
  reason === undefined ? base : { ...base, reason };
const identifier = fc.oneof(
  fc.nat({ max: 999 }).map(String),
  alnumString(6).map((s) => `x${s}`),
);
const versionArb = fc
  .tuple(
    fc.nat({ max: 99 }),
    fc.nat({ max: 99 }),
    fc.nat({ max: 999 }),
    fc.option(fc.array(identifier, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    fc.option(alnumString(8), { nil: undefined }),
  )
  .map(([a, b, c, pre, build]) => `${a}.${b}.${c}${pre ? `-${pre.join(".")}` : ""}${build ? `+${build}` : ""}`);
const cvssArb = fc.constantFrom("3.1" as const, "4.0" as const).chain((version) => {
  const table = CVSS_METRICS[version];
  const pick = (values: readonly string[]) => fc.constantFrom(...values);
  const base = Object.entries(table.base).map(([m, values]) => pick(values).map((v) => `${m}:${v}`));
  const optional = Object.entries(table.optional).map(([m, values]) =>
    fc.option(
      pick(values).map((v) => `${m}:${v}`),
      { nil: undefined },
    ),
  );
  return fc
    .tuple(fc.tuple(...base), fc.tuple(...optional))
    .map(([b, o]) => `CVSS:${version}/${[...b, ...o.filter((x) => x !== undefined)].join("/")}`);
});
const packageArb = fc.oneof(
  fc.tuple(fc.constantFrom(...PACKAGE_ECOSYSTEMS), wordArb).map(([ecosystem, name]) => ({ ecosystem, name })),
  wordArb.filter((w) => !w.includes(":")).map((name) => ({ name })),
);
const severityArb = fc.constantFrom(...SEVERITIES);

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  fc.constantFrom(
    ...(["help", "status", "accept", "fork", "sync", "cve", "unhold", "publish", "convert"] as const).map(
      (verb): Command => ({ verb, args: {} }),
    ),
  ),
  fc
    .tuple(reasonArb, fc.boolean())
    .map(([reason, all]): Command => ({ verb: "reject", args: withReason({ all }, reason) })),
  fc
    .tuple(fc.constantFrom("add" as const, "remove" as const), handleArb)
    .map(([verb, user]): Command => ({ verb, args: { user } })),
  severityArb.map((severity): Command => ({ verb: "severity", args: { severity } })),
  cvssArb.map((vector): Command => ({ verb: "cvss", args: { vector } })),
  fc
    .uniqueArray(versionArb, { minLength: 1, maxLength: 20 })
    .map((versions): Command => ({ verb: "fixed-in", args: { versions } })),
  fc
    .tuple(handleArb, fc.constantFrom(...CREDIT_TYPES))
    .map(([user, type]): Command => ({ verb: "credit", args: { user, type } })),
  reasonArb.map((reason): Command => ({ verb: "hold", args: withReason({}, reason) })),
  fc
    .array(wordArb, { minLength: 1, maxLength: 6 })
    .map((w) => w.join(" "))
    .filter((phrase) => phrase.length >= 4 && phrase.length <= 100)
    .map((phrase): Command => ({ verb: "watch", args: { phrase } })),
  fc
    .tuple(repoArb, fc.option(severityArb, { nil: undefined }))
    .map(([repo, severity]): Command => ({ verb: "create", args: severity ? { ...repo, severity } : repo })),
  fc
    .tuple(repoArb, fc.option(packageArb, { nil: undefined }))
    .map(([repo, pkg]): Command => ({ verb: "also-affects", args: pkg ? { ...repo, package: pkg } : repo })),
);

it("covers every verb with an arbitrary", () => {
  const seen = new Set(fc.sample(commandArb, 2000).map((c) => c.verb));
  expect([...seen].sort()).toEqual([...VERBS].sort());
});
