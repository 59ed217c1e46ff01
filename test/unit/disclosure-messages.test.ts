/**
 * What a blocked notice says, branch by branch: the plain words a maintainer reads on the tracking
 * issue decide whether they can fix the advisory without asking anyone.
 */
import { describe, expect, it } from "vitest";
import {
  DESCRIPTION_PROBLEMS,
  disclosureCheck,
  disclosureExample,
  disclosureWarnings,
} from "../../src/domain/disclosure.js";

const FULL =
  "### Impact\nA path traversal in the pull command lets a crafted manifest write outside the target directory.\n\n### Patches\nFixed in 2.6.1. Users should upgrade to 2.6.1.\n";
const entry = (
  patched: string | null,
  range: string | null = "< 2.6.1",
  pkg: { ecosystem: string; name: string | null } | null = { ecosystem: "go", name: "oras.land/oras-go/v2" },
) => ({
  package: pkg,
  vulnerable_version_range: range,
  patched_versions: patched,
});
const advisory = (description: string, vulnerabilities = [entry("2.6.1")], severity: string | null = "high") => ({
  description,
  severity,
  vulnerabilities,
});
const messages = (a: ReturnType<typeof advisory>, state: Parameters<typeof disclosureCheck>[1] = { onHold: false }) =>
  Object.fromEntries(disclosureCheck(a, state).map((p) => [p.code, p.message]));

describe("blocked notices in plain words", () => {
  it("an empty Impact section is named as such", () => {
    const m = messages(advisory("### Impact\n\n### Patches\nFixed in 2.6.1. Users should upgrade to 2.6.1.\n"));
    expect(m["missing-overview"]).toBe(
      "the description's '### Impact' (overview) section is empty — write what the vulnerability is and who is affected",
    );
  });

  it("no overview at all asks for an Impact section", () => {
    const m = messages(advisory(""));
    expect(m["missing-overview"]).toBe(
      "the description does not say what the vulnerability is — add an overview under a '### Impact' heading: what kind of vulnerability it is and who is affected",
    );
    expect(m["missing-fix"]).toBe(
      "the description does not say how users get the fix — add a '### Patches' section: name the release that fixes it and what users should upgrade to (e.g. 'Fixed in 2.6.1. Users should upgrade to 2.6.1.')",
    );
  });

  it("a fix section that says there is no fix is named as such", () => {
    const m = messages(
      advisory(
        "### Impact\nA path traversal in the pull command lets a crafted manifest write outside the target.\n\n### Patches\nThere is no fix yet.\n",
      ),
    );
    expect(m["missing-fix"]).toMatch(
      /^the description's fix section says there is no fix — once the fixing release is out, under '### Patches', name the release/,
    );
  });

  it("an empty fix section is named as such", () => {
    const m = messages(
      advisory(
        "### Impact\nA path traversal in the pull command lets a crafted manifest write outside the target.\n\n### Patches\n\n### References\n- link\n",
      ),
    );
    expect(m["missing-fix"]).toMatch(/^the description's fix section is empty — under '### Patches', name the release/);
  });

  it("a complete description passes", () => {
    expect(disclosureCheck(advisory(FULL), { onHold: false })).toEqual([]);
  });

  it("a blank range is missing; the entry is named by number when there are several, with its package", () => {
    const m = messages(
      advisory(FULL, [entry("2.6.1"), entry("1.3.1", "  ", { ecosystem: "go", name: "oras.land/oras" })]),
    );
    expect(m["missing-vulnerable-range"]).toMatch(
      /^affected package 2 \(go oras\.land\/oras\) has no vulnerable version range/,
    );
    const one = messages(advisory(FULL, [entry("2.6.1", null, { ecosystem: "go", name: null })]));
    expect(one["missing-vulnerable-range"]).toMatch(/^the affected package \(go\) has no vulnerable version range/);
    const anonymous = messages(advisory(FULL, [entry("2.6.1", "", null)]));
    expect(anonymous["missing-vulnerable-range"]).toMatch(/^the affected package has no vulnerable version range/);
  });

  it("no entry at all, and no severity, are named", () => {
    const m = messages(advisory(FULL, [], "  "));
    expect(m["no-vulnerabilities"]).toBe(
      "no affected package is listed — add the package with its vulnerable version range and patched versions in the advisory",
    );
    expect(m["missing-severity"]).toMatch(/^no severity or CVSS vector is set/);
  });

  it("a hold's reason is one tidy line of at most 200 characters", () => {
    expect(messages(advisory(FULL), { onHold: true })["on-hold"]).toBe(
      "the advisory is on hold — a security-team member comments `/advisory unhold` to resume publication",
    );
    expect(messages(advisory(FULL), { onHold: true, holdReason: "  waiting\n for   downstream " })["on-hold"]).toBe(
      "the advisory is on hold (waiting for downstream) — a security-team member comments `/advisory unhold` to resume publication",
    );
    const exact = "x".repeat(200);
    expect(messages(advisory(FULL), { onHold: true, holdReason: exact })["on-hold"]).toContain(`(${exact})`);
    const long = "y".repeat(201);
    expect(messages(advisory(FULL), { onHold: true, holdReason: long })["on-hold"]).toContain(`(${"y".repeat(199)}…)`);
  });

  it("only the description's own problems are fixed by editing the description", () => {
    expect([...DESCRIPTION_PROBLEMS].sort()).toEqual(["missing-details", "missing-fix", "missing-overview"]);
  });

  it("an entry without a patched version is a warning naming it, not a blocker", () => {
    const a = advisory(FULL, [entry("2.6.1"), entry(null, ">= 0", { ecosystem: "go", name: "oras.land/oras-go" })]);
    expect(disclosureCheck(a, { onHold: false })).toEqual([]);
    expect(disclosureWarnings(a).map((w) => w.message)).toEqual([
      expect.stringMatching(
        /^affected package 2 \(go oras\.land\/oras-go\) names no patched version: it will stay unfixed/,
      ),
    ]);
  });
});

describe("the example a blocked notice gives", () => {
  it("is GitHub's advisory template in a markdown fence, with the version filled in", () => {
    expect(disclosureExample("2.6.1")).toBe(
      [
        "```markdown",
        "### Impact",
        "What kind of vulnerability it is, who is affected, and how it works: the affected component or",
        "function, and what an attacker can do with it.",
        "",
        "### Patches",
        "Fixed in 2.6.1. Users should upgrade to 2.6.1 or later.",
        "",
        "### Workarounds",
        "Optional: how users can protect themselves without upgrading.",
        "",
        "### References",
        "Links to the fix and to further reading.",
        "```",
      ].join("\n"),
    );
    expect(disclosureExample()).toContain("Fixed in <version>.");
  });
});
