import { describe, expect, it } from "vitest";
import {
  type DisclosureAdvisory,
  type DisclosureProblem,
  disclosureCheck,
  disclosureExample,
} from "../../src/domain/disclosure.js";

/**
 * The disclosure check judges a description by what it says: an overview/impact, details, and a fix
 * (usually an update). These texts are written here, in the shapes real advisories take; the corpus
 * of published advisories is in `disclosure-corpus.test.ts`.
 */
const ON = { onHold: false } as const;

function check(description: string): string[] {
  const advisory: DisclosureAdvisory = {
    description,
    severity: "high",
    vulnerabilities: [
      {
        package: { ecosystem: "go", name: "oras.land/oras-go/v2" },
        vulnerable_version_range: "< 2.6.1",
        patched_versions: "2.6.1",
      },
    ],
  };
  return disclosureCheck(advisory, ON).map((p: DisclosureProblem) => p.code);
}

describe("the disclosure check, by meaning", () => {
  it("passes GitHub's own template: Impact carries the overview and the details", () => {
    const description = `### Impact
A crafted manifest makes oras-go write outside the target directory when pulling an artifact: the file
store joins the annotation title to the working directory without cleaning the path. Anyone pulling
from an untrusted registry is affected.

### Patches
Fixed in 2.6.1. Users should upgrade to 2.6.1.

### Workarounds
Only pull from trusted registries.

### References
- https://github.com/oras-project/oras-go/pull/1
`;
    expect(check(description)).toEqual([]);
  });

  it("passes GitHub's template without the optional Workarounds and References", () => {
    const description =
      "### Impact\nThe auth client sends registry credentials to any host named by a redirect, so a malicious registry can collect them.\n\n### Patches\nThe problem is fixed in v2.6.1.\n";
    expect(check(description)).toEqual([]);
  });

  it("understands reporters' headings: Summary, Affected Versions, Affected Component, Reproduction, Recommended Fix", () => {
    const description = `## Summary

oras-go follows a registry-controlled Location header during the monolithic blob upload and reuses the
Authorization header of the first request.

## Affected Versions

tested: v2.6.0

## Affected Component

- registry/remote/repository.go

## Reproduction

\`\`\`bash
make canonical
\`\`\`

## Recommended Fix

- never forward Authorization when the upload target changes host or scheme
`;
    expect(check(description)).toEqual([]);
  });

  it.each([
    "Suggested Remediation",
    "Remediation",
    "Proposed fix",
    "Fix",
    "Patched versions",
    "Resolution",
    "Solution",
  ])("takes a '%s' section with content as the fix", (heading) => {
    const description = `## Root cause\nThe tar extractor validates a hardlink target against the extraction directory, then links the unresolved target relative to the process working directory.\n\n## ${heading}\nLink the resolved path instead of the header's name.\n`;
    expect(check(description)).toEqual([]);
  });

  it("passes a description with no headings when its prose says the fix", () => {
    const description =
      "A path traversal in `oras pull` lets a malicious registry write files outside the output directory through a crafted layer title. Users should upgrade to 2.6.1.";
    expect(check(description)).toEqual([]);
  });

  it.each([
    "The problem has been fixed in version 0.9.0.",
    "This issue is patched in oras-go v2.6.1 and later.",
    "Version 2.6.1 fixes the issue.",
    "Upgrade oras-go to v2.6.1 or newer.",
    "Please update to the latest release.",
    "The fix is included in v2.6.1.",
  ])("recognizes the fix statement %j", (statement) => {
    const description = `A crafted layer title lets a malicious registry write files outside the output directory when a client pulls with the file store. ${statement}`;
    expect(check(description)).toEqual([]);
  });

  it("understands bold pseudo-headings", () => {
    const description =
      "**Summary:** the bearer realm of a registry's challenge is followed without checking its host.\n\n**Impact:** a malicious registry can make the client send stored credentials to an endpoint of its choosing, including cloud metadata services.\n\n**Mitigation:** only use trusted registries.\n\n**Upgrade:** oras-go 2.6.1 validates the realm host.\n";
    expect(check(description)).toEqual([]);
  });

  it("fails a text with no fix statement at all, however well it describes the vulnerability", () => {
    const description = `## Summary
oras-go follows the realm URL from a registry's Bearer challenge without validating its scheme or host.

## Details
A realm on a link-local address makes the client send requests from inside the user's network.

## Proof of Concept
\`\`\`go
// Users should upgrade to 2.6.1 (inside code: not a statement)
\`\`\`

## Mitigation
Only log in to registries you trust.
`;
    expect(check(description)).toEqual(["missing-fix"]);
  });

  it("does not take a fix section that says there is no fix, or a question, for a fix", () => {
    const none =
      "### Impact\nThe file store writes outside its working directory when a path component is a symlink, so a crafted title escapes the directory.\n\n### Patches\nNone yet.\n";
    expect(check(none)).toEqual(["missing-fix"]);
    const question =
      "A symlink under the working directory lets a crafted title write outside it when the file store pushes a blob. Should users upgrade to 2.6.1?";
    expect(check(question)).toEqual(["missing-fix"]);
    const negated =
      "A symlink under the working directory lets a crafted title write outside it when the file store pushes a blob. This has not been fixed yet.";
    expect(check(negated)).toEqual(["missing-fix"]);
  });

  it("asks for details when the description says almost nothing about the vulnerability", () => {
    expect(check("### Impact\nPath traversal.\n\n### Patches\nUpgrade to 2.6.1.\n")).toEqual(["missing-details"]);
  });

  it("asks for an overview and details when the description only says the fix", () => {
    expect(check("### Patches\nUpgrade to 2.6.1.\n")).toEqual(["missing-overview", "missing-details"]);
  });

  it("does not count credits, references or workarounds as describing the vulnerability", () => {
    const description =
      "### Patches\nUpgrade to 2.6.1.\n\n### Workarounds\nPull only from registries you run yourself and trust completely, and never from a mirror.\n\n### Credits\nThanks to the reporter, who found it while reviewing the code of the file store and the tar extractor.\n";
    expect(check(description)).toEqual(["missing-overview", "missing-details"]);
  });
});

describe("what the check tells a maintainer", () => {
  it("says in plain words what to add, naming GitHub's template headings", () => {
    const problems = disclosureCheck(
      {
        description: "",
        severity: "high",
        vulnerabilities: [{ vulnerable_version_range: "< 1", patched_versions: "1" }],
      },
      ON,
    );
    const byCode = Object.fromEntries(problems.map((p) => [p.code, p.message]));
    expect(byCode["missing-overview"]).toMatch(/what the vulnerability is/);
    expect(byCode["missing-overview"]).toMatch(/### Impact/);
    expect(byCode["missing-details"]).toMatch(/how the vulnerability works/);
    expect(byCode["missing-fix"]).toMatch(/### Patches/);
    expect(byCode["missing-fix"]).toMatch(/upgrade to/);
  });

  it("gives GitHub's advisory template, filled in, as the example; the example itself passes", () => {
    const example = disclosureExample("2.6.1");
    for (const heading of ["### Impact", "### Patches", "### Workarounds", "### References"]) {
      expect(example).toContain(heading);
    }
    expect(example).toContain("2.6.1");
    const body = example.replace(/^```markdown\n/, "").replace(/\n```\s*$/, "");
    expect(check(body)).toEqual([]);
  });
});
