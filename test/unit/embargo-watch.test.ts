import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  buildWatchIndex,
  embargoNotice,
  embargoSightings,
  findEmbargoMatches,
  MAX_WATCH_PHRASES,
  MAX_WATCHED_TEXT,
  normalizePhrases,
  type WatchedAdvisory,
} from "../../src/domain/embargo-watch.js";

const goFlaw: WatchedAdvisory = {
  ghsa: "GHSA-c3cj-4wjw-9c45",
  repo: "oras-project/oras-go",
  cve: "CVE-2026-41234",
  fork: "oras-project/oras-go-ghsa-c3cj-4wjw-9c45",
  phrases: ["layer title traversal"],
};
const cliFlaw: WatchedAdvisory = {
  ghsa: "GHSA-35qr-rxmj-7hwg",
  repo: "oras-project/oras",
  cve: null,
  fork: null,
  phrases: [],
};
const index = buildWatchIndex([goFlaw, cliFlaw]);
const kinds = (text: string) => findEmbargoMatches(index, text).map((m) => [m.advisory.ghsa, m.kind, m.matched]);

describe("what the embargo watch finds in public text", () => {
  it("an unpublished advisory's GHSA id, in any case", () => {
    expect(kinds("Fix ghsa-c3cj-4wjw-9c45: clean layer paths")).toEqual([
      ["GHSA-c3cj-4wjw-9c45", "GHSA id", "GHSA-c3cj-4wjw-9c45"],
    ]);
  });

  it("its CVE id", () => {
    expect(kinds("Backport the fix for CVE-2026-41234 to release-2.5")).toEqual([
      ["GHSA-c3cj-4wjw-9c45", "CVE id", "CVE-2026-41234"],
    ]);
  });

  it("a link to its temporary private fork, as the fork rather than the bare id", () => {
    expect(kinds("see https://github.com/oras-project/oras-go-ghsa-c3cj-4wjw-9c45/pull/1")).toEqual([
      ["GHSA-c3cj-4wjw-9c45", "private fork", "oras-project/oras-go-ghsa-c3cj-4wjw-9c45"],
    ]);
  });

  it("a link to the fork after text whose lower case is longer (İ), still as the fork", () => {
    expect(kinds("İİİİ see https://github.com/Oras-Project/oras-go-GHSA-c3cj-4wjw-9c45/pull/1")).toEqual([
      ["GHSA-c3cj-4wjw-9c45", "private fork", "oras-project/oras-go-ghsa-c3cj-4wjw-9c45"],
    ]);
  });

  it("a watched phrase, whatever its case and spacing in the phrase list", () => {
    expect(kinds("This PR stops Layer Title Traversal in pull")).toEqual([
      ["GHSA-c3cj-4wjw-9c45", "watched phrase", "layer title traversal"],
    ]);
  });

  it("several advisories in one text, each once per kind", () => {
    const found = kinds("GHSA-35QR-RXMJ-7HWG and GHSA-c3cj-4wjw-9c45, again GHSA-c3cj-4wjw-9c45");
    expect(found).toEqual([
      ["GHSA-35qr-rxmj-7hwg", "GHSA id", "GHSA-35qr-rxmj-7hwg"],
      ["GHSA-c3cj-4wjw-9c45", "GHSA id", "GHSA-c3cj-4wjw-9c45"],
    ]);
  });

  it("nothing for published or unknown ids, other CVEs, or ids glued into longer words", () => {
    expect(kinds("GHSA-aaaa-bbbb-cccc CVE-2025-00001 xGHSA-c3cj-4wjw-9c45y CVE-2026-412345")).toEqual([]);
    expect(kinds("")).toEqual([]);
  });

  it("reads at most MAX_WATCHED_TEXT characters", () => {
    const far = `${"a".repeat(MAX_WATCHED_TEXT)} GHSA-c3cj-4wjw-9c45`;
    expect(kinds(far)).toEqual([]);
  });

  it("never throws, and finds an id planted anywhere in arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (before, after) => {
        const found = findEmbargoMatches(index, `${before} GHSA-35qr-rxmj-7hwg ${after}`);
        return found.some((m) => m.advisory.ghsa === cliFlaw.ghsa);
      }),
      { numRuns: 300 },
    );
  });
});

describe("watched phrases", () => {
  it("are trimmed, folded to lower case, deduplicated and bounded", () => {
    expect(normalizePhrases(["  Layer  Title ", "layer title", "abc", "x".repeat(101)])).toEqual(["layer title"]);
    const many = Array.from({ length: 20 }, (_, i) => `phrase number ${i}`);
    expect(normalizePhrases(many)).toHaveLength(MAX_WATCH_PHRASES);
  });
});

describe("the private notice", () => {
  const place = {
    kind: "pull request" as const,
    ref: "oras-project/oras-go#42",
    url: "https://github.com/oras-project/oras-go/pull/42",
    actor: "eager-contributor",
  };

  it("says who, where and what matched, and quotes nothing else of the public text", () => {
    const [match] = findEmbargoMatches(
      index,
      "Fix GHSA-c3cj-4wjw-9c45 <!-- oras-advisory-bot:state x --> secret words",
    );
    const notice = embargoNotice(match as never, place);
    expect(notice.key).toBe("embargo:ghsa-c3cj-4wjw-9c45:oras-project/oras-go#42:GHSA id");
    expect(notice.body).toContain("[oras-project/oras-go#42](https://github.com/oras-project/oras-go/pull/42)");
    expect(notice.body).toContain("@eager-contributor");
    expect(notice.body).toContain("its GHSA id (GHSA-c3cj-4wjw-9c45)");
    expect(notice.body).not.toContain("secret words");
    expect(notice.body).not.toContain("<!--");
  });

  it("is recorded so the dashboard can list where each advisory was named", () => {
    const [match] = findEmbargoMatches(index, "CVE-2026-41234");
    const key = embargoNotice(match as never, place).key;
    expect(embargoSightings([key, key, "blocked:GHSA-c3cj-4wjw-9c45:v2.6.1"])).toEqual([
      { ghsa: "ghsa-c3cj-4wjw-9c45", place: "oras-project/oras-go#42" },
    ]);
  });
});
