import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GITHUB_HANDLE } from "../../src/domain/handles.js";
import {
  detectRosterFormat,
  loginKey,
  mergeRosters,
  parseRoster,
  type Roster,
  sameLogin,
} from "../../src/domain/rosters.js";

const logins = (people: { login: string }[]) => people.map((p) => p.login);
/** Properties that parse markdown hundreds of times get room on a busy machine (no speed is asserted). */
const PROPERTY_TIMEOUT = 120_000;
const keys = (list: string[]) => [...new Set(list.map((s) => s.toLowerCase()))].sort();

// ---------------------------------------------------------------------------------------------
// Generators

const handleArb = fc
  .array(fc.stringMatching(/^[A-Za-z0-9]{1,8}$/), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join("-"))
  .filter((h) => h.length <= 39);

const nameArb = fc.oneof(
  fc
    .array(
      fc.constantFrom("Ana", "Zoë", "José", "Li", "O'Brien", "van", "Müller", "Jean-Luc", "ÉMILE", "Łukasz", "陈"),
      {
        minLength: 1,
        maxLength: 3,
      },
    )
    .map((parts) => parts.join(" ")),
  fc.stringMatching(/^[A-Z][a-z]{1,9}( [A-Z][a-z]{1,9}){0,2}$/),
);

const emailArb = fc
  .tuple(fc.stringMatching(/^[a-z0-9]{1,8}(\.[a-z0-9]{1,8})?$/), fc.stringMatching(/^[a-z]{2,8}$/))
  .map(([local, domain]) => `${local}@${domain}.com`);

const personArb = fc.record({ login: handleArb, name: nameArb, email: emailArb });
type GenPerson = { login: string; name: string; email: string };

/** People with distinct logins (case-insensitively). */
const peopleArb = (minLength: number, maxLength = 12) =>
  fc.uniqueArray(personArb, { minLength, maxLength, selector: (p) => p.login.toLowerCase() });

/** An owners list and an emeritus list with no one in both. */
const ownersAndEmeritusArb = peopleArb(1, 16).chain((people) =>
  fc.integer({ min: 1, max: people.length }).map((split) => ({
    active: people.slice(0, split),
    emeritus: people.slice(split),
  })),
);

const entryStyleArb = fc.constantFrom("name", "email", "bare", "link", "mention-link");
const indentArb = fc.constantFrom("", "  ", "    ");
const markerArb = fc.constantFrom("-", "*", "+");

function entry(p: GenPerson, style: string): string {
  switch (style) {
    case "email":
      return `${p.name} <${p.email}> (@${p.login})`;
    case "bare":
      return `@${p.login}`;
    case "link":
      return `[${p.name}](https://github.com/${p.login})`;
    case "mention-link":
      return `[@${p.login}](https://github.com/${p.login})`;
    default:
      return `${p.name} (@${p.login})`;
  }
}

const listArb = (people: GenPerson[]) =>
  fc
    .tuple(fc.array(entryStyleArb, { minLength: people.length, maxLength: people.length }), indentArb, markerArb)
    .map(([styles, indent, marker]) =>
      people.map((p, i) => `${indent}${marker} ${entry(p, styles[i] ?? "name")}`).join("\n"),
    );

// ---------------------------------------------------------------------------------------------

describe("roster formats are recognised", () => {
  it("by file name, then by content", () => {
    expect(detectRosterFormat("OWNERS.md", "# Owners\n\nOwners:\n  - A (@a)\n")).toBe("markdown");
    expect(detectRosterFormat(".github/CODEOWNERS", "* @a")).toBe("codeowners");
    expect(detectRosterFormat("docs/CODEOWNERS", "* @a")).toBe("codeowners");
    expect(detectRosterFormat("MAINTAINERS", '"alice","Alice","a@example.com"\n')).toBe("csv");
    expect(detectRosterFormat("maintainers.yaml", "teams: []\n")).toBe("yaml");
    expect(detectRosterFormat("MAINTAINERS", "teams:\n  - name: core\n    members: [a]\n")).toBe("yaml");
    expect(detectRosterFormat("NOTES.txt", "hello")).toBe("plain");
    expect(detectRosterFormat("MAINTAINERS", "Ada <ada@example.com> (@ada)\n")).toBe("plain");
    expect(detectRosterFormat("OWNERS", "# See the OWNERS docs\nreviewers:\n  - a\napprovers:\n  - a\n")).toBe("yaml");
    expect(detectRosterFormat("OWNERS", "maintainers:\n  - a\nemeritus:\n  - b\n")).toBe("yaml");
    expect(detectRosterFormat("MAINTAINERS", '# MAINTAINERS\n"ada","Ada","a@example.com"\n')).toBe("csv");
  });
});

