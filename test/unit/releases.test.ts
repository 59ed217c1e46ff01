import type { components } from "@octokit/openapi-types";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  countsAsPublished,
  fixedBy,
  isPatchedPrerelease,
  mentionsGhsa,
  parseReleaseVersion,
  patchedVersions,
  publicationReadiness,
  type ReleaseLike,
  type ReleaseMatchAdvisory,
  unrecognizedPatchedVersions,
} from "../../src/domain/releases.js";

const GHSA = "GHSA-xq3w-v528-46rv";

function advisory(...patched: Array<string | null>): ReleaseMatchAdvisory {
  return { ghsa_id: GHSA, vulnerabilities: patched.map((p) => ({ patched_versions: p })) };
}

interface TestRelease extends ReleaseLike {
  id: number;
}

let nextId = 1;
function release(tag: string, extra: Partial<ReleaseLike> = {}): TestRelease {
  return { id: nextId++, tag_name: tag, body: null, draft: false, prerelease: false, ...extra };
}

const ALL = { waitFor: "all", prereleases: false } as const;
const ANY = { waitFor: "any", prereleases: false } as const;

describe("parseReleaseVersion", () => {
  it.each([
    // oras CLI, oras-go, oras-dotnet, oras-mcp, rust-oci-client: `v` tags
    ["v1.3.3", "1.3.3"],
    ["v2.6.1", "2.6.1"],
    ["V2.6.1", "2.6.1"],
    // oras-java, oras-py: bare tags
    ["0.6.2", "0.6.2"],
    ["0.2.41", "0.2.41"],
    ["2.6.1", "2.6.1"],
    // prereleases
    ["v1.0.0-rc.2", "1.0.0-rc.2"],
    ["v1.3.0-alpha.1", "1.3.0-alpha.1"],
    ["v1.3.0-beta.2", "1.3.0-beta.2"],
    ["0.7.0-rc.3", "0.7.0-rc.3"],
    ["v3.0.0-dev", "3.0.0-dev"],
    // build metadata is not part of the version for comparison
    ["v1.2.3+build.7", "1.2.3"],
  ])("%s → %s", (tag, version) => {
    expect(parseReleaseVersion(tag)).toBe(version);
  });

  it.each([
    "untagged-abc123def456",
    "untagged-5f2c9e1b",
    "latest",
    "nightly",
    "",
    "v",
    "1.2",
    "v1.2",
    "1",
    "vv1.2.3",
    "=1.2.3",
    "v=1.2.3",
    " 1.2.3",
    "1.2.3 ",
    "01.2.3",
    "release-1.2.3",
    "oras-go/v2.6.1",
  ])("%j is not a version", (tag) => {
    expect(parseReleaseVersion(tag)).toBeNull();
  });

  it("round-trips every valid semver with and without a v", () => {
    fc.assert(
      fc.property(fc.nat(999), fc.nat(999), fc.nat(999), (a, b, c) => {
        const v = `${a}.${b}.${c}`;
        return parseReleaseVersion(v) === v && parseReleaseVersion(`v${v}`) === v;
      }),
    );
  });
});

