/**
 * Roster shapes seen in ORAS's history and in other CNCF projects, each as a small example.
 * The corpus test (rosters-corpus.test.ts) runs the real files.
 */
import { describe, expect, it } from "vitest";
import { mergeRosters, parseRoster } from "../../src/domain/rosters.js";

const logins = (people: { login: string }[]) => people.map((p) => p.login);

describe("emeritus anywhere in the repository wins", () => {
  it("a derived CODEOWNERS that still lists an emeritus owner does not make them active; the contradiction is a warning", () => {
    const owners = parseRoster(
      "OWNERS.md",
      "# Owners\n\nOwners:\n  - Ada (@ada)\n\nEmeritus:\n  - Terry Howe (@TerryHowe)\n",
    );
    const codeowners = parseRoster("CODEOWNERS", "# Derived from OWNERS.md\n* @ada @terryhowe\n");
    const merged = mergeRosters([owners, codeowners]);
    expect(logins(merged.active)).toEqual(["ada"]);
    expect(logins(merged.emeritus)).toEqual(["TerryHowe"]);
    expect(merged.warnings).toEqual([
      {
        file: "CODEOWNERS",
        line: 2,
        text: "@terryhowe",
        reason: "@terryhowe is listed as active here but as emeritus in OWNERS.md:7; treated as emeritus",
      },
    ]);
  });

  it("the order of the files does not matter", () => {
    const owners = parseRoster("OWNERS.md", "Owners:\n- @ada\nEmeritus:\n- @bob\n");
    const codeowners = parseRoster("CODEOWNERS", "* @bob @ada\n");
    expect(logins(mergeRosters([codeowners, owners]).active)).toEqual(["ada"]);
    expect(logins(mergeRosters([owners, codeowners]).active)).toEqual(["ada"]);
  });
});

describe("YAML OWNERS detected by their keys", () => {
  it("helm style: maintainers are active, emeritus is not, triage is not a maintainer", () => {
    const text = "maintainers:\n  - deitch\n  - jdolitsky\ntriage:\n  - helper\nemeritus:\n  - vbatts\n";
    const roster = parseRoster("OWNERS", text);
    expect(logins(roster.active)).toEqual(["deitch", "jdolitsky"]);
    expect(logins(roster.emeritus)).toEqual(["vbatts"]);
    expect(roster.warnings).toEqual([]);
  });

  it("Kubernetes style: approvers are active, reviewers are not, emeritus_approvers are emeritus", () => {
    const text = [
      "# See the OWNERS docs at https://go.k8s.io/owners",
      "reviewers:",
      "  - aojea",
      "  - rita",
      "approvers:",
      "  - aojea",
      "emeritus_approvers:",
      "  - amwat",
      "labels:",
      "  - area/provider",
    ].join("\n");
    const roster = parseRoster("OWNERS", text);
    expect(logins(roster.active)).toEqual(["aojea"]);
    expect(logins(roster.emeritus)).toEqual(["amwat"]);
    expect(roster.warnings).toEqual([]);
  });

  it("an alias in approvers is a warning; only the `.*` filter names repository maintainers", () => {
    const text = [
      "filters:",
      "  .*:",
      "    approvers:",
      "    - cri-o-approvers",
      "    - mrunalp",
      "    emeritus_approvers:",
      "    - sameo",
      '  "^vendor/.*":',
      "    approvers:",
      "    - vendorbot",
    ].join("\n");
    const roster = parseRoster("OWNERS", text);
    expect(logins(roster.active)).toEqual(["mrunalp"]);
    expect(logins(roster.emeritus)).toEqual(["sameo"]);
    expect(roster.warnings).toEqual([
      { file: "OWNERS", line: 4, text: "- cri-o-approvers", reason: expect.stringContaining("alias") },
    ]);
  });
});

describe("OCI-style lines without list markers", () => {
  it("`Name <email> (@handle)` and `Name <email> (handle)` lines are maintainers", () => {
    const text = [
      "Avi Deitcher <avi@deitcher.net> (deitch)",
      "Jimmy Zelinskie <jimmyzelinskie@gmail.com> (@jzelinskie)",
      "Jimmy Two jimmy2@example.com (@jimmy2)",
    ].join("\n");
    const roster = parseRoster("MAINTAINERS", text);
    expect(logins(roster.active)).toEqual(["deitch", "jzelinskie", "jimmy2"]);
    expect(roster.warnings).toEqual([]);
  });

  it("comment lines naming a role open sections; other comments do not", () => {
    const text = [
      "# Org-Level Maintainers (in alphabetical order)",
      "# Pattern: [First Name] [Last Name] <[Email Address]> ([GitHub Handle])",
      "Niaz Khan <niazfk@example.com> (@niazfk)",
      "",
      "# Emeritus Org Maintainers (in alphabetical order)",
      "Steve Lasker <steve@example.com> (@stevelasker)",
    ].join("\n");
    const roster = parseRoster("MAINTAINERS", text);
    expect(logins(roster.active)).toEqual(["niazfk"]);
    expect(logins(roster.emeritus)).toEqual(["stevelasker"]);
  });

  it("a person line without any GitHub handle is a warning", () => {
    const roster = parseRoster("MAINTAINERS", "Ada <ada@example.com> (@ada)\nNo Handle <nohandle@example.com>\n");
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(roster.warnings).toEqual([
      {
        file: "MAINTAINERS",
        line: 2,
        text: "No Handle <nohandle@example.com>",
        reason: expect.stringContaining("email"),
      },
    ]);
  });
});

