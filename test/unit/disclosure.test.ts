import type { components } from "@octokit/openapi-types";
import { describe, expect, it } from "vitest";
import {
  type DisclosureAdvisory,
  type DisclosureProblem,
  disclosureCheck,
  disclosureWarnings,
  headingKinds,
  parseSections,
} from "../../src/domain/disclosure.js";

/** GitHub's advisory template, filled in, with a details section added. */
const TEMPLATE_DESCRIPTION = `### Impact
A crafted manifest makes oras-go write outside the target directory when pulling an artifact.
Anyone pulling from an untrusted registry is affected.

### Details
The file store joined the annotation title to the working directory without cleaning the path.

### Patches
Fixed in oras-go v2.6.1. Users should upgrade to v2.6.1.

### Workarounds
Only pull from trusted registries.

### References
- https://github.com/oras-project/oras-go/pull/1
`;

const ON = { onHold: false } as const;

function complete(overrides: Partial<DisclosureAdvisory> = {}): DisclosureAdvisory {
  return {
    description: TEMPLATE_DESCRIPTION,
    severity: "high",
    cvss: null,
    cvss_severities: null,
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
        vulnerable_version_range: "< 2.6.1",
        patched_versions: "2.6.1",
      },
    ],
    ...overrides,
  };
}

function codes(problems: DisclosureProblem[]): string[] {
  return problems.map((p) => p.code);
}

