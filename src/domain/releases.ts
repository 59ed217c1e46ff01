/**
 * Which published releases fix a draft advisory, and whether the advisory may be published yet.
 *
 * The policy: an advisory is published on the same day as the release that fixes it, after that
 * release is published, never before. Release tags may or may not carry a `v` (`v2.6.1` for oras and
 * oras-go, `0.6.2` for oras-java, `0.2.41` for oras-py); advisory versions never do. Versions are
 * therefore compared as semver, not as strings.
 *
 * Pure: no I/O, no clock.
 */
import semver from "semver";

/** The part of a release this module reads (a subset of GitHub's `release` schema). */
export interface ReleaseLike {
  tag_name: string;
  /** Release notes (optional in GitHub's `release` schema). */
  body?: string | null;
  draft: boolean;
  prerelease: boolean;
}

/** The part of a vulnerability entry this module reads (`repository-advisory-vulnerability`). */
export interface PatchedVulnerability {
  patched_versions: string | null;
}

/** The part of a repository advisory this module reads (`repository-advisory`). */
export interface ReleaseMatchAdvisory {
  ghsa_id: string;
  vulnerabilities: ReadonlyArray<PatchedVulnerability> | null;
}

export interface PublicationOptions {
  /** `all`: every listed patched version needs a published release; `any`: one is enough. */
  waitFor: "all" | "any";
  /** Whether prereleases count as fixing releases (config `publish.prereleases`). */
  prereleases: boolean;
}

export interface PublicationReadiness<R extends ReleaseLike = ReleaseLike> {
  /** True when the advisory may be published now (the disclosure check still applies). */
  ready: boolean;
  /** Eligible published releases that fix the advisory (by version or by naming its GHSA id). */
  fixingReleases: R[];
  /**
   * Patched versions listed on the advisory that have no eligible published release, in the order
   * listed. Entries the app cannot read as a version (see `unrecognized`) are included verbatim, since
   * no release can ever be shown to match them.
   */
  missing: string[];
  /** Entries of `patched_versions` that are not a semver version (e.g. `2.6`), verbatim. */
  unrecognized: string[];
}

/**
 * The semver version a release tag names, normalized (`v2.6.1` → `2.6.1`), or null for a tag that is
 * not a version (`latest`, `nightly`, `untagged-…`). One leading `v`/`V` is accepted; nothing is
 * coerced (`1.2` is not a version). Build metadata is dropped, as semver ignores it for equality.
 */
export function parseReleaseVersion(tag: string): string | null {
  const rest = /^[vV]/.test(tag) ? tag.slice(1) : tag;
  // semver.valid would itself accept a further `v` or `=` and surrounding spaces: insist on a digit.
  if (!/^\d/.test(rest) || rest !== rest.trim()) return null;
  return semver.valid(rest);
}

interface PatchedList {
  versions: string[];
  unrecognized: string[];
}

/** Comparison operators tolerated in front of a patched version (`>= 2.6.1`, `>=2.6.1`, `= 2.6.1`). */
const LEADING_OPERATOR = /^(?:>=|==|=)\s*/;

function readPatchedList(advisory: ReleaseMatchAdvisory): PatchedList {
  const versions: string[] = [];
  const unrecognized: string[] = [];
  for (const vulnerability of advisory.vulnerabilities ?? []) {
    const text = vulnerability.patched_versions;
    if (text === null) continue;
    for (const part of text.split(/,|;|\|\|/)) {
      const entry = part.trim().replace(LEADING_OPERATOR, "");
      if (entry === "") continue;
      // `2.6.1 1.2.5` (space-separated) is read as two versions when each word is one.
      const words = entry.split(/\s+/);
      const parsed = words.map(parseReleaseVersion);
      if (parsed.every((v): v is string => v !== null)) {
        for (const v of parsed) if (!versions.includes(v)) versions.push(v);
      } else if (!unrecognized.includes(entry)) {
        unrecognized.push(entry);
      }
    }
  }
  return { versions, unrecognized };
}

/**
 * Every version listed in any vulnerability's `patched_versions`, normalized and deduplicated, in
 * the order listed. Accepts comma-separated lists (`2.6.1, 1.2.5`), a `>=`/`=` operator, and a `v`
 * prefix. Entries that are not semver versions are left out (see `unrecognizedPatchedVersions`).
 */
export function patchedVersions(advisory: ReleaseMatchAdvisory): string[] {
  return readPatchedList(advisory).versions;
}

