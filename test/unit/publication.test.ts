import { describe, expect, it } from "vitest";
import {
  ANNOTATION_HEADING,
  annotateReleaseNotes,
  publicationVerdict,
  releasesBeforeAdvisory,
} from "../../src/domain/publication.js";

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

  it("a hold's reason is quoted in its problem", () => {
    const verdict = publicationVerdict(advisory("2.6.1"), [release("v2.6.1")], options, { reason: "downstream" });
    expect(verdict.kind === "blocked" && verdict.problems[0]?.message).toContain("(downstream)");
  });

  it("a fixing release published before the advisory was created waits for the security team", () => {
    const dated = { ...advisory("2.6.1"), created_at: "2026-11-10T12:00:00Z" };
    const old = { ...release("v2.6.1"), published_at: "2026-11-01T09:00:00Z" };
    const verdict = publicationVerdict(dated, [old], options, null);
    expect(verdict.kind).toBe("blocked");
    expect(verdict.kind === "blocked" && verdict.problems).toEqual([
      {
        code: "release-predates-advisory",
        message: expect.stringMatching(/^v2\.6\.1 was published before this advisory was created \(2026-11-10\)/),
      },
    ]);
    // Without a word about authority, nobody confirmed it; a security-team publish does.
    expect(publicationVerdict(dated, [old], options, null, { securityTeamConfirmed: false }).kind).toBe("blocked");
    expect(publicationVerdict(dated, [old], options, null, { securityTeamConfirmed: true }).kind).toBe("ready");
    // Several early releases are named together.
    const both = { ...advisory("2.6.1, 1.3.1"), created_at: "2026-11-10T12:00:00Z" };
    const olds = [old, { ...release("v1.3.1"), published_at: "2026-11-02T09:00:00Z" }];
    const two = publicationVerdict(both, olds, options, null);
    expect(two.kind === "blocked" && two.problems[0]?.message).toMatch(/^v2\.6\.1, v1\.3\.1 was published before/);
    // A release after the advisory is an ordinary fixing release.
    const later = { ...release("v2.6.1"), published_at: "2026-11-11T09:00:00Z" };
    expect(publicationVerdict(dated, [later], options, null).kind).toBe("ready");
  });

  it("only drafts can be published", () => {
    expect(publicationVerdict(advisory("2.6.1", COMPLETE, "triage"), [release("v2.6.1")], options, null).kind).toBe(
      "not-draft",
    );
  });
});

describe("releases published before the advisory", () => {
  const dated = (created_at: string | null) => ({ ...advisory("2.6.1"), created_at });
  const at = (tag: string, published_at: string | null) => ({ ...release(tag), published_at });

  it("are those published strictly before its creation", () => {
    const created = "2026-11-10T12:00:00Z";
    const rs = [at("v1", "2026-11-10T11:59:59Z"), at("v2", created), at("v3", "2026-11-10T12:00:01Z")];
    expect(releasesBeforeAdvisory(dated(created), rs).map((r) => r.tag_name)).toEqual(["v1"]);
  });

  it("are none when the creation date is unknown or unreadable, or a release has no date", () => {
    const rs = [at("v1", "2020-01-01T00:00:00Z")];
    expect(releasesBeforeAdvisory(dated(null), rs)).toEqual([]);
    expect(releasesBeforeAdvisory(dated("not a date"), rs)).toEqual([]);
    expect(releasesBeforeAdvisory(dated("2026-11-10T12:00:00Z"), [at("v1", null)])).toEqual([]);
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

  it("adds to an existing section, before the next heading of level one or two, not a subheading", () => {
    const notes = `Intro\n\n${ANNOTATION_HEADING}\n\n- [${a.ghsa}](${a.url}): Path traversal\n\n### Credits\nThanks\n\n# Assets\n`;
    expect(annotateReleaseNotes(notes, [b])).toBe(
      `Intro\n\n${ANNOTATION_HEADING}\n\n- [${a.ghsa}](${a.url}): Path traversal\n\n### Credits\nThanks\n- [${b.ghsa}](${b.url}): Leak\n\n# Assets\n`,
    );
    const two = `${ANNOTATION_HEADING}\n- [${a.ghsa}](${a.url}): x\n\n## Changes\n- fix\n`;
    expect(annotateReleaseNotes(two, [b])).toBe(
      `${ANNOTATION_HEADING}\n- [${a.ghsa}](${a.url}): x\n- [${b.ghsa}](${b.url}): Leak\n\n## Changes\n- fix\n`,
    );
  });

  it("adds at the end of a last section, trimming trailing blank lines to one newline", () => {
    const notes = `Intro\n${ANNOTATION_HEADING}\n- [${a.ghsa}](${a.url}): x\n\n\n`;
    expect(annotateReleaseNotes(notes, [b])).toBe(
      `Intro\n${ANNOTATION_HEADING}\n- [${a.ghsa}](${a.url}): x\n- [${b.ghsa}](${b.url}): Leak\n`,
    );
  });

  it("trims trailing whitespace of notes before a new section", () => {
    expect(annotateReleaseNotes("Notes  \n\n \n", [a])).toBe(
      `Notes\n\n${ANNOTATION_HEADING}\n\n- [${a.ghsa}](${a.url}): Path traversal\n`,
    );
    expect(annotateReleaseNotes("  \n", [a])).toBe(
      `${ANNOTATION_HEADING}\n\n- [${a.ghsa}](${a.url}): Path traversal\n`,
    );
  });

  it("finds the section wherever it is, after other level-two sections", () => {
    const notes = `## Changes\n- one\n- two\n- three\n\n${ANNOTATION_HEADING}\n- [${a.ghsa}](${a.url}): x\n\n## Assets\n`;
    expect(annotateReleaseNotes(notes, [b])).toBe(
      `## Changes\n- one\n- two\n- three\n\n${ANNOTATION_HEADING}\n- [${a.ghsa}](${a.url}): x\n- [${b.ghsa}](${b.url}): Leak\n\n## Assets\n`,
    );
  });

  it("links several advisories one per line, in a new section and in an existing one", () => {
    expect(annotateReleaseNotes("", [a, b])).toBe(
      `${ANNOTATION_HEADING}\n\n- [${a.ghsa}](${a.url}): Path traversal\n- [${b.ghsa}](${b.url}): Leak\n`,
    );
    const c = { ...b, ghsa: "GHSA-9999-8888-7777", summary: "Third" };
    expect(annotateReleaseNotes(`${ANNOTATION_HEADING}\n- [${a.ghsa}](${a.url}): x\n`, [b, c])).toBe(
      `${ANNOTATION_HEADING}\n- [${a.ghsa}](${a.url}): x\n- [${b.ghsa}](${b.url}): Leak\n- [${c.ghsa}](${c.url}): Third\n`,
    );
  });

  it("annotates empty notes", () => {
    expect(annotateReleaseNotes(null, [a])).toBe(`${ANNOTATION_HEADING}\n\n- [${a.ghsa}](${a.url}): Path traversal\n`);
  });
});