describe("patchedVersions", () => {
  it.each<[string | null, string[]]>([
    ["2.6.1", ["2.6.1"]],
    ["2.6.1, 1.2.5", ["2.6.1", "1.2.5"]],
    ["2.6.1,1.2.5", ["2.6.1", "1.2.5"]],
    [">= 2.6.1", ["2.6.1"]],
    [">=2.6.1", ["2.6.1"]],
    ["= 2.6.1", ["2.6.1"]],
    ["v2.6.1", ["2.6.1"]],
    [">= v2.6.1, >= v1.2.5", ["2.6.1", "1.2.5"]],
    ["2.6.1; 1.2.5", ["2.6.1", "1.2.5"]],
    ["2.6.1 || 1.2.5", ["2.6.1", "1.2.5"]],
    ["2.6.1 1.2.5", ["2.6.1", "1.2.5"]],
    ["2.6.1  \t1.2.5", ["2.6.1", "1.2.5"]],
    ["1.0.0-rc.2", ["1.0.0-rc.2"]],
    ["  2.6.1  ", ["2.6.1"]],
    ["", []],
    [null, []],
  ])("%j → %j", (text, expected) => {
    expect(patchedVersions(advisory(text))).toEqual(expected);
  });

  it("collects across vulnerabilities and deduplicates by version", () => {
    expect(patchedVersions(advisory("2.6.1", "v2.6.1, 1.2.5", null, ">= 1.2.5"))).toEqual(["2.6.1", "1.2.5"]);
  });

  it("handles an advisory without vulnerabilities", () => {
    expect(patchedVersions({ ghsa_id: GHSA, vulnerabilities: null })).toEqual([]);
    expect(patchedVersions({ ghsa_id: GHSA, vulnerabilities: [] })).toEqual([]);
  });

  it("an entry is a version list only when every word is a version; empty entries and repeats are not reported", () => {
    const a = advisory("2.6.1 later, , foo, foo;;");
    expect(patchedVersions(a)).toEqual([]);
    expect(unrecognizedPatchedVersions(a)).toEqual(["2.6.1 later", "foo"]);
  });

  it("reads an operator only in front of the version", () => {
    const a = advisory("<= 2.6.1, 2.6.1=");
    expect(patchedVersions(a)).toEqual([]);
    expect(unrecognizedPatchedVersions(a)).toEqual(["<= 2.6.1", "2.6.1="]);
  });

  it("leaves out entries that are not versions and reports them separately", () => {
    const a = advisory("2.6, 2.6.1, see release notes");
    expect(patchedVersions(a)).toEqual(["2.6.1"]);
    expect(unrecognizedPatchedVersions(a)).toEqual(["2.6", "see release notes"]);
  });
});

describe("mentionsGhsa", () => {
  it.each<[string | null, boolean]>([
    [`Fixes ${GHSA}`, true],
    [`fixes ${GHSA.toLowerCase()}`, true],
    [`* Merge commit from fork (${GHSA})`, true],
    [`https://github.com/oras-project/oras-go/security/advisories/${GHSA}`, true],
    [`${GHSA}.`, true],
    [`${GHSA}9`, false],
    [`${GHSA}-extra`, false],
    [`X${GHSA}`, false],
    ["GHSA-xq3w-v528", false],
    ["Fixes GHSA-aaaa-bbbb-cccc", false],
    ["", false],
    [null, false],
  ])("%j → %s", (text, expected) => {
    expect(mentionsGhsa(text, GHSA)).toBe(expected);
  });

  it("reads the id trimmed, literally, and never matches an empty id", () => {
    expect(mentionsGhsa(`Fixes ${GHSA}`, `  ${GHSA}\n`)).toBe(true);
    expect(mentionsGhsa("GHSA-aaaa", "GHSA-a.*")).toBe(false);
    expect(mentionsGhsa("GHSA-a.*", "GHSA-a.*")).toBe(true);
    expect(mentionsGhsa("any text", "")).toBe(false);
    expect(mentionsGhsa("any text", "  ")).toBe(false);
  });
});

describe("fixedBy", () => {
  const adv = advisory("2.6.1");

  it.each<[string, boolean]>([
    ["v2.6.1", true],
    ["2.6.1", true],
    ["V2.6.1", true],
    ["v2.6.0", false],
    ["v2.6.2", false],
    ["v2.6.1-rc.1", false],
    ["latest", false],
    ["untagged-0123abcd", false],
  ])("release %s fixes patched 2.6.1: %s", (tag, expected) => {
    expect(fixedBy(adv, release(tag))).toBe(expected);
  });

  it("matches a bare-tag repository (oras-java, oras-py)", () => {
    expect(fixedBy(advisory("0.6.2"), release("0.6.2"))).toBe(true);
    expect(fixedBy(advisory("0.2.41"), release("0.2.41"))).toBe(true);
    expect(fixedBy(advisory("0.2.41"), release("0.2.4"))).toBe(false);
  });

  it("matches either branch of a fix on two branches", () => {
    const twoBranches = advisory("2.6.1, 1.2.5");
    expect(fixedBy(twoBranches, release("v2.6.1"))).toBe(true);
    expect(fixedBy(twoBranches, release("v1.2.5"))).toBe(true);
    expect(fixedBy(twoBranches, release("v1.2.4"))).toBe(false);
  });

  it("counts release notes that name the GHSA id, whatever the version", () => {
    const notes = `## Security\n\n* Merge commit from fork — ${GHSA.toLowerCase()}\n`;
    expect(fixedBy(advisory(), release("v2.7.0", { body: notes }))).toBe(true);
    expect(fixedBy(advisory("2.6.1"), release("v2.7.0", { body: notes }))).toBe(true);
    expect(fixedBy(advisory(), release("untagged-abc", { body: notes }))).toBe(true);
    expect(fixedBy(advisory(), release("v2.7.0", { body: "Fixes GHSA-aaaa-bbbb-cccc" }))).toBe(false);
    expect(fixedBy(advisory(), release("v2.7.0", { body: `${GHSA}-x` }))).toBe(false);
  });

  it("never counts a draft release", () => {
    expect(fixedBy(adv, release("v2.6.1", { draft: true }))).toBe(false);
    expect(fixedBy(advisory(), release("v2.7.0", { draft: true, body: GHSA }))).toBe(false);
  });
});

