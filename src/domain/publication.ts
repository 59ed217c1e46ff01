/**
 * Whether a draft advisory may be published now, decided from data: its fixing release(s) must be
 * published (and eligible under the configuration) and it must pass the disclosure check.
 */
import { type DisclosureAdvisory, type DisclosureProblem, disclosureCheck } from "./disclosure.js";
import {
  type PublicationOptions,
  publicationReadiness,
  type ReleaseLike,
  type ReleaseMatchAdvisory,
} from "./releases.js";
import { escapeUntrusted } from "./untrusted.js";

export type PublicationAdvisory = ReleaseMatchAdvisory &
  DisclosureAdvisory & {
    state: string;
    /** When the advisory was created: a fixing release published before it cannot be trusted to fix it. */
    created_at?: string | null;
  };

/** What can keep a draft whose fixing release is out from publishing: the disclosure check, and authority. */
export type PublicationProblem =
  | DisclosureProblem
  | {
      /** A patched version's release was published before the advisory existed: only the security team confirms it. */
      code: "release-predates-advisory";
      message: string;
    };

/** A release with the date GitHub published it (REST `published_at`). */
export type DatedRelease = ReleaseLike & { published_at?: string | null };

export type PublicationVerdict<R extends ReleaseLike> =
  | { kind: "not-draft" }
  /** The fixing release is not out: nothing may be published. `missing` names the versions without a release. */
  | { kind: "waiting"; missing: string[]; fixingReleases: R[] }
  /** The release is out but the advisory cannot be disclosed yet: every problem, for the tracking issue. */
  | { kind: "blocked"; problems: PublicationProblem[]; fixingReleases: R[] }
  | { kind: "ready"; fixingReleases: R[] };

/**
 * Fixing releases published before the advisory was created. Such a version may have been named by
 * mistake (or on purpose) for a release that does not contain the fix: publishing on it would disclose
 * an unfixed vulnerability, so only the security team's explicit `/advisory publish` confirms it.
 */
export function releasesBeforeAdvisory<R extends DatedRelease>(
  advisory: PublicationAdvisory,
  fixing: readonly R[],
): R[] {
  const created = advisory.created_at ? Date.parse(advisory.created_at) : Number.NaN;
  if (Number.isNaN(created)) return [];
  return fixing.filter((r) => r.published_at && Date.parse(r.published_at) < created);
}

export function publicationVerdict<R extends DatedRelease>(
  advisory: PublicationAdvisory,
  releases: readonly R[],
  options: PublicationOptions,
  hold: { reason: string } | null,
  /** Whether a security-team member asked for this publication (`/advisory publish`). */
  authority: { securityTeamConfirmed: boolean } = { securityTeamConfirmed: false },
): PublicationVerdict<R> {
  if (advisory.state !== "draft") return { kind: "not-draft" };
  const readiness = publicationReadiness(advisory, releases, options);
  if (!readiness.ready)
    return { kind: "waiting", missing: readiness.missing, fixingReleases: readiness.fixingReleases };
  const problems: PublicationProblem[] = disclosureCheck(
    advisory,
    hold ? { onHold: true, holdReason: hold.reason } : { onHold: false },
  );
  const early = authority.securityTeamConfirmed ? [] : releasesBeforeAdvisory(advisory, readiness.fixingReleases);
  if (early.length > 0) {
    problems.push({
      code: "release-predates-advisory",
      message: `${early.map((r) => r.tag_name).join(", ")} was published before this advisory was created (${advisory.created_at?.slice(0, 10)}), so it may not contain the fix; it is not published automatically — a security-team member confirms with \`/advisory publish\``,
    });
  }
  if (problems.length > 0) return { kind: "blocked", problems, fixingReleases: readiness.fixingReleases };
  return { kind: "ready", fixingReleases: readiness.fixingReleases };
}

export const ANNOTATION_HEADING = "## Security advisories";

/**
 * Release notes with a "Security advisories" section linking each published advisory. Idempotent:
 * an advisory already linked is not added again; null when nothing changes.
 */
export function annotateReleaseNotes(
  body: string | null | undefined,
  advisories: Array<{ ghsa: string; url: string; summary: string }>,
): string | null {
  const notes = body ?? "";
  const missing = advisories.filter((a) => !notes.toLowerCase().includes(a.ghsa.toLowerCase()));
  if (missing.length === 0) return null;
  const lines = missing.map((a) => `- [${a.ghsa}](${a.url}): ${escapeUntrusted(a.summary)}`);
  if (notes.includes(ANNOTATION_HEADING)) {
    const at = notes.indexOf(ANNOTATION_HEADING) + ANNOTATION_HEADING.length;
    const rest = notes.slice(at);
    const sectionEnd = rest.search(/\n#{1,2} /);
    const insertAt = sectionEnd === -1 ? notes.length : at + sectionEnd;
    const before = notes.slice(0, insertAt).replace(/\s*$/, "");
    return `${before}\n${lines.join("\n")}\n${notes.slice(insertAt)}`.replace(/\n{3,}$/, "\n");
  }
  const sep = notes.trim() === "" ? "" : `${notes.replace(/\s*$/, "")}\n\n`;
  return `${sep}${ANNOTATION_HEADING}\n\n${lines.join("\n")}\n`;
}