describe("OWNERS.md as ORAS writes it", () => {
  const ownersMd = [
    "# Owners",
    "",
    "Owners:",
    "  - Ada Lovelace (@ada-l)",
    "  - Steve Example (@SteveLasker)",
    "  - Grace Hopper (@ghopper)",
    "",
    "Emeritus:",
    "  - Alan Turing (@aturing)",
    "  - Old Owner (@old-owner)",
    "",
  ].join("\n");

  it("owners are active, emeritus entries are not", () => {
    const roster = parseRoster("OWNERS.md", ownersMd);
    expect(logins(roster.active)).toEqual(["ada-l", "SteveLasker", "ghopper"]);
    expect(logins(roster.emeritus)).toEqual(["aturing", "old-owner"]);
    expect(roster.teams).toEqual([]);
    expect(roster.warnings).toEqual([]);
  });

  it("markdown headings open sections too, case-insensitively", () => {
    const text = "# Project\n\n## OWNERS\n- @alice\n\n## Emeritus maintainers\n- @bob\n\n## Maintainers\n- @carol\n";
    const roster = parseRoster("OWNERS.md", text);
    expect(logins(roster.active)).toEqual(["alice", "carol"]);
    expect(logins(roster.emeritus)).toEqual(["bob"]);
  });

  it("reads every entry style: name, email, bare handle, profile link", () => {
    const text = [
      "Owners:",
      "- Full Name (@one)",
      "- Name <name.x@example.com> (@two)",
      "- @three",
      "- [Four Person](https://github.com/four)",
      "* [@five](https://github.com/five)",
      "1. Six (@six)",
    ].join("\n");
    const roster = parseRoster("OWNERS.md", text);
    expect(logins(roster.active)).toEqual(["one", "two", "three", "four", "five", "six"]);
    expect(roster.warnings).toEqual([]);
  });

  it("a list entry in a roster section without a readable handle is a warning with file and line", () => {
    const text = "Owners:\n  - Ada (@ada)\n  - Nameless Person\n\nEmeritus:\n  - Also Nameless\n";
    const roster = parseRoster("OWNERS.md", text);
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(roster.warnings).toEqual([
      {
        file: "OWNERS.md",
        line: 3,
        text: "- Nameless Person",
        reason: expect.stringContaining("without an @handle"),
      },
      {
        file: "OWNERS.md",
        line: 6,
        text: "- Also Nameless",
        reason: expect.stringContaining("without an @handle"),
      },
    ]);
  });

  it("an invalid handle is a warning, not a maintainer", () => {
    const roster = parseRoster("OWNERS.md", "Owners:\n- Bad (@bad_handle)\n- Worse (@-x)\n- Good (@good)\n");
    expect(logins(roster.active)).toEqual(["good"]);
    expect(roster.warnings.map((w) => w.line)).toEqual([2, 3]);
  });

  it("prose, comments, code blocks and group labels are not warnings", () => {
    const text = [
      "# Maintainers",
      "",
      "Owners are also maintainers.",
      "<!-- - Hidden (@hidden) -->",
      "```",
      "- Example (@example)",
      "```",
      "Maintainers:",
      "- Contoso",
      "  - Ada (@ada)",
      "---",
      "| Name | GitHub |",
      "|------|--------|",
      "| Bob  | @bob   |",
    ].join("\n");
    const roster = parseRoster("MAINTAINERS.md", text);
    expect(logins(roster.active)).toEqual(["ada", "bob"]);
    expect(roster.warnings).toEqual([]);
  });

  it("a sub-heading inside an owners section (a company, a team) keeps the section", () => {
    const text =
      "# Maintainers\n\n## Maintainers\n\n### Contoso\n- @ada\n\n### Fabrikam\n- @bob\n\n## Emeritus\n- @carl\n";
    const roster = parseRoster("MAINTAINERS.md", text);
    expect(logins(roster.active)).toEqual(["ada", "bob"]);
    expect(logins(roster.emeritus)).toEqual(["carl"]);
  });

  it("lists under unrelated sections are not maintainers", () => {
    const roster = parseRoster("OWNERS.md", "Owners:\n- @ada\n\n## Reviewers\n- @rita\n\nContact:\n- @someone\n");
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(roster.warnings).toEqual([]);
  });

  it("an @org/team entry becomes a team", () => {
    const roster = parseRoster("OWNERS.md", "Owners:\n- @oras-project/oras-go-maintainers\n- @ada\n");
    expect(roster.teams).toEqual(["oras-project/oras-go-maintainers"]);
    expect(logins(roster.active)).toEqual(["ada"]);
  });

  it("someone listed as owner and emeritus in one file is emeritus, and the contradiction is a warning", () => {
    const roster = parseRoster("OWNERS.md", "Owners:\n- @Ada\nEmeritus:\n- @ada\n- @bob\n");
    expect(roster.active).toEqual([]);
    expect(logins(roster.emeritus)).toEqual(["ada", "bob"]);
    expect(roster.warnings).toEqual([
      { file: "OWNERS.md", line: 2, text: "@Ada", reason: expect.stringMatching(/emeritus in OWNERS\.md:4/) },
    ]);
  });
});