describe("disclosureCheck", () => {
  it("passes a complete GitHub-template advisory", () => {
    expect(disclosureCheck(complete(), ON)).toEqual([]);
  });

  it("passes without a workarounds section (optional)", () => {
    const description = TEMPLATE_DESCRIPTION.replace(/### Workarounds\n.*\n\n/, "");
    expect(description).not.toContain("Workarounds");
    expect(disclosureCheck(complete({ description }), ON)).toEqual([]);
  });

  it.each<[string[], string]>([
    [["missing-overview", "missing-details"], "### Patches\nUpgrade to 2.6.1.\n"],
    [["missing-details"], "### Impact\nPath traversal.\n\n### Patches\nUpgrade to 2.6.1.\n"],
    [["missing-fix"], "### Impact\nPath traversal.\n\n### Details\nThe parser trusts the path.\n"],
  ])("reports %j", (expected, description) => {
    const problems = disclosureCheck(complete({ description }), ON);
    expect(codes(problems)).toEqual(expected);
  });

  it("takes a details section as describing the vulnerability, with no overview heading", () => {
    const description = "### Details\nThe parser trusts the path.\n\n### Patches\nUpgrade to 2.6.1.\n";
    expect(disclosureCheck(complete({ description }), ON)).toEqual([]);
  });

  it("names the fix in each message", () => {
    const problems = disclosureCheck(
      {
        description: null,
        severity: null,
        vulnerabilities: [{ package: null, vulnerable_version_range: null, patched_versions: "2.6.1" }],
      },
      { onHold: true, holdReason: "waiting for the CLI release" },
    );
    const byCode = Object.fromEntries(problems.map((p) => [p.code, p.message]));
    expect(byCode["missing-overview"]).toMatch(/'### Impact'/);
    expect(byCode["missing-details"]).toMatch(/'### Details'/);
    expect(byCode["missing-fix"]).toBe(
      "the description does not say how users get the fix — add a '### Patches' section: name the release that fixes it and what users should upgrade to (e.g. 'Fixed in 2.6.1. Users should upgrade to 2.6.1.')",
    );
    expect(byCode["missing-severity"]).toMatch(/\/advisory severity/);
    expect(byCode["missing-severity"]).toMatch(/\/advisory cvss/);
    expect(byCode["missing-vulnerable-range"]).toMatch(/vulnerable version range/);
    expect(byCode["on-hold"]).toMatch(/\/advisory unhold/);
  });

  it("reports every problem at once, not only the first", () => {
    const problems = disclosureCheck(
      {
        description: "",
        severity: null,
        cvss: { vector_string: null, score: null },
        vulnerabilities: [],
      } as DisclosureAdvisory,
      { onHold: true },
    );
    expect(codes(problems)).toEqual([
      "missing-overview",
      "missing-details",
      "missing-fix",
      "missing-severity",
      "no-vulnerabilities",
      "on-hold",
    ]);
  });

  it("treats a null vulnerabilities list as no vulnerabilities", () => {
    expect(codes(disclosureCheck(complete({ vulnerabilities: null }), ON))).toEqual(["no-vulnerabilities"]);
  });

  describe("sections", () => {
    it("counts a heading with an empty body as missing, with its own message", () => {
      const description = TEMPLATE_DESCRIPTION.replace(/### Patches\n.*\n/, "### Patches\n\n");
      const problems = disclosureCheck(complete({ description }), ON);
      expect(codes(problems)).toEqual(["missing-fix"]);
      expect(problems[0]?.message).toMatch(/fix section is empty/);
    });

    it("counts GitHub's unfilled template prompts as empty", () => {
      const description = `### Impact
_What kind of vulnerability is it? Who is impacted?_

### Patches
_Has the problem been patched? What versions should users upgrade to?_

### Workarounds
_Is there a way for users to fix or remediate the vulnerability without upgrading?_

### References
_Are there any links users can visit to find out more?_
`;
      expect(codes(disclosureCheck(complete({ description }), ON))).toEqual([
        "missing-overview",
        "missing-details",
        "missing-fix",
      ]);
    });

    it("counts HTML comments, empty list items and subheadings alone as empty", () => {
      const description =
        "### Impact\n<!-- say who is affected\nand how -->\n\n### Details\n- \n>\n\n### Patches\n#### Versions\n\n## Credits\nthanks\n";
      expect(codes(disclosureCheck(complete({ description }), ON))).toEqual([
        "missing-overview",
        "missing-details",
        "missing-fix",
      ]);
    });

    it("counts content under a subheading for the enclosing section", () => {
      const description =
        "## Impact\nPath traversal.\n## Details\n### Root cause\nThe path is not cleaned.\n## Patches\n### Go\nUpgrade to 2.6.1.\n";
      expect(disclosureCheck(complete({ description }), ON)).toEqual([]);
    });

    it("accepts bold-line headings and bold labels followed by text", () => {
      const bold =
        "**Impact**\nPath traversal.\n\n**Details:**\nThe path is not cleaned.\n\n**Patches**: upgrade to 2.6.1\n";
      expect(disclosureCheck(complete({ description: bold }), ON)).toEqual([]);
      const underscores = "__Summary__\nPath traversal.\n__Description__\nNot cleaned.\n__Fix__\nUpgrade.\n";
      expect(disclosureCheck(complete({ description: underscores }), ON)).toEqual([]);
    });

    it("accepts heading levels 1 to 6, closing hashes, colons and any case", () => {
      const description =
        "# SUMMARY\nPath traversal.\n###### technical details: ######\nNot cleaned.\n#### Remediation:\nUpgrade.\n";
      expect(disclosureCheck(complete({ description }), ON)).toEqual([]);
    });

    it("ignores headings inside fenced code blocks", () => {
      const description = "### Impact\nPath traversal.\n\n### Details\n```\n### Patches\nnot really\n```\n";
      expect(codes(disclosureCheck(complete({ description }), ON))).toEqual(["missing-fix"]);
    });

    it("does not accept a mitigation or workaround section as the fix", () => {
      const description =
        "### Impact\nPath traversal.\n### Details\nNot cleaned.\n### Mitigation\nUse a trusted registry.\n";
      expect(codes(disclosureCheck(complete({ description }), ON))).toEqual(["missing-fix"]);
      const workaround = description.replace("Mitigation", "Workarounds");
      expect(codes(disclosureCheck(complete({ description: workaround }), ON))).toEqual(["missing-fix"]);
    });

    it("reads plain prose by meaning: a fix statement counts, a thin description does not", () => {
      const description = "Impact: path traversal. Details: not cleaned. Patches: upgrade to 2.6.1.";
      expect(codes(disclosureCheck(complete({ description }), ON))).toEqual(["missing-details"]);
    });

    it("never quotes the description in a message", () => {
      const secret = "SECRET-TOKEN-IN-DESCRIPTION";
      const description = `### Impact ${secret}\n\n### ${secret} Details\n\n${secret}\n### Patches ${secret}\n`;
      const problems = disclosureCheck(complete({ description }), ON);
      expect(problems.length).toBeGreaterThan(0);
      for (const p of problems) expect(p.message).not.toContain(secret);
    });
  });

  describe("severity", () => {
    it.each<[string, Partial<DisclosureAdvisory>, boolean]>([
      ["severity set", { severity: "low" }, true],
      ["nothing set", { severity: null }, false],
      [
        "CVSS vector",
        { severity: null, cvss: { vector_string: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" } },
        true,
      ],
      ["CVSS without vector", { severity: null, cvss: { vector_string: null } }, false],
      ["blank CVSS vector", { severity: null, cvss: { vector_string: " " } }, false],
      [
        "CVSS v3 severity",
        {
          severity: null,
          cvss_severities: { cvss_v3: { vector_string: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" } },
        },
        true,
      ],
      [
        "CVSS v4 severity",
        {
          severity: null,
          cvss_severities: {
            cvss_v3: null,
            cvss_v4: { vector_string: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:N/VA:N/SC:N/SI:N/SA:N" },
          },
        },
        true,
      ],
      ["empty CVSS severities", { severity: null, cvss_severities: { cvss_v3: null, cvss_v4: null } }, false],
    ])("%s → passes: %s", (_name, overrides, passes) => {
      expect(codes(disclosureCheck(complete(overrides), ON))).toEqual(passes ? [] : ["missing-severity"]);
    });
  });

  describe("vulnerabilities", () => {
    it("reports each entry with a patched version but no vulnerable range, naming its package", () => {
      const problems = disclosureCheck(
        complete({
          vulnerabilities: [
            {
              package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
              vulnerable_version_range: "< 2.6.1",
              patched_versions: "2.6.1",
            },
            {
              package: { ecosystem: "go", name: "oras.land/oras" },
              vulnerable_version_range: "",
              patched_versions: "1.3.1",
            },
            { package: null, vulnerable_version_range: null, patched_versions: "0.6.2" },
          ],
        }),
        ON,
      );
      expect(codes(problems)).toEqual(["missing-vulnerable-range", "missing-vulnerable-range"]);
      expect(problems[0]?.message).toMatch(
        /^affected package 2 \(go oras\.land\/oras\) has no vulnerable version range/,
      );
      expect(problems[1]?.message).toMatch(/^affected package 3 has no vulnerable version range/);
    });

    it("an entry with no patched version (a deprecated package) does not block; it is a warning that it stays unfixed", () => {
      const advisory = complete({
        vulnerabilities: [
          {
            package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
            vulnerable_version_range: "< 2.6.1",
            patched_versions: "2.6.1",
          },
          {
            package: { ecosystem: "go", name: "oras.land/oras-credentials-go" },
            vulnerable_version_range: ">= 0",
            patched_versions: null,
          },
          { package: null, vulnerable_version_range: "", patched_versions: " " },
        ],
      });
      expect(disclosureCheck(advisory, ON)).toEqual([]);
      const warnings = disclosureWarnings(advisory);
      expect(codes(warnings)).toEqual(["unpatched-entry", "unpatched-entry"]);
      expect(warnings[0]?.message).toMatch(
        /^affected package 2 \(go oras\.land\/oras-credentials-go\) names no patched version: it will stay unfixed/,
      );
      expect(warnings[1]?.message).toMatch(/^affected package 3 names no patched version/);
      expect(disclosureWarnings(complete())).toEqual([]);
    });
  });

  describe("hold", () => {
    it("reports the hold with its reason", () => {
      const problems = disclosureCheck(complete(), {
        onHold: true,
        holdReason: "coordinating with\n  the CLI release",
      });
      expect(problems).toEqual([
        {
          code: "on-hold",
          message:
            "the advisory is on hold (coordinating with the CLI release) — a security-team member comments `/advisory unhold` to resume publication",
        },
      ]);
    });

    it("reports a hold without a reason", () => {
      const problems = disclosureCheck(complete(), { onHold: true, holdReason: "  " });
      expect(codes(problems)).toEqual(["on-hold"]);
      expect(problems[0]?.message).not.toContain("(");
    });

    it("bounds a long reason", () => {
      const problems = disclosureCheck(complete(), { onHold: true, holdReason: "x".repeat(500) });
      expect(problems[0]?.message.length).toBeLessThan(320);
    });

    it("ignores a reason when not on hold", () => {
      expect(disclosureCheck(complete(), { onHold: false, holdReason: "old reason" })).toEqual([]);
    });
  });

  it("accepts GitHub's repository-advisory shape", () => {
    const check = (a: components["schemas"]["repository-advisory"]) => disclosureCheck(a, ON);
    expect(typeof check).toBe("function");
  });
});

describe("headingKinds", () => {
  it.each<[string, string[]]>([
    ["Impact", ["overview"]],
    ["Overview", ["overview"]],
    ["Summary", ["overview"]],
    ["Details", ["details"]],
    ["Technical details", ["details"]],
    ["Description", ["details"]],
    ["PoC", ["details"]],
    ["Patches", ["fix"]],
    ["Patched versions", ["fix"]],
    ["Fix", ["fix"]],
    ["Fixes:", ["fix"]],
    ["Remediation", ["fix"]],
    ["Mitigation", ["workaround"]],
    ["Workarounds", ["workaround"]],
    ["References", ["references"]],
    ["Summary and details", ["overview", "details"]],
    ["Credits", ["credits"]],
    ["Root cause", ["details"]],
    ["Proof of Concept", ["details"]],
    ["Reproduction", ["details"]],
    ["Affected Versions", ["overview"]],
    ["Affected Component", ["overview", "details"]],
    ["Recommended Fix", ["fix"]],
    ["Suggested Remediation", ["fix"]],
    ["Upgrade", ["fix"]],
    ["Attack-surface boundary", ["details"]],
    ["Timeline", ["credits"]],
    ["Unrelated words", []],
    ["Impacted", []],
    ["Prefix", []],
  ])("%j → %j", (title, kinds) => {
    expect(headingKinds(title)).toEqual(kinds);
  });
});

describe("parseSections", () => {
  it("gives bold lines the lowest level so they nest under # headings", () => {
    const sections = parseSections("### Details\n**Impact**: none here\nmore\n### Patches\n");
    expect(sections).toEqual([
      { level: 3, kinds: ["details"], hasContent: true },
      { level: 7, kinds: ["overview"], hasContent: true },
      { level: 3, kinds: ["fix"], hasContent: false },
    ]);
  });

  it("treats bold text that names no section as text", () => {
    expect(parseSections("### Details\n**Note**\n")).toEqual([{ level: 3, kinds: ["details"], hasContent: true }]);
  });

  it("counts code as content, but not an empty code block", () => {
    expect(parseSections("### Details\n```go\nfilepath.Join(dir, title)\n```\n### Patches\n~~~\n\n~~~\n")).toEqual([
      { level: 3, kinds: ["details"], hasContent: true },
      { level: 3, kinds: ["fix"], hasContent: false },
    ]);
  });

  it("handles CRLF line endings", () => {
    expect(parseSections("### Impact\r\nPath traversal.\r\n### Patches\r\n\r\n")).toEqual([
      { level: 3, kinds: ["overview"], hasContent: true },
      { level: 3, kinds: ["fix"], hasContent: false },
    ]);
  });
});