describe("CSV rosters with sections", () => {
  it("reviewers are not maintainers", () => {
    const text = [
      "# Distribution project maintainers & reviewers",
      "#",
      "# MAINTAINERS (maintainers@example.org)",
      "# GitHub ID, Name, Email address",
      '"chrispat","Chris Patterson","chrispat@example.com"',
      '"milosgajdos","Milos Gajdos","milos@example.com"',
      "#",
      "# REVIEWERS",
      "# GitHub ID, Name, Email address",
      '"dmcgowan","Derek McGowan","derek@example.net"',
      '"DavidSpek", "David van der Spek", "david@example.com"',
    ].join("\n");
    const roster = parseRoster("MAINTAINERS", text);
    expect(logins(roster.active)).toEqual(["chrispat", "milosgajdos"]);
    expect(roster.warnings).toEqual([]);
  });

  it("COMMITTERS are maintainers", () => {
    const text =
      '# COMMITTERS\n"AkihiroSuda","Akihiro Suda","a@example.jp",""\n# REVIEWERS\n"cpuguy83","Brian","b@example.com",""\n';
    expect(logins(parseRoster("MAINTAINERS", text).active)).toEqual(["AkihiroSuda"]);
  });
});

describe("sections that are not active", () => {
  for (const title of [
    "Emeritus",
    "Ex-maintainers",
    "Former maintainers",
    "Owners who stepped down",
    "Alumni",
    "Retired maintainers",
    "Past owners",
  ]) {
    it(`"${title}" lists former maintainers`, () => {
      const roster = parseRoster("MAINTAINERS.md", `## Maintainers\n\n- @ada\n\n## ${title}\n\n- Bob (@bob)\n`);
      expect(logins(roster.active)).toEqual(["ada"]);
      expect(logins(roster.emeritus)).toEqual(["bob"]);
    });
  }

  it("a Reviewers section is not maintainers, and not a warning", () => {
    const roster = parseRoster("MAINTAINERS.md", "Maintainers:\n- @ada\n\nReviewers:\n- @rita\n");
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(roster.warnings).toEqual([]);
  });

  it("bare handles under an Emeritus label (no @) are emeritus", () => {
    const roster = parseRoster(
      "OWNERS.md",
      "# Owners\n\nOwners:\n  - Ada (@ada)\n  - Jimmy (@jzelinskie)\n\nemeritus:\n  - jzelinskie\n  - vbatts\n",
    );
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(logins(roster.emeritus)).toEqual(["jzelinskie", "vbatts"]);
  });

  it("a bare word in an owners list is a warning, never a maintainer", () => {
    const roster = parseRoster("OWNERS.md", "Owners:\n- @ada\n- bob\n");
    expect(logins(roster.active)).toEqual(["ada"]);
    expect(roster.warnings.map((w) => [w.line, w.reason])).toEqual([[3, expect.stringContaining("@bob")]]);
  });
});

describe("entries", () => {
  it("a list item naming several handles yields all of them", () => {
    const roster = parseRoster(
      "OWNERS.md",
      "Owners:\n- @ada, @bob and Carol (@carol)\n- Dan (@dan) / @oras-project/core\n",
    );
    expect(logins(roster.active)).toEqual(["ada", "bob", "carol", "dan"]);
    expect(roster.teams).toEqual(["oras-project/core"]);
  });

  it("`@bob_` is not `bob`: it is not a valid handle, so it is a warning", () => {
    const roster = parseRoster("OWNERS.md", "Owners:\n- Bob (@bob_)\n- Ada (@ada).\n- @carl.\n- @dee-\n");
    expect(logins(roster.active)).toEqual(["ada", "carl"]);
    expect(roster.warnings.map((w) => w.reason)).toEqual([
      "@bob_ is not a valid GitHub handle",
      "@dee- is not a valid GitHub handle",
    ]);
  });

  it("an email address is not a mention", () => {
    const roster = parseRoster("OWNERS.md", "Owners:\n- Jimmy jimmy@example.com (@jz)\n");
    expect(logins(roster.active)).toEqual(["jz"]);
    expect(roster.warnings).toEqual([]);
  });

  it("a table reads the GitHub column and leaves Reviewer rows out", () => {
    const text = [
      "## Maintainers",
      "",
      "| Maintainer | GitHub ID | Project Roles | Affiliation |",
      "| --- | --- | --- | --- |",
      "| Mrunal | [mrunalp](https://github.com/mrunalp) | Approver | [Red Hat](https://www.github.com/redhat/) |",
      "| Skyler | [wgahnagl](https://github.com/wgahnagl) | Reviewer | [Red Hat](https://www.github.com/redhat/) |",
      "",
      "## Alumni",
      "",
      "| Alumni | GitHub ID | Project Roles | Affiliation |",
      "| --- | --- | --- | --- |",
      "| Samuel | [sameo](https://github.com/sameo) | Approver | [Intel](https://www.github.com/intel/) |",
    ].join("\n");
    const roster = parseRoster("MAINTAINERS.md", text);
    expect(logins(roster.active)).toEqual(["mrunalp"]);
    expect(logins(roster.emeritus)).toEqual(["sameo"]);
    expect(roster.warnings).toEqual([]);
  });

  it("a list indented as code is a warning, not silence", () => {
    const roster = parseRoster("OWNERS.md", "## Owners\n\n    - Ada (@ada)\n");
    expect(roster.active).toEqual([]);
    expect(roster.warnings.map((w) => w.line)).toEqual([3]);
  });
});