describe("MAINTAINERS.md", () => {
  it("Maintainers: then unindented entries, followed by prose", () => {
    const text = [
      "# Maintainers",
      "",
      "Maintainers:",
      "- Billy Example (@billy-e)",
      "- Terry Example (@TerryX)",
      "",
      "Owners are also maintainers, see [OWNERS.md](OWNERS.md).",
      "",
    ].join("\n");
    const roster = parseRoster("MAINTAINERS.md", text);
    expect(logins(roster.active)).toEqual(["billy-e", "TerryX"]);
    expect(roster.warnings).toEqual([]);
  });
});

describe("CODEOWNERS", () => {
  const codeowners = [
    "# This file is derived from OWNERS.md.",
    "# See https://docs.github.com/ for the syntax.",
    "",
    "* @ada-l @SteveLasker @oras-project/oras-go-maintainers",
    "/docs/ @stevelasker @writer   # the docs team",
    "/release\\ notes/ @releaser",
    "/legacy/ legacy@example.com",
    "/unowned/",
  ].join("\n");

  it("only the global rule names maintainers; path-specific owners are not repository maintainers", () => {
    const roster = parseRoster(".github/CODEOWNERS", codeowners);
    expect(logins(roster.active)).toEqual(["ada-l", "SteveLasker"]);
    expect(roster.teams).toEqual(["oras-project/oras-go-maintainers"]);
    expect(roster.warnings).toEqual([]);
    expect(roster.emeritus).toEqual([]);
  });

  it("an email owner on the global rule is a warning", () => {
    const roster = parseRoster("CODEOWNERS", "* @ada legacy@example.com\n/docs/ @writer\n");
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(roster.warnings).toEqual([
      { file: "CODEOWNERS", line: 1, text: "* @ada legacy@example.com", reason: expect.stringContaining("email") },
    ]);
  });

  it("an owner that is neither @user, @org/team nor an email is a warning", () => {
    const roster = parseRoster("CODEOWNERS", "* @ok nobody @bad_name\n");
    expect(logins(roster.active)).toEqual(["ok"]);
    expect(roster.warnings.map((w) => w.reason)).toEqual([
      expect.stringContaining("nobody"),
      expect.stringContaining("@bad_name"),
    ]);
  });
});

