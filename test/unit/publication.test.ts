import { describe, expect, it } from "vitest";
import { ANNOTATION_HEADING, annotateReleaseNotes, publicationVerdict } from "../../src/domain/publication.js";

const COMPLETE = "### Impact\nX.\n\n### Details\nY.\n\n### Patches\nZ.\n";
const advisory = (patched: string, description = COMPLETE, state = "draft") => ({
  ghsa_id: "GHSA-2345-6789-cfgh",
  state,
  description,
  severity: "high",
  vulnerabilities: [
    { patched_versions: patched, vulnerable_version_range: "< 2.6.1", package: { ecosystem: "go", name: "m" } },
  ],
});
const release = (tag: string, extra: Partial<{ draft: boolean; prerelease: boolean; body: string }> = {}) => ({
  tag_name: tag,
  draft: false,
  prerelease: false,
  body: "",
  ...extra,
});
const options = { waitFor: "all" as const, prereleases: false };

describe("publication verdict", () => {
  it("waits while the fixing release is not published, naming the missing version", () => {
    expect(publicationVerdict(advisory("2.6.1"), [release("v2.6.0")], options, null)).toEqual({
      kind: "waiting",
      missing: ["2.6.1"],
      fixingReleases: [],
    });
  });

  it("a draft release does not count", () => {
    expect(publicationVerdict(advisory("2.6.1"), [release("v2.6.1", { draft: true })], options, null).kind).toBe(
      "waiting",
    );
  });

  it("is ready when the release is out and the disclosure check passes", () => {
    expect(publicationVerdict(advisory("2.6.1"), [release("v2.6.1")], options, null).kind).toBe("ready");
  });

  it("is blocked, with every problem, when the release is out but the description is incomplete", () => {
    const verdict = publicationVerdict(advisory("2.6.1", "### Impact\nX.\n"), [release("2.6.1")], options, null);
    expect(verdict.kind).toBe("blocked");
    expect(verdict.kind === "blocked" && verdict.problems.map((p) => p.code)).toEqual([
      "missing-details",
      "missing-fix",
    ]);
  });

  it("a hold blocks publication even when everything else is ready", () => {
    const verdict = publicationVerdict(advisory("2.6.1"), [release("v2.6.1")], options, {
      reason: "coordinating with a downstream",
    });
    expect(verdict.kind === "blocked" && verdict.problems.map((p) => p.code)).toEqual(["on-hold"]);
  });

  it("only drafts can be published", () => {
    expect(publicationVerdict(advisory("2.6.1", COMPLETE, "triage"), [release("v2.6.1")], options, null).kind).toBe(
      "not-draft",
    );
  });
});

describe("release notes annotation", () => {
  const a = {
    ghsa: "GHSA-2345-6789-cfgh",
    url: "https://github.com/o/r/security/advisories/GHSA-2345-6789-cfgh",
    summary: "Path traversal",
  };
  const b = {
    ghsa: "GHSA-cfgh-2345-6789",
    url: "https://github.com/o/r/security/advisories/GHSA-cfgh-2345-6789",
    summary: "Leak",
  };

  it("adds a section linking the advisory", () => {
    expect(annotateReleaseNotes("## Changes\n- fix\n", [a])).toBe(
      `## Changes\n- fix\n\n${ANNOTATION_HEADING}\n\n- [${a.ghsa}](${a.url}): Path traversal\n`,
    );
  });

  it("is idempotent: an advisory already linked is not added again", () => {
    const once = annotateReleaseNotes("Notes", [a]);
    expect(annotateReleaseNotes(once, [a])).toBeNull();
  });

  it("adds a second advisory under the same heading", () => {
    const both = annotateReleaseNotes(annotateReleaseNotes("Notes", [a]), [b]) ?? "";
    expect(both.match(/## Security advisories/g)).toHaveLength(1);
    expect(both).toContain(`[${a.ghsa}]`);
    expect(both).toContain(`[${b.ghsa}]`);
  });

  it("annotates empty notes", () => {
    expect(annotateReleaseNotes(null, [a])).toBe(`${ANNOTATION_HEADING}\n\n- [${a.ghsa}](${a.url}): Path traversal\n`);
  });
});