describe("countsAsPublished", () => {
  it.each<[string, Partial<ReleaseLike>, boolean, boolean]>([
    ["v2.6.1", {}, true, true],
    ["v2.6.1", { draft: true }, false, false],
    ["v2.6.1", { prerelease: true }, false, true],
    ["v1.0.0-rc.2", {}, false, true],
    ["v3.0.0-dev", {}, false, true],
    ["v1.3.0-alpha.1", { prerelease: true }, false, true],
    ["v1.3.0-beta.2", { draft: true, prerelease: true }, false, false],
  ])("%s %j → default %s, with prereleases %s", (tag, extra, byDefault, withPrereleases) => {
    expect(countsAsPublished(release(tag, extra), { prereleases: false })).toBe(byDefault);
    expect(countsAsPublished(release(tag, extra), { prereleases: true })).toBe(withPrereleases);
  });
});

describe("publicationReadiness", () => {
  it("is ready when the single patched version is released (oras-go style tag)", () => {
    const v261 = release("v2.6.1");
    const result = publicationReadiness(advisory("2.6.1"), [release("v2.6.0"), v261], ALL);
    expect(result).toEqual({ ready: true, fixingReleases: [v261], missing: [], unrecognized: [] });
  });

  it("is ready for bare tags (oras-java 0.6.2, oras-py 0.2.41)", () => {
    expect(publicationReadiness(advisory("0.6.2"), [release("0.6.2")], ALL).ready).toBe(true);
    expect(publicationReadiness(advisory("0.2.41"), [release("0.2.41")], ALL).ready).toBe(true);
    expect(publicationReadiness(advisory("0.2.41"), [release("v0.2.41")], ALL).ready).toBe(true);
  });

  it("is not ready before the fixing release, and says which version is missing", () => {
    const result = publicationReadiness(advisory("1.3.3"), [release("v1.3.2"), release("latest")], ALL);
    expect(result).toEqual({ ready: false, fixingReleases: [], missing: ["1.3.3"], unrecognized: [] });
  });

  describe("one fix on two branches (2.6.1, 1.2.5)", () => {
    const twoBranches = advisory("2.6.1, 1.2.5");

    it("waitFor all needs both releases", () => {
      const v261 = release("v2.6.1");
      const v125 = release("v1.2.5");
      const first = publicationReadiness(twoBranches, [v261], ALL);
      expect(first.ready).toBe(false);
      expect(first.fixingReleases).toEqual([v261]);
      expect(first.missing).toEqual(["1.2.5"]);

      const both = publicationReadiness(twoBranches, [v261, v125], ALL);
      expect(both.ready).toBe(true);
      expect(both.fixingReleases).toEqual([v261, v125]);
      expect(both.missing).toEqual([]);
    });

    it("waitFor any is ready on the first", () => {
      const v125 = release("v1.2.5");
      const result = publicationReadiness(twoBranches, [v125], ANY);
      expect(result.ready).toBe(true);
      expect(result.fixingReleases).toEqual([v125]);
      expect(result.missing).toEqual(["2.6.1"]);
      expect(publicationReadiness(twoBranches, [], ANY).ready).toBe(false);
    });

    it("counts the same across two vulnerability entries", () => {
      const split = advisory("2.6.1", "1.2.5");
      expect(publicationReadiness(split, [release("v2.6.1")], ALL).ready).toBe(false);
      expect(publicationReadiness(split, [release("v2.6.1"), release("v1.2.5")], ALL).ready).toBe(true);
    });
  });

  it("never counts drafts", () => {
    const draft = release("v2.6.1", { draft: true, body: GHSA });
    const result = publicationReadiness(advisory("2.6.1"), [draft], { waitFor: "any", prereleases: true });
    expect(result).toEqual({ ready: false, fixingReleases: [], missing: ["2.6.1"], unrecognized: [] });
    expect(publicationReadiness(advisory(), [draft], ANY).ready).toBe(false);
  });

  describe("prereleases", () => {
    const rc = advisory("1.0.0-rc.2");

    it("are excluded by default, whether flagged by GitHub or by the tag", () => {
      expect(publicationReadiness(advisory("1.3.0"), [release("v1.3.0", { prerelease: true })], ALL).ready).toBe(false);
      expect(publicationReadiness(advisory("1.3.0"), [release("v1.3.0-rc.1")], ALL).ready).toBe(false);
      expect(publicationReadiness(advisory("1.3.0"), [release("v1.3.0-rc.1", { prerelease: true })], ANY).ready).toBe(
        false,
      );
      // The notes of a prerelease naming the GHSA id do not make it a fixing release.
      expect(
        publicationReadiness(advisory(null), [release("v1.4.0-beta.1", { prerelease: true, body: GHSA })], ALL).ready,
      ).toBe(false);
    });

    it("a patched version that is itself a prerelease is fixed by that prerelease, even by default", () => {
      const flagged = release("v1.0.0-rc.2", { prerelease: true });
      expect(publicationReadiness(rc, [flagged], ALL)).toEqual({
        ready: true,
        fixingReleases: [flagged],
        missing: [],
        unrecognized: [],
      });
      expect(publicationReadiness(rc, [release("1.0.0-rc.2")], ALL).ready).toBe(true);
      expect(publicationReadiness(advisory("3.0.0-dev"), [release("v3.0.0-dev")], ALL).ready).toBe(true);
      // …and by no other prerelease: neither an earlier nor a later candidate.
      const others = [release("v1.0.0-rc.1", { prerelease: true }), release("v1.0.0-rc.3", { prerelease: true })];
      expect(publicationReadiness(rc, others, ALL)).toMatchObject({ ready: false, missing: ["1.0.0-rc.2"] });
      // With a final patched version next to it, the final one still needs a full release.
      expect(publicationReadiness(advisory("1.0.0-rc.2, 0.9.1"), [flagged], ALL)).toMatchObject({
        ready: false,
        missing: ["0.9.1"],
      });
      expect(publicationReadiness(advisory("1.0.0-rc.2, 0.9.1"), [flagged], ANY).ready).toBe(true);
    });

    it("isPatchedPrerelease: only a published prerelease whose version is a patched version", () => {
      expect(isPatchedPrerelease(release("v1.0.0-rc.2"), ["1.0.0-rc.2"])).toBe(true);
      expect(isPatchedPrerelease(release("v1.0.0-rc.2", { draft: true }), ["1.0.0-rc.2"])).toBe(false);
      expect(isPatchedPrerelease(release("v1.0.0", { prerelease: true }), ["1.0.0"])).toBe(false);
      expect(isPatchedPrerelease(release("v1.0.0-rc.2"), ["1.0.0"])).toBe(false);
      expect(isPatchedPrerelease(release("nightly"), ["1.0.0-rc.2"])).toBe(false);
    });

    it("count when allowed", () => {
      const allow = { waitFor: "all", prereleases: true } as const;
      expect(publicationReadiness(rc, [release("v1.0.0-rc.2", { prerelease: true })], allow).ready).toBe(true);
      expect(publicationReadiness(advisory("1.3.0-alpha.1"), [release("v1.3.0-alpha.1")], allow).ready).toBe(true);
      expect(publicationReadiness(advisory("1.3.0-beta.2"), [release("v1.3.0-beta.2")], allow).ready).toBe(true);
    });

    it("a prerelease of the patched version is not the patched version", () => {
      const allow = { waitFor: "all", prereleases: true } as const;
      expect(publicationReadiness(advisory("1.3.0"), [release("v1.3.0-rc.3")], allow).ready).toBe(false);
    });
  });

  it("an entry without a patched version (a deprecated package) names nothing to wait for", () => {
    const deprecated = advisory("2.6.1", null);
    expect(publicationReadiness(deprecated, [release("v2.6.1")], ALL)).toMatchObject({ ready: true, missing: [] });
    expect(publicationReadiness(deprecated, [release("v2.6.0")], ALL)).toMatchObject({
      ready: false,
      missing: ["2.6.1"],
    });
  });

  describe("GHSA id in release notes", () => {
    it("makes an advisory without patched versions ready", () => {
      const named = release("v2.6.1", { body: `Security fixes:\n- ${GHSA}` });
      const result = publicationReadiness(advisory(null), [release("v2.6.0"), named], ALL);
      expect(result).toEqual({ ready: true, fixingReleases: [named], missing: [], unrecognized: [] });
      expect(publicationReadiness({ ghsa_id: GHSA, vulnerabilities: null }, [named], ANY).ready).toBe(true);
    });

    it("is required when no patched version is listed", () => {
      expect(publicationReadiness(advisory(null), [release("v2.6.1", { body: "bug fixes" })], ALL).ready).toBe(false);
      expect(publicationReadiness(advisory(), [], ALL).ready).toBe(false);
    });

    it("does not stand in for a listed patched version that is not released", () => {
      const named = release("v2.6.0", { body: GHSA });
      const result = publicationReadiness(advisory("2.6.1"), [named], ALL);
      expect(result.ready).toBe(false);
      expect(result.fixingReleases).toEqual([named]);
      expect(result.missing).toEqual(["2.6.1"]);
      expect(publicationReadiness(advisory("2.6.1"), [named], ANY).ready).toBe(false);
    });

    it("does not count in a prerelease by default", () => {
      const named = release("v2.7.0-rc.1", { body: GHSA, prerelease: true });
      expect(publicationReadiness(advisory(), [named], ALL).ready).toBe(false);
      expect(publicationReadiness(advisory(), [named], { waitFor: "all", prereleases: true }).ready).toBe(true);
    });
  });

  it("never treats an unreadable patched version as released", () => {
    const a = advisory("2.6, 2.6.1");
    const result = publicationReadiness(a, [release("v2.6.0"), release("v2.6.1")], ALL);
    expect(result).toMatchObject({ ready: false, missing: ["2.6"], unrecognized: ["2.6"] });
    expect(publicationReadiness(a, [release("v2.6.1")], ANY).ready).toBe(true);
    expect(publicationReadiness(advisory("next release"), [release("v9.9.9", { body: GHSA })], ANY).ready).toBe(false);
  });

  it("one release fixes several advisories at once (oras-go v2.6.1)", () => {
    const v261 = release("v2.6.1");
    const advisories = ["GHSA-aaaa-bbbb-cccc", "GHSA-dddd-eeee-ffff", "GHSA-gggg-hhhh-jjjj", "GHSA-mmmm-pppp-qqqq"].map(
      (id) => ({ ghsa_id: id, vulnerabilities: [{ patched_versions: "2.6.1" }] }),
    );
    for (const a of advisories) expect(publicationReadiness(a, [v261], ALL).ready).toBe(true);
  });

  it("with waitFor all, is ready exactly when every listed version has a release (property)", () => {
    const version = fc.tuple(fc.nat(5), fc.nat(5), fc.nat(5)).map(([a, b, c]) => `${a}.${b}.${c}`);
    fc.assert(
      fc.property(
        fc.uniqueArray(version, { minLength: 1, maxLength: 4 }),
        fc.array(fc.tuple(version, fc.boolean(), fc.boolean()), { maxLength: 6 }),
        (listed, rels) => {
          const releases = rels.map(([v, withV, draft]) => release(withV ? `v${v}` : v, { draft }));
          const result = publicationReadiness(advisory(listed.join(", ")), releases, ALL);
          const published = new Set(rels.filter(([, , draft]) => !draft).map(([v]) => v));
          expect(result.ready).toBe(listed.every((v) => published.has(v)));
          expect(result.missing).toEqual(listed.filter((v) => !published.has(v)));
          for (const r of result.fixingReleases) expect(r.draft).toBe(false);
        },
      ),
    );
  });

  it("accepts GitHub's repository-advisory and release shapes", () => {
    const check = (
      a: components["schemas"]["repository-advisory"],
      rs: components["schemas"]["release"][],
    ): components["schemas"]["release"][] => publicationReadiness(a, rs, ALL).fixingReleases;
    expect(typeof check).toBe("function");
  });
});