describe("CSV MAINTAINERS inherited from Docker", () => {
  it("reads handle rows, skips a header row", () => {
    const text = [
      '"handle","name","email"',
      '"ada","Ada Lovelace","ada@example.com"',
      '"Bob-B","Doe, ""Bob""","bob@example.com"',
    ].join("\n");
    const roster = parseRoster("MAINTAINERS", text);
    expect(logins(roster.active)).toEqual(["ada", "Bob-B"]);
    expect(roster.warnings).toEqual([]);
  });

  it("a row with an invalid handle or broken quoting is a warning", () => {
    const text = '"ada","Ada","a@example.com"\n"not a handle","X","x@example.com"\n"broken,"Y"\n';
    const roster = parseRoster("MAINTAINERS", text);
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(roster.warnings.map((w) => w.line)).toEqual([2, 3]);
  });
});

describe("YAML roster", () => {
  it("all team members are active", () => {
    const text = [
      "teams:",
      "  - name: oras-go",
      "    members: [ada, Bob]",
      "  - name: docs",
      "    members:",
      "      - carol",
      '      - "bob"',
      "      - login: dave",
    ].join("\n");
    const roster = parseRoster("MAINTAINERS.yaml", text);
    expect(logins(roster.active)).toEqual(["ada", "Bob", "carol", "dave"]);
    expect(roster.warnings).toEqual([]);
  });

  it("handles YAML would read as numbers or booleans stay handles", () => {
    const roster = parseRoster("team.yml", "teams:\n  - name: x\n    members: [1234, true, 0x10]\n");
    expect(logins(roster.active)).toEqual(["1234", "true", "0x10"]);
  });

  it("a YAML syntax error is a warning with its line, never an exception", () => {
    const roster = parseRoster("team.yaml", "teams:\n  - name: x\n    members: [ada, bob\n  - name: y\n");
    expect(roster.active).toEqual([]);
    expect(roster.warnings.length).toBeGreaterThan(0);
    expect(roster.warnings[0]?.reason).toMatch(/^YAML error/);
    expect(roster.warnings[0]?.line).toBeGreaterThan(1);
  });

  it("a member that is not a handle is a warning", () => {
    const roster = parseRoster("team.yaml", "teams:\n  - name: x\n    members:\n      - ada\n      - not a handle\n");
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(roster.warnings).toEqual([
      { file: "team.yaml", line: 5, text: "- not a handle", reason: "member is not a GitHub handle" },
    ]);
  });

  it("a file that is not a roster is a warning", () => {
    const roster = parseRoster("team.yaml", "people: [ada]\n");
    expect(roster.active).toEqual([]);
    expect(roster.warnings.map((w) => w.reason)).toEqual([expect.stringContaining("teams")]);
  });
});

describe("identity is case-insensitive, the first spelling is kept", () => {
  it("sameLogin and loginKey", () => {
    expect(sameLogin("SteveLasker", "stevelasker")).toBe(true);
    expect(sameLogin("@SteveLasker", "stevelasker")).toBe(true);
    expect(sameLogin("steve", "stevel")).toBe(false);
    expect(loginKey("@SteveLasker")).toBe("stevelasker");
  });

  it("duplicates within one file collapse", () => {
    const roster = parseRoster("CODEOWNERS", "* @SteveLasker\n/docs/ @stevelasker @STEVELASKER\n");
    expect(logins(roster.active)).toEqual(["SteveLasker"]);
  });
});

