/**
 * The embargo watch: public text (a pull request, an issue, a commit message, a draft release's notes)
 * that names an unpublished advisory — its GHSA id, its CVE id, its temporary private fork, or a phrase
 * the security team asked to watch — is reported on the advisory's private tracking issue. Nothing is
 * ever said in public: a public reply would itself confirm the embargoed flaw.
 *
 * The index is built from what a run has read (the org's open advisories and their tracking states) and
 * kept between runs, so deciding about a public event reads nothing. Matching is linear in the text:
 * one pass of a regular expression with no nested quantifiers for ids, and bounded substring searches
 * for at most `MAX_WATCH_PHRASES` phrases per advisory on text capped at `MAX_WATCHED_TEXT`.
 *
 * Pure: no I/O, no clock.
 */
import type { Notice } from "./tracking.js";

/** Longest public text read; GitHub's own limits are 65,536 characters for a body, more for commit lists. */
export const MAX_WATCHED_TEXT = 1_000_000;
/** Phrases a tracking issue may watch, and their length bounds. */
export const MAX_WATCH_PHRASES = 10;
export const MIN_WATCH_PHRASE = 4;
export const MAX_WATCH_PHRASE = 100;

/** One unpublished advisory as the watch knows it. */
export interface WatchedAdvisory {
  ghsa: string;
  /** `owner/repo`. */
  repo: string;
  cve: string | null;
  /** `owner/name` of the temporary private fork (its name carries the GHSA id as well). */
  fork: string | null;
  /** Extra phrases from `/advisory watch`, as typed (compared case-insensitively). */
  phrases: readonly string[];
}

export interface WatchIndex {
  /** By lower-case GHSA id. */
  byGhsa: ReadonlyMap<string, WatchedAdvisory>;
  /** By upper-case CVE id. */
  byCve: ReadonlyMap<string, WatchedAdvisory>;
  /** By lower-case fork full name. */
  byFork: ReadonlyMap<string, WatchedAdvisory>;
  /** Lower-case phrase → the advisories watching it. */
  phrases: ReadonlyMap<string, readonly WatchedAdvisory[]>;
}

export function buildWatchIndex(advisories: readonly WatchedAdvisory[]): WatchIndex {
  const byGhsa = new Map<string, WatchedAdvisory>();
  const byCve = new Map<string, WatchedAdvisory>();
  const byFork = new Map<string, WatchedAdvisory>();
  const phrases = new Map<string, WatchedAdvisory[]>();
  for (const a of advisories) {
    byGhsa.set(a.ghsa.toLowerCase(), a);
    if (a.cve) byCve.set(a.cve.toUpperCase(), a);
    if (a.fork) byFork.set(a.fork.toLowerCase(), a);
    for (const phrase of normalizePhrases(a.phrases)) phrases.set(phrase, [...(phrases.get(phrase) ?? []), a]);
  }
  return { byGhsa, byCve, byFork, phrases };
}

/** Phrases as the watch compares them: trimmed, lower case, within bounds, at most `MAX_WATCH_PHRASES`. */
export function normalizePhrases(phrases: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of phrases) {
    const phrase = p.trim().replace(/\s+/g, " ").toLowerCase();
    if (phrase.length < MIN_WATCH_PHRASE || phrase.length > MAX_WATCH_PHRASE || out.includes(phrase)) continue;
    out.push(phrase);
    if (out.length === MAX_WATCH_PHRASES) break;
  }
  return out;
}

export type MatchKind = "GHSA id" | "CVE id" | "private fork" | "watched phrase";

export interface EmbargoMatch {
  advisory: WatchedAdvisory;
  kind: MatchKind;
  /** What matched, as the watch knows it (never the surrounding public text). */
  matched: string;
}

// GitHub's GHSA alphabet; CVE ids; a fork's `owner/name-ghsa-…` is found through its GHSA id. Global, for
// `exec` from `lastIndex` 0 (reset before each text; matching is synchronous).
const IDS = /\b(GHSA(?:-[23456789cfghjmpqrvwx]{4}){3})\b|\b(CVE-\d{4}-\d{4,7})\b/gi;