/** Entries of `patched_versions` that could not be read as a version, verbatim (trimmed). */
export function unrecognizedPatchedVersions(advisory: ReleaseMatchAdvisory): string[] {
  return readPatchedList(advisory).unrecognized;
}

/** Whether `text` names the GHSA id as a whole word, case-insensitively. */
export function mentionsGhsa(text: string | null | undefined, ghsaId: string): boolean {
  const id = ghsaId.trim();
  if (text === null || text === undefined || id === "") return false;
  const escaped = id.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(?<![A-Za-z0-9_-])${escaped}(?![A-Za-z0-9_-])`, "i").test(text);
}

/**
 * Whether the release fixes the advisory: one of its patched versions equals the release version
 * (semver equality, so tag `v2.6.1` matches `2.6.1`), or the release notes name its GHSA id.
 * A draft release fixes nothing: it is not public. Prerelease filtering is the caller's choice
 * (see `publicationReadiness`).
 */
export function fixedBy(advisory: ReleaseMatchAdvisory, release: ReleaseLike): boolean {
  if (release.draft) return false;
  const version = parseReleaseVersion(release.tag_name);
  if (version !== null && patchedVersions(advisory).some((v) => semver.eq(v, version))) return true;
  return mentionsGhsa(release.body, advisory.ghsa_id);
}

/**
 * Whether a release counts as published for publication purposes: never a draft; a prerelease only
 * when allowed. A release is a prerelease when GitHub flags it so or when its tag carries a semver
 * prerelease part (`v1.0.0-rc.2`, `v3.0.0-dev`), whichever way it was published.
 */
export function countsAsPublished(release: ReleaseLike, options: Pick<PublicationOptions, "prereleases">): boolean {
  if (release.draft) return false;
  if (options.prereleases) return true;
  if (release.prerelease) return false;
  const version = parseReleaseVersion(release.tag_name);
  return version === null || semver.prerelease(version) === null;
}

/**
 * Whether a published prerelease is itself one of the patched versions (`1.0.0-rc.3` patched, tag
 * `v1.0.0-rc.3`): the advisory names that prerelease as its fix, so it counts whatever
 * `publish.prereleases` says. A prerelease of a final patched version (`v2.6.1-rc.1` for `2.6.1`), or a
 * final version published with GitHub's prerelease flag, does not.
 */
export function isPatchedPrerelease(release: ReleaseLike, patched: readonly string[]): boolean {
  if (release.draft) return false;
  const version = parseReleaseVersion(release.tag_name);
  if (version === null || semver.prerelease(version) === null) return false;
  return patched.some((v) => semver.eq(v, version));
}

/**
 * Whether the advisory may be published given the repository's releases.
 *
 * - Only eligible releases count (`countsAsPublished`): drafts never, prereleases only when allowed
 *   or when the prerelease is itself a patched version (`isPatchedPrerelease`).
 * - Entries with no patched version (a deprecated package) name nothing to wait for.
 * - `waitFor: "all"`: every listed patched version has an eligible release of that version, and
 *   no listed entry is unreadable.
 * - `waitFor: "any"`: at least one listed patched version has an eligible release.
 * - An advisory that lists no patched versions at all is ready once an eligible release names its
 *   GHSA id in the notes. When versions are listed, they decide; a release naming the id is still
 *   reported among `fixingReleases`.
 */
export function publicationReadiness<R extends ReleaseLike>(
  advisory: ReleaseMatchAdvisory,
  publishedReleases: readonly R[],
  options: PublicationOptions,
): PublicationReadiness<R> {
  const { versions, unrecognized } = readPatchedList(advisory);
  const eligible = publishedReleases.filter((r) => countsAsPublished(r, options) || isPatchedPrerelease(r, versions));
  const releasedVersions = eligible.map((r) => parseReleaseVersion(r.tag_name)).filter((v) => v !== null);
  const released = versions.filter((v) => releasedVersions.some((rv) => semver.eq(rv, v)));
  const missing = [...versions.filter((v) => !released.includes(v)), ...unrecognized];
  const fixingReleases = eligible.filter((r) => fixedBy(advisory, r));

  let ready: boolean;
  if (versions.length === 0 && unrecognized.length === 0) {
    ready = fixingReleases.length > 0;
  } else if (options.waitFor === "all") {
    ready = missing.length === 0;
  } else {
    ready = released.length > 0;
  }
  return { ready, fixingReleases, missing, unrecognized };
}