describe("mergeRosters", () => {
  const owners = parseRoster(
    "OWNERS.md",
    "Owners:\n  - Steve (@SteveLasker)\n  - Ada (@ada)\nEmeritus:\n  - Bob (@bob)\n",
  );
  const codeowners = parseRoster("CODEOWNERS", "* @stevelasker @bob @carol @oras-project/oras-go-maintainers\n");

  it("unites files, but emeritus in any file wins over an active listing in another (a warning)", () => {
    const merged = mergeRosters([owners, codeowners]);
    expect(logins(merged.active)).toEqual(["SteveLasker", "ada", "carol"]);
    expect(logins(merged.emeritus)).toEqual(["bob"]);
    expect(merged.teams).toEqual(["oras-project/oras-go-maintainers"]);
    expect(merged.warnings).toEqual([
      {
        file: "CODEOWNERS",
        line: 1,
        text: "@bob",
        reason: "@bob is listed as active here but as emeritus in OWNERS.md:5; treated as emeritus",
      },
    ]);
  });

  it("emeritus people stay emeritus when no file lists them as active", () => {
    const merged = mergeRosters([owners, parseRoster("MAINTAINERS.md", "Maintainers:\n- @dan\n")]);
    expect(logins(merged.active)).toEqual(["SteveLasker", "ada", "dan"]);
    expect(logins(merged.emeritus)).toEqual(["bob"]);
  });

  it("keeps every file's warnings", () => {
    const broken = parseRoster("CODEOWNERS", "* someone@example.com\n");
    const merged = mergeRosters([owners, broken]);
    expect(merged.warnings.map((w) => w.file)).toEqual(["CODEOWNERS"]);
  });

  it("of nothing is empty", () => {
    expect(mergeRosters([])).toEqual({ active: [], emeritus: [], teams: [], warnings: [] });
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: any roster rendered from a set of people parses back to exactly that set.

describe("round trips (property)", () => {
  it(
    "OWNERS.md with Owners and Emeritus sections",
    () => {
      fc.assert(
        fc.property(
          ownersAndEmeritusArb.chain(({ active, emeritus }) =>
            fc.record({
              active: fc.constant(active),
              emeritus: fc.constant(emeritus),
              activeList: listArb(active),
              emeritusList: listArb(emeritus),
              headings: fc.boolean(),
            }),
          ),
          ({ active, emeritus, activeList, emeritusList, headings }) => {
            // After a blank line, four spaces of indentation make a markdown code block, not a list.
            const unindent = (list: string) => list.replace(/^ {4}/gm, "  ");
            const text = headings
              ? `# Owners\n\n## Owners\n\n${unindent(activeList)}\n\n## Emeritus\n\n${unindent(emeritusList)}\n`
              : `# Owners\n\nOwners:\n${activeList}\n\nEmeritus:\n${emeritusList}\n`;
            const roster = parseRoster("OWNERS.md", text);
            expect(logins(roster.active)).toEqual(active.map((p) => p.login));
            expect(logins(roster.emeritus)).toEqual(emeritus.map((p) => p.login));
            expect(roster.warnings).toEqual([]);
          },
        ),
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "MAINTAINERS.md",
    () => {
      fc.assert(
        fc.property(
          peopleArb(1).chain((people) => fc.tuple(fc.constant(people), listArb(people))),
          ([people, list]) => {
            const text = `# Maintainers\n\nMaintainers:\n${list}\n\nOwners are also maintainers.\n`;
            const roster = parseRoster("MAINTAINERS.md", text);
            expect(logins(roster.active)).toEqual(people.map((p) => p.login));
            expect(roster.emeritus).toEqual([]);
            expect(roster.warnings).toEqual([]);
          },
        ),
      );
    },
    PROPERTY_TIMEOUT,
  );

  it("CODEOWNERS with several pattern lines", () => {
    const patternArb = fc.constantFrom("*", "/docs/", "*.go", "/cmd/oras/", "**/README.md", "/internal/\\ space/");
    fc.assert(
      fc.property(
        peopleArb(1).chain((people) =>
          fc.record({
            people: fc.constant(people),
            lineCount: fc.integer({ min: 1, max: 5 }),
            placement: fc.array(fc.nat(), { minLength: people.length, maxLength: people.length }),
            patterns: fc.array(patternArb, { minLength: 5, maxLength: 5 }),
            teams: fc.uniqueArray(handleArb, { maxLength: 3, selector: (t) => t.toLowerCase() }),
            comments: fc.boolean(),
          }),
        ),
        ({ people, lineCount, placement, patterns, teams, comments }) => {
          const lines: string[][] = Array.from({ length: lineCount }, () => []);
          people.forEach((p, i) => {
            lines[(placement[i] ?? 0) % lineCount]?.push(`@${p.login}`);
          });
          teams.forEach((t, i) => {
            lines[i % lineCount]?.push(`@oras-project/${t}`);
          });
          // Repeat someone on another line: owners across patterns unite.
          const first = people[0];
          if (first) lines[lineCount - 1]?.push(`@${first.login.toUpperCase()}`);
          const text = [
            ...(comments ? ["# Derived from OWNERS.md", ""] : []),
            ...lines.map((owners, i) => `${patterns[i] ?? "*"} ${owners.join(" ")}${comments ? "  # rule" : ""}`),
          ].join("\n");
          const roster = parseRoster("CODEOWNERS", text);
          const global = lines.filter((_, i) => (patterns[i] ?? "*") === "*").flat();
          const globalUsers = global.filter((o) => !o.includes("/")).map((o) => o.slice(1));
          const globalTeams = global.filter((o) => o.includes("/")).map((o) => o.slice(1));
          expect(keys(logins(roster.active))).toEqual(keys(globalUsers));
          expect(keys(roster.teams)).toEqual(keys(globalTeams));
          expect(roster.warnings).toEqual([]);
        },
      ),
    );
  });

  it("CSV rows", () => {
    const csvNameArb = fc.oneof(
      nameArb,
      nameArb.map((n) => `Doe, ${n}`),
      nameArb.map((n) => `"${n}"`),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ login: handleArb, name: csvNameArb, email: emailArb }), {
          minLength: 1,
          maxLength: 12,
          selector: (p) => p.login.toLowerCase(),
        }),
        fc.boolean(),
        (people, header) => {
          const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
          const rows = people.map((p) => [p.login, p.name, p.email].map(quote).join(","));
          const text = [...(header ? ['"handle","name","email"'] : []), ...rows].join("\n");
          const roster = parseRoster("MAINTAINERS", text);
          expect(logins(roster.active)).toEqual(people.map((p) => p.login));
          expect(roster.warnings).toEqual([]);
        },
      ),
    );
  });

  it("YAML teams", () => {
    fc.assert(
      fc.property(
        peopleArb(1).chain((people) =>
          fc.record({
            people: fc.constant(people),
            teamCount: fc.integer({ min: 1, max: 3 }),
            flow: fc.boolean(),
            quoted: fc.boolean(),
          }),
        ),
        ({ people, teamCount, flow, quoted }) => {
          const teams: string[][] = Array.from({ length: teamCount }, () => []);
          people.forEach((p, i) => {
            teams[i % teamCount]?.push(quoted ? `"${p.login}"` : p.login);
          });
          const text = [
            "teams:",
            ...teams.flatMap((members, i) => [
              `  - name: team-${i}`,
              ...(flow
                ? [`    members: [${members.join(", ")}]`]
                : ["    members:", ...members.map((m) => `      - ${m}`)]),
            ]),
          ].join("\n");
          const roster = parseRoster("MAINTAINERS.yaml", text);
          expect(logins(roster.active)).toEqual(teams.flat().map((m) => m.replaceAll('"', "")));
          expect(keys(logins(roster.active))).toEqual(keys(people.map((p) => p.login)));
          expect(roster.warnings).toEqual([]);
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Properties: parsing never throws and its output is always well-formed.

function expectWellFormed(roster: Roster): void {
  for (const person of [...roster.active, ...roster.emeritus]) expect(person.login).toMatch(GITHUB_HANDLE);
  const active = new Set(roster.active.map((p) => p.login.toLowerCase()));
  expect(active.size).toBe(roster.active.length);
  for (const person of roster.emeritus) expect(active.has(person.login.toLowerCase())).toBe(false);
  for (const warning of roster.warnings) {
    expect(warning.text.length).toBeLessThanOrEqual(120);
    expect(warning.line).toBeGreaterThanOrEqual(1);
  }
  expect(roster.warnings.length).toBeLessThanOrEqual(51);
}

const pathArb = fc.constantFrom(
  "OWNERS.md",
  "MAINTAINERS.md",
  "CODEOWNERS",
  ".github/CODEOWNERS",
  "docs/CODEOWNERS",
  "MAINTAINERS",
  "roster.yaml",
  "roster.yml",
  "README",
);

const fragmentArb = fc.oneof(
  fc.constantFrom(
    "Owners:",
    "Emeritus:",
    "## Maintainers",
    "teams:",
    "  - name: x",
    "    members: [",
    "- ",
    "  * ",
    "@",
    "@a",
    "@org/",
    "(",
    ")",
    "<",
    ">",
    '"',
    '","',
    ",",
    "\n",
    "\r\n",
    "\r",
    "  ",
    "\t",
    "#",
    "<!--",
    "-->",
    "```",
    "|",
    "https://github.com/",
    "\\",
    "\uFEFF",
    "\uD800",
    "*",
    ":",
    "&a",
    "*a",
  ),
  fc.string({ unit: "grapheme", maxLength: 8 }),
);

describe("parsing never throws (property)", () => {
  it(
    "on arbitrary strings, including lone surrogates",
    () => {
      fc.assert(
        fc.property(pathArb, fc.string({ unit: "binary", maxLength: 400 }), (path, text) => {
          expectWellFormed(parseRoster(path, text));
        }),
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "on text assembled from the formats' own punctuation",
    () => {
      fc.assert(
        fc.property(pathArb, fc.array(fragmentArb, { maxLength: 80 }), (path, fragments) => {
          expectWellFormed(parseRoster(path, fragments.join("")));
        }),
        { numRuns: 500 },
      );
    },
    PROPERTY_TIMEOUT,
  );

  it(
    "on huge input; files over the size caps are a warning and yield nobody",
    () => {
      const huge = [
        `Owners:\n- ${"@a".repeat(500_000)}\n`,
        `${"  ".repeat(500_000)}#\n`,
        "- Name (@ok)\n".repeat(60_000),
        `"${"x".repeat(1_000_000)}`,
        `teams:\n${"  - name: x\n    members: [a]\n".repeat(20_000)}`,
        "* @a @b\n".repeat(100_000),
        `<!--${" ".repeat(1_000_000)}`,
        `- ${"(".repeat(1_000_000)}`,
        // Just under the caps: long runs that a regex search for an email address would scan quadratically.
        `${"a".repeat(1999)}\n`.repeat(60),
        `${"a@".repeat(999)}\n`.repeat(60),
        `<${"a.".repeat(999)}\n`.repeat(60),
      ];
      for (const text of huge) {
        for (const path of ["OWNERS.md", "CODEOWNERS", "roster.yaml", "MAINTAINERS"]) {
          expectWellFormed(parseRoster(path, text));
        }
      }
      const oversized = parseRoster("CODEOWNERS", "* @a @b\n".repeat(100_000));
      expect(oversized.active).toEqual([]);
      expect(oversized.warnings).toEqual([
        { file: "CODEOWNERS", line: 1, text: "* @a @b", reason: expect.stringContaining("larger than 128 KiB") },
      ]);
      const markdown = parseRoster("OWNERS.md", "- Name (@ok)\n".repeat(6_000));
      expect(markdown.active).toEqual([]);
      expect(markdown.warnings.map((w) => w.reason)).toEqual([
        expect.stringContaining("markdown roster larger than 16 KiB"),
      ]);
    },
    PROPERTY_TIMEOUT,
  );

  it("a very long line is reported cut to 120 characters", () => {
    const roster = parseRoster("CODEOWNERS", `* ${"x".repeat(500)}\n`);
    expect(roster.warnings).toHaveLength(1);
    expect(roster.warnings[0]?.text).toHaveLength(120);
    expect(roster.warnings[0]?.text.endsWith("…")).toBe(true);
  });

  it("warnings beyond fifty are summarised in one", () => {
    const roster = parseRoster("CODEOWNERS", "* bad@example.com\n".repeat(80));
    expect(roster.warnings).toHaveLength(51);
    expect(roster.warnings[50]?.reason).toBe("30 more problems not listed");
  });
});