function note(found: Map<string, EmbargoMatch>, advisory: WatchedAdvisory, kind: MatchKind, matched: string): void {
  const key = `${advisory.ghsa.toLowerCase()} ${kind}`;
  if (!found.has(key)) found.set(key, { advisory, kind, matched });
}

/**
 * Every unpublished advisory the text names, once per advisory and kind; linear in the text. Text that
 * names nothing (the common case) costs one pass of `IDS` and one substring search per watched phrase,
 * and allocates nothing but the empty answer.
 */
export function findEmbargoMatches(index: WatchIndex, text: string): EmbargoMatch[] {
  // Every id, fork and phrase of the index belongs to an advisory in `byGhsa`: none, nothing to name.
  if (index.byGhsa.size === 0) return [];
  const body = text.length > MAX_WATCHED_TEXT ? text.slice(0, MAX_WATCHED_TEXT) : text;
  let found: Map<string, EmbargoMatch> | undefined;
  let lower: string | undefined;
  IDS.lastIndex = 0;
  for (let m = IDS.exec(body); m !== null; m = IDS.exec(body)) {
    if (m[1]) {
      const advisory = index.byGhsa.get(m[1].toLowerCase());
      if (!advisory) continue;
      found ??= new Map();
      // `…/oras-go-ghsa-xxxx-…` is the private fork; a bare id is the advisory.
      const fork = advisory.fork?.toLowerCase();
      const at = m.index;
      // Compared on the original text's own offsets: lower-casing can change the length of what precedes
      // (`İ` becomes two code units), so offsets into a lower-cased copy would point elsewhere.
      if (fork && body.slice(Math.max(0, at - fork.length + m[1].length), at + m[1].length).toLowerCase() === fork) {
        note(found, advisory, "private fork", advisory.fork ?? m[1]);
      } else note(found, advisory, "GHSA id", advisory.ghsa);
    } else if (m[2]) {
      const advisory = index.byCve.get(m[2].toUpperCase());
      if (!advisory) continue;
      found ??= new Map();
      note(found, advisory, "CVE id", m[2].toUpperCase());
    }
  }
  if (index.phrases.size > 0) {
    lower ??= body.toLowerCase();
    for (const [phrase, advisories] of index.phrases) {
      if (!lower.includes(phrase)) continue;
      found ??= new Map();
      for (const advisory of advisories) note(found, advisory, "watched phrase", phrase);
    }
  }
  return found ? [...found.values()] : [];
}

/** Where public text was seen. */
export interface PublicPlace {
  kind: "pull request" | "issue" | "commit" | "draft release";
  /** `owner/repo#12`, `owner/repo@abc1234`, `owner/repo v1.2.3`: never text people typed. */
  ref: string;
  url: string;
  /** Login of who wrote it. */
  actor: string;
}

/**
 * The private notice for one match. Its key names the advisory, the place and what matched, so editing
 * the same pull request again does not repeat it; the body quotes nothing of the public text.
 */
export function embargoNotice(match: EmbargoMatch, place: PublicPlace): Notice {
  const what =
    match.kind === "watched phrase"
      ? `the watched phrase \`${match.matched.replace(/`/g, "'")}\``
      : `its ${match.kind} (${match.matched})`;
  return {
    key: `embargo:${match.advisory.ghsa.toLowerCase()}:${place.ref.toLowerCase()}:${match.kind}`,
    body: [
      `**Embargo watch**: public text names ${match.advisory.ghsa} before it is published.`,
      "",
      `- where: ${place.kind} [${place.ref}](${place.url})`,
      `- who: @${place.actor}`,
      `- what: ${what}`,
      "",
      "Nothing was said in public. Consider asking the author to edit it, or moving the discussion here.",
    ].join("\n"),
  };
}

/** The embargo-watch notices recorded on a tracking state, for the dashboard: `[ghsa, place]` pairs. */
export function embargoSightings(notices: readonly string[]): Array<{ ghsa: string; place: string }> {
  const out: Array<{ ghsa: string; place: string }> = [];
  for (const key of notices) {
    const m = /^embargo:([^:]+):(.+):[^:]+$/.exec(key);
    if (m?.[1] && m[2] && !out.some((o) => o.ghsa === m[1] && o.place === m[2])) out.push({ ghsa: m[1], place: m[2] });
  }
  return out;
}
